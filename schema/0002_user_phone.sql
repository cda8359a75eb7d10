-- A user's phone number, bound from WeChat's getPhoneNumber (purePhoneNumber + countryCode).
-- Shown to others only masked (138****5678); kept whole for the store's own use.
ALTER TABLE users
  ADD COLUMN phone VARCHAR(20) NULL AFTER unionid,
  ADD COLUMN phone_country_code VARCHAR(8) NULL AFTER phone,
  ADD COLUMN phone_bound_at DATETIME(6) NULL AFTER phone_country_code,
  ADD KEY ix_users_phone (phone);

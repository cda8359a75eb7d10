-- Vouchers expire (docs/alliance.md "Expiry"): what a credit had left when its end came is
-- `expired_fen` (its money returns to the fund's free balance), and each consumer is reminded
-- once before a credit ends (`reminded_at`). The job reads credits by their end.
ALTER TABLE alliance_voucher_credits
  ADD COLUMN expired_fen BIGINT NOT NULL DEFAULT 0 AFTER taken_back_fen,
  ADD COLUMN reminded_at DATETIME(6) NULL,
  ADD KEY ix_alliance_voucher_credits_expiry (expires_at, id),
  ADD CONSTRAINT ck_alliance_voucher_credits_parts CHECK (remaining_fen >= 0 AND expired_fen >= 0 AND taken_back_fen >= 0);

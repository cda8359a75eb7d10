-- A desk's sale reserved anew (its reservation released by a cancel or by expiry, then a new code)
-- gets a reservation of its own (docs/pos-callbacks.md "Vouchers at the desk"): the attempt number
-- joins the sale's key, so a cancel still being retried from before names the old, released
-- reservation and can no longer release the new one.
ALTER TABLE alliance_voucher_reservations
  ADD COLUMN attempt INT UNSIGNED NOT NULL DEFAULT 1 AFTER merchant_order_id,
  ADD UNIQUE KEY uq_alliance_voucher_reservations_attempt (merchant_id, merchant_order_id, attempt),
  DROP INDEX uq_alliance_voucher_reservations_order;

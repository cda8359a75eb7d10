-- Advances (docs/business-rules.md section 3.1 "Advance", docs/alliance.md "Advances"): a consumer
-- may spend, beyond their vouchers, what their lots are expected to release in the next dividends
-- (within the pool's budget); later dividends repay it before crediting anything. The part of an
-- order paid so is a hold of its own (no credit behind it); the advance's record per consumer.
ALTER TABLE alliance_voucher_holds
  MODIFY COLUMN credit_id BIGINT UNSIGNED NULL,
  ADD COLUMN source VARCHAR(16) NOT NULL DEFAULT 'credit' AFTER credit_id,
  ADD CONSTRAINT ck_alliance_voucher_holds_source CHECK ((source = 'credit' AND credit_id IS NOT NULL) OR (source = 'advance' AND credit_id IS NULL));

CREATE TABLE alliance_voucher_advances (
  user_id BIGINT UNSIGNED NOT NULL,
  granted_fen BIGINT NOT NULL DEFAULT 0,     -- held for orders and reservations
  cancelled_fen BIGINT NOT NULL DEFAULT 0,   -- given back: the order closed unpaid, the reservation released
  repaid_fen BIGINT NOT NULL DEFAULT 0,      -- dividends not credited to repay it
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (user_id),
  CONSTRAINT ck_alliance_voucher_advances_owed CHECK (cancelled_fen >= 0 AND repaid_fen >= 0 AND cancelled_fen + repaid_fen <= granted_fen)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

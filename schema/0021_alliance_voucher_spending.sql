-- Spending vouchers (docs/business-rules.md section 3.1 "Vouchers", docs/alliance.md "Spending
-- vouchers"): an order's voucher part, the vouchers it holds until it is paid or closed, the desk's
-- two-step reservation, the code a consumer shows at the desk, the voucher debt a refund leaves
-- when the vouchers it takes back were spent, and the credits a refund gives back.

-- The part of the order vouchers pay; amount_fen stays the money the buyer pays (WeChat Pay's total,
-- the stored value spent, what the desk took): every base (concession, points, profit) is money.
ALTER TABLE orders
  ADD COLUMN voucher_fen BIGINT NOT NULL DEFAULT 0 AFTER amount_fen,
  ADD CONSTRAINT ck_orders_voucher CHECK (voucher_fen >= 0);

-- A desk's reservation: the consumer's code names them, the desk's own order id makes it
-- idempotent, the vouchers are held until the order callback confirms it (in the order's
-- transaction), the desk cancels it, or it expires and the release job lets them go.
CREATE TABLE alliance_voucher_reservations (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  merchant_order_id VARCHAR(64) NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  order_total_fen BIGINT NOT NULL,          -- the sale before vouchers: the voucher share's base
  voucher_fen BIGINT NOT NULL,
  state VARCHAR(16) NOT NULL,               -- reserved | confirmed | released
  order_id BIGINT UNSIGNED NULL,            -- once confirmed
  released_by VARCHAR(16) NULL,             -- cancel | expiry
  expires_at DATETIME(6) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  ended_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_alliance_voucher_reservations_order (merchant_id, merchant_order_id),
  KEY ix_alliance_voucher_reservations_expiry (state, expires_at),
  CONSTRAINT fk_alliance_voucher_reservations_merchant FOREIGN KEY (merchant_id) REFERENCES merchants (id),
  CONSTRAINT ck_alliance_voucher_reservations_amounts CHECK (voucher_fen > 0 AND order_total_fen > voucher_fen)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- What an order (or a desk's reservation) holds of each credit: taken from the credit's remaining
-- value when placed, spent when paid, given back when closed or released.
CREATE TABLE alliance_voucher_holds (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id BIGINT UNSIGNED NOT NULL,
  credit_id BIGINT UNSIGNED NOT NULL,
  order_id BIGINT UNSIGNED NULL,
  reservation_id BIGINT UNSIGNED NULL,
  amount_fen BIGINT NOT NULL,
  state VARCHAR(16) NOT NULL,               -- held | spent | released
  created_at DATETIME(6) NOT NULL,
  ended_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY ix_alliance_voucher_holds_order (order_id),
  KEY ix_alliance_voucher_holds_reservation (reservation_id),
  KEY ix_alliance_voucher_holds_credit (credit_id),
  CONSTRAINT fk_alliance_voucher_holds_credit FOREIGN KEY (credit_id) REFERENCES alliance_voucher_credits (id),
  CONSTRAINT fk_alliance_voucher_holds_reservation FOREIGN KEY (reservation_id) REFERENCES alliance_voucher_reservations (id),
  CONSTRAINT ck_alliance_voucher_holds_amount CHECK (amount_fen > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The code a consumer shows at the desk: one live code per consumer (a new one replaces it), valid
-- two minutes, used once (a reservation takes it).
CREATE TABLE alliance_voucher_codes (
  user_id BIGINT UNSIGNED NOT NULL,
  digits CHAR(12) NOT NULL,
  expires_at DATETIME(6) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (user_id),
  UNIQUE KEY uq_alliance_voucher_codes_digits (digits)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Vouchers a holder owes back: a refund took back vouchers its lots had released that the holder
-- had already spent. Never collected in money: later dividends (and vouchers coming back from a
-- released hold) pay it first.
CREATE TABLE alliance_voucher_debts (
  holder VARCHAR(16) NOT NULL,
  holder_id BIGINT UNSIGNED NOT NULL,
  recorded_fen BIGINT NOT NULL DEFAULT 0,
  netted_fen BIGINT NOT NULL DEFAULT 0,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (holder, holder_id),
  CONSTRAINT ck_alliance_voucher_debts_owed CHECK (netted_fen >= 0 AND netted_fen <= recorded_fen)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A refund of an order paid partly with vouchers gives that share back as a credit of its own
-- (reason refund_return), one per refund: the order's key gains the refund.
ALTER TABLE alliance_voucher_credits
  ADD COLUMN refund_id BIGINT UNSIGNED NOT NULL DEFAULT 0 AFTER dividend_number,
  DROP INDEX uq_alliance_voucher_credits_order,
  ADD UNIQUE KEY uq_alliance_voucher_credits_order (reason, order_id, holder, refund_id);

-- Supply orders (平台拿货; docs/business-rules.md section 3, docs/alliance.md "Supply orders"): the
-- platform bills a member store for goods it supplies, and the store pays it partly with its own
-- vouchers (fan-lock rewards, dividends), at most `supply_voucher_max_bp` of the order, the rest in
-- money owed to the platform (supply_payable in the store's book). The fund pays the platform for
-- the voucher part from the reserve behind those vouchers.
CREATE TABLE alliance_supply_orders (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  reference VARCHAR(64) NOT NULL,           -- the platform's own number (invoice, delivery note): issuing it again is a replay
  description VARCHAR(200) NOT NULL,
  amount_fen BIGINT NOT NULL,
  state VARCHAR(16) NOT NULL,               -- open | paid | cancelled | refunded
  voucher_max_bp INT NULL,                  -- the pool's supply cap in force when paid
  voucher_fen BIGINT NOT NULL DEFAULT 0,    -- paid with the store's vouchers
  issued_by_user_id BIGINT UNSIGNED NOT NULL,
  paid_by_user_id BIGINT UNSIGNED NULL,
  ended_by_user_id BIGINT UNSIGNED NULL,    -- who cancelled or refunded it
  end_reason VARCHAR(500) NULL,
  created_at DATETIME(6) NOT NULL,
  paid_at DATETIME(6) NULL,
  ended_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_alliance_supply_orders_reference (merchant_id, reference),
  KEY ix_alliance_supply_orders_state (state, id),
  CONSTRAINT fk_alliance_supply_orders_merchant FOREIGN KEY (merchant_id) REFERENCES merchants (id),
  CONSTRAINT ck_alliance_supply_orders_amounts CHECK (amount_fen > 0 AND voucher_fen >= 0 AND voucher_fen <= amount_fen)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- What a paid supply order drew from each of the store's credits (the soonest to expire first), so
-- that a refund gives each back with its own expiry (at least 30 days after the refund).
CREATE TABLE alliance_supply_voucher_draws (
  supply_order_id BIGINT UNSIGNED NOT NULL,
  credit_id BIGINT UNSIGNED NOT NULL,
  amount_fen BIGINT NOT NULL,
  PRIMARY KEY (supply_order_id, credit_id),
  CONSTRAINT fk_alliance_supply_voucher_draws_order FOREIGN KEY (supply_order_id) REFERENCES alliance_supply_orders (id),
  CONSTRAINT fk_alliance_supply_voucher_draws_credit FOREIGN KEY (credit_id) REFERENCES alliance_voucher_credits (id),
  CONSTRAINT ck_alliance_supply_voucher_draws_amount CHECK (amount_fen > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A refund of a supply order gives its vouchers back as a credit of the store (reason
-- supply_return), one per supply order.
ALTER TABLE alliance_voucher_credits
  ADD COLUMN supply_order_id BIGINT UNSIGNED NULL AFTER refund_id,
  ADD UNIQUE KEY uq_alliance_voucher_credits_supply (supply_order_id);

-- A dividend's earmark (docs/alliance.md "Dividends"): when its planning ends, what it may credit
-- leaves the fund's free balance for an account of its own (alliance_fund_earmarked), so that a
-- refund meanwhile cannot take it from under the dividend; the rest returns at its end. NULL: a
-- dividend planned before earmarks existed, which credits from the free balance as it always did.
ALTER TABLE alliance_dividends
  ADD COLUMN earmarked_fen BIGINT NULL AFTER available_fen;

-- Orders (WeChat Pay, stored value, the store's POS), refunds, dividends and their reversals, and
-- the outbox that feeds real-time reminders. Money moves only through ledger transactions written
-- in the same database transaction as these rows.

-- How long a dividend stays pending (refunds may still reverse it) before it is settled.
ALTER TABLE merchants ADD COLUMN settlement_delay_days INT UNSIGNED NOT NULL DEFAULT 7 AFTER protection_days;

CREATE TABLE orders (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  source ENUM('wechat_pay', 'stored_value', 'pos') NOT NULL,
  kind ENUM('purchase', 'buy_in') NOT NULL DEFAULT 'purchase',
  out_trade_no VARCHAR(32) NULL,        -- ours, sent to WeChat Pay
  merchant_order_id VARCHAR(64) NULL,   -- the POS's own id
  pos_content_sha256 CHAR(64) NULL,     -- the POS callback's content: the same id with other content is a conflict
  customer_user_id BIGINT UNSIGNED NULL,  -- NULL: a POS customer unknown to us (no dividend)
  description VARCHAR(127) NOT NULL DEFAULT '',
  category VARCHAR(64) NULL,
  amount_fen BIGINT NOT NULL,
  pos_profit_fen BIGINT NULL,           -- the profit the POS declared, if any
  status ENUM('created', 'paid', 'closed') NOT NULL DEFAULT 'created',
  prepay_id VARCHAR(64) NULL,
  transaction_id VARCHAR(64) NULL,      -- WeChat Pay's
  paid_at DATETIME(6) NULL,
  profit_fen BIGINT NULL,               -- computed when paid, with the tier version in force then
  tier_version_id BIGINT UNSIGNED NULL,
  dividend_due BOOLEAN NOT NULL DEFAULT FALSE,  -- when paid: the customer had an owner who earns on it
  refunded_fen BIGINT NOT NULL DEFAULT 0,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_orders_out_trade_no (out_trade_no),
  UNIQUE KEY uq_orders_merchant_order (merchant_id, merchant_order_id),
  UNIQUE KEY uq_orders_transaction (transaction_id),
  KEY ix_orders_merchant (merchant_id, id),
  KEY ix_orders_customer (customer_user_id, id),
  KEY ix_orders_unpaid (status, source, created_at),
  CONSTRAINT fk_orders_merchant FOREIGN KEY (merchant_id) REFERENCES merchants (id),
  CONSTRAINT ck_orders_amount CHECK (amount_fen > 0),
  CONSTRAINT ck_orders_refunded CHECK (refunded_fen >= 0 AND refunded_fen <= amount_fen)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A refund of (part of) a paid order, once per WeChat refund_id or POS refund id.
CREATE TABLE refunds (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  order_id BIGINT UNSIGNED NOT NULL,
  merchant_id BIGINT UNSIGNED NOT NULL,
  source ENUM('wechat_pay', 'pos') NOT NULL,
  refund_key VARCHAR(64) NOT NULL,
  amount_fen BIGINT NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_refunds_key (merchant_id, source, refund_key),
  KEY ix_refunds_order (order_id),
  CONSTRAINT fk_refunds_order FOREIGN KEY (order_id) REFERENCES orders (id),
  CONSTRAINT ck_refunds_amount CHECK (amount_fen > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The dividend an order earned its customer's owner: one per order at most.
CREATE TABLE dividends (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  order_id BIGINT UNSIGNED NOT NULL,
  merchant_id BIGINT UNSIGNED NOT NULL,
  partner_id BIGINT UNSIGNED NOT NULL,
  partner_user_id BIGINT UNSIGNED NOT NULL,
  customer_user_id BIGINT UNSIGNED NOT NULL,
  tier_version_id BIGINT UNSIGNED NOT NULL,
  tier_name VARCHAR(64) NOT NULL,
  ratio_bp INT UNSIGNED NOT NULL,
  profit_fen BIGINT NOT NULL,
  amount_fen BIGINT NOT NULL,
  reversed_fen BIGINT NOT NULL DEFAULT 0,
  paid_at DATETIME(6) NOT NULL,
  settles_at DATETIME(6) NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_dividends_order (order_id),
  KEY ix_dividends_partner_user (partner_user_id, id),
  KEY ix_dividends_merchant_partner (merchant_id, partner_id, id),
  CONSTRAINT fk_dividends_order FOREIGN KEY (order_id) REFERENCES orders (id),
  CONSTRAINT fk_dividends_partner FOREIGN KEY (partner_id) REFERENCES partners (id),
  CONSTRAINT ck_dividends_amount CHECK (amount_fen >= 0 AND reversed_fen >= 0 AND reversed_fen <= amount_fen)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE dividend_reversals (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  dividend_id BIGINT UNSIGNED NOT NULL,
  refund_id BIGINT UNSIGNED NOT NULL,
  amount_fen BIGINT NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_dividend_reversals (dividend_id, refund_id),
  CONSTRAINT fk_reversals_dividend FOREIGN KEY (dividend_id) REFERENCES dividends (id),
  CONSTRAINT fk_reversals_refund FOREIGN KEY (refund_id) REFERENCES refunds (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Events for the push relay (WebSocket issue), written in the transaction that caused them.
CREATE TABLE outbox_events (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id BIGINT UNSIGNED NOT NULL,
  kind VARCHAR(32) NOT NULL,
  payload TEXT NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  relayed_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY ix_outbox_pending (relayed_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Genuine WeChat Pay notifications we refused to apply (amount or payer not as ordered, unknown
-- order): kept for the merchant and operators, once per notification.
CREATE TABLE payment_anomalies (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NULL,
  order_id BIGINT UNSIGNED NULL,
  kind VARCHAR(32) NOT NULL,
  reference VARCHAR(64) NOT NULL,
  detail VARCHAR(500) NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_payment_anomalies (kind, reference),
  KEY ix_payment_anomalies_merchant (merchant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Payouts (docs/payouts.md): dividends settle into a withdrawable balance, partners withdraw it to
-- their WeChat balance through WeChat Pay's merchant transfer, a refund after settlement becomes a
-- clawback debt netted from later money. The money itself is in the ledger (accounts
-- dividend_withdrawable, payout_in_flight, clawback_receivable); these rows say why it moved.

-- A store's limits on withdrawals. Defaults: 0.1 yuan (WeChat Pay's floor) to 1,000 yuan each,
-- 5,000 yuan a day, 3 unfinished at once, no approval.
ALTER TABLE merchants
  ADD COLUMN payout_min_fen BIGINT NOT NULL DEFAULT 10,
  ADD COLUMN payout_max_fen BIGINT NOT NULL DEFAULT 100000,
  ADD COLUMN payout_daily_max_fen BIGINT NOT NULL DEFAULT 500000,
  ADD COLUMN payout_max_pending INT UNSIGNED NOT NULL DEFAULT 3,
  ADD COLUMN payout_approval_above_fen BIGINT NULL,
  ADD CONSTRAINT ck_merchants_payout_limits CHECK (payout_min_fen >= 10 AND payout_max_fen >= payout_min_fen
                                                   AND payout_daily_max_fen >= payout_max_fen AND payout_max_pending >= 1);

-- The payee's real name, which WeChat Pay wants from 2,000 yuan on: sealed with the server's data
-- key (never shown again, never logged).
ALTER TABLE users ADD COLUMN real_name_sealed VARBINARY(512) NULL;

-- One settlement moves a partner's due dividends at a store from pending to withdrawable.
CREATE TABLE dividend_settlements (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  partner_id BIGINT UNSIGNED NOT NULL,
  partner_user_id BIGINT UNSIGNED NOT NULL,
  dividends INT UNSIGNED NOT NULL,
  amount_fen BIGINT NOT NULL,        -- what the dividends had left after reversals
  to_debt_fen BIGINT NOT NULL,       -- of it, what paid the partner's clawback debt
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  KEY ix_settlements_partner (merchant_id, partner_id, id),
  CONSTRAINT fk_settlements_partner FOREIGN KEY (partner_id) REFERENCES partners (id),
  CONSTRAINT ck_settlements_amount CHECK (amount_fen > 0 AND to_debt_fen >= 0 AND to_debt_fen <= amount_fen)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

ALTER TABLE dividends
  ADD COLUMN settlement_id BIGINT UNSIGNED NULL,
  ADD COLUMN settled_at DATETIME(6) NULL,
  -- The settle job's search: unsettled and due.
  ADD KEY ix_dividends_due (settled_at, settles_at),
  ADD CONSTRAINT fk_dividends_settlement FOREIGN KEY (settlement_id) REFERENCES dividend_settlements (id);

-- A reversal after settlement: how much came out of the withdrawable balance, how much became debt.
ALTER TABLE dividend_reversals
  ADD COLUMN from_withdrawable_fen BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN to_debt_fen BIGINT NOT NULL DEFAULT 0;

CREATE TABLE payouts (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  partner_id BIGINT UNSIGNED NOT NULL,
  partner_user_id BIGINT UNSIGNED NOT NULL,
  request_id VARCHAR(64) NOT NULL,
  amount_fen BIGINT NOT NULL,
  state ENUM('awaiting_approval', 'creating', 'wait_user_confirm', 'transferring', 'cancelling',
             'succeeded', 'failed', 'cancelled', 'rejected') NOT NULL,
  -- Ours, made once with the row and never issued again: every retry of the transfer sends it.
  out_bill_no VARCHAR(32) NOT NULL,
  -- What the transfer sends, fixed at creation so that a retry is identical.
  openid VARCHAR(64) NOT NULL,
  transfer_remark VARCHAR(32) NOT NULL,
  needs_real_name BOOLEAN NOT NULL DEFAULT FALSE,
  transfer_bill_no VARCHAR(64) NULL,
  package_info VARCHAR(1024) NULL,
  wechat_state VARCHAR(32) NULL,   -- the last state WeChat Pay told us
  fail_reason VARCHAR(64) NULL,
  decided_by_user_id BIGINT UNSIGNED NULL,  -- who approved or rejected it
  decision_reason VARCHAR(200) NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  finished_at DATETIME(6) NULL,
  bill_created_at DATETIME(6) NULL,  -- when WeChat Pay first answered with the bill
  next_check_at DATETIME(6) NULL,    -- when check-payouts asks WeChat Pay next (NULL: final)
  PRIMARY KEY (id),
  UNIQUE KEY uq_payouts_request (partner_user_id, request_id),
  UNIQUE KEY uq_payouts_out_bill_no (out_bill_no),
  KEY ix_payouts_merchant (merchant_id, id),
  KEY ix_payouts_partner (merchant_id, partner_id, state),
  KEY ix_payouts_user (partner_user_id, id),
  KEY ix_payouts_check (next_check_at),
  CONSTRAINT fk_payouts_partner FOREIGN KEY (partner_id) REFERENCES partners (id),
  CONSTRAINT ck_payouts_amount CHECK (amount_fen >= 10)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

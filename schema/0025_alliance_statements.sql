-- Settling with member stores (docs/alliance.md "Settlement"): a statement per store and
-- Asia/Shanghai calendar month of what moved on its alliance accounts that month (concessions it
-- owes, supply money it owes, reimbursements the fund owes it for vouchers it took; refunds as
-- negative movements), the net either way, and its settlement by bank transfer, recorded by a
-- platform operator with the transfer's reference (then the ledger clears the amounts).
CREATE TABLE alliance_statements (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  period CHAR(7) NOT NULL,                    -- "2026-11", the store's month in Asia/Shanghai
  period_start DATETIME(6) NOT NULL,          -- [start, end) as UTC instants
  period_end DATETIME(6) NOT NULL,
  concession_fen BIGINT NOT NULL,             -- owed by the store (may be negative: refunds beyond the month's concessions)
  supply_fen BIGINT NOT NULL,                 -- owed by the store for supply bills
  reimbursement_fen BIGINT NOT NULL,          -- owed to the store by the fund, for vouchers it took
  net_fen BIGINT NOT NULL,                    -- concession + supply - reimbursement: > 0 the store pays, < 0 the platform pays
  state VARCHAR(16) NOT NULL,                 -- due | settled
  transfer_reference VARCHAR(64) NULL,
  settled_by_user_id BIGINT UNSIGNED NULL,
  created_at DATETIME(6) NOT NULL,
  settled_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_alliance_statements_period (merchant_id, period),
  KEY ix_alliance_statements_period (period, id),
  CONSTRAINT fk_alliance_statements_merchant FOREIGN KEY (merchant_id) REFERENCES merchants (id),
  CONSTRAINT ck_alliance_statements_net CHECK (net_fen = concession_fen + supply_fen - reimbursement_fen)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

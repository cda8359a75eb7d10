-- When each ledger transaction was written, beside when its event happened (created_at, the
-- booking time: a payment is booked at its paid_at, which a desk may report days later). The
-- stores' monthly statements (docs/alliance.md "Settlement") read by this time: a sale reported
-- after its month's statement was issued lands on the next statement instead of on none.
-- A constant default first (instant), the history's value, then the default for what comes: a
-- non-constant default in the ADD would copy the whole table under a lock.
ALTER TABLE ledger_transactions
  ADD COLUMN recorded_at DATETIME(6) NOT NULL DEFAULT '2000-01-01 00:00:00' AFTER created_at;
UPDATE ledger_transactions SET recorded_at = created_at;
ALTER TABLE ledger_transactions
  ALTER COLUMN recorded_at SET DEFAULT CURRENT_TIMESTAMP(6);
-- The statements read a month's transactions by it: from its index, not from every entry ever.
ALTER TABLE ledger_transactions ADD KEY ix_ledger_transactions_recorded (recorded_at);

-- A month whose statements were all issued (every store's, in one completed run): the hourly job
-- reads a closed month once, not every hour (nothing can be written into a closed month since).
CREATE TABLE alliance_statement_periods (
  period CHAR(7) NOT NULL,
  issued_at DATETIME(6) NOT NULL,
  PRIMARY KEY (period)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

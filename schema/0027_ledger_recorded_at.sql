-- When each ledger transaction was written, beside when its event happened (created_at, the
-- booking time: a payment is booked at its paid_at, which a desk may report days later). The
-- stores' monthly statements (docs/alliance.md "Settlement") read by this time: a sale reported
-- after its month's statement was issued lands on the next statement instead of on none.
ALTER TABLE ledger_transactions
  ADD COLUMN recorded_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) AFTER created_at;
UPDATE ledger_transactions SET recorded_at = created_at;

-- Ledger books and assets (docs/ledger.md). A book is whose accounts they are: each store has one,
-- and the platform has one (the alliance's points pool and voucher fund, promoters, regional
-- centres). An account holds one asset: cny_fen (money, in fen), points (centipoints) or
-- voucher_fen (vouchers, counted in fen but never cash); amounts and balances are integers in the
-- asset's unit, and an entry moves one asset between two accounts that both hold it.
CREATE TABLE ledger_books (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  kind VARCHAR(16) NOT NULL,
  merchant_id BIGINT UNSIGNED NULL,
  -- 1 for the platform's book, NULL otherwise: the unique key allows one platform book.
  platform_key TINYINT AS (IF(kind = 'platform', 1, NULL)) PERSISTENT,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_ledger_books_merchant (merchant_id),
  UNIQUE KEY uq_ledger_books_platform (platform_key),
  CONSTRAINT ck_ledger_books_kind CHECK ((kind = 'store' AND merchant_id IS NOT NULL) OR (kind = 'platform' AND merchant_id IS NULL)),
  CONSTRAINT fk_ledger_books_merchant FOREIGN KEY (merchant_id) REFERENCES merchants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT INTO ledger_books (kind, merchant_id) VALUES ('platform', NULL);
INSERT INTO ledger_books (kind, merchant_id) SELECT 'store', id FROM merchants ORDER BY id;

-- Accounts move into books. merchant_id stays beside book_id (the book's store; 0 in the
-- platform's book, never NULL: InnoDB locks a unique lookup on a nullable index with gap locks,
-- which deadlock a stored-value spend with the insert of its store's first sales account) so that
-- a posting finds its store's accounts in one indexed read; check-ledger proves the two agree.
ALTER TABLE ledger_accounts
  ADD COLUMN book_id BIGINT UNSIGNED NULL AFTER id,
  ADD COLUMN asset VARCHAR(16) NOT NULL DEFAULT 'cny_fen' AFTER kind,
  CHANGE COLUMN balance_fen balance BIGINT NOT NULL DEFAULT 0;
UPDATE ledger_accounts a JOIN ledger_books b ON b.merchant_id = a.merchant_id SET a.book_id = b.id;
ALTER TABLE ledger_accounts
  MODIFY COLUMN book_id BIGINT UNSIGNED NOT NULL,
  MODIFY COLUMN asset VARCHAR(16) NOT NULL,
  DROP FOREIGN KEY fk_ledger_accounts_merchant,
  DROP INDEX uq_ledger_accounts,
  ADD UNIQUE KEY uq_ledger_accounts_book (book_id, kind, user_id),
  -- Unique as before: a spend's FOR UPDATE locks the one row, with no gap lock for inserts to wait on.
  ADD UNIQUE KEY uq_ledger_accounts_merchant (merchant_id, kind, user_id),
  ADD CONSTRAINT fk_ledger_accounts_book FOREIGN KEY (book_id) REFERENCES ledger_books (id);

-- A transaction happens at a store (merchant_id) or at the platform alone (NULL); its entries may
-- touch that store's book and the platform's.
ALTER TABLE ledger_transactions MODIFY COLUMN merchant_id BIGINT UNSIGNED NULL;

ALTER TABLE ledger_entries CHANGE COLUMN amount_fen amount BIGINT NOT NULL;

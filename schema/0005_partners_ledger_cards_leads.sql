-- Partners, the money ledger, card packs, share links and lead ownership.

-- A user who joined a store's partner programme. The tier follows the total ever bought in (not the
-- stored-value balance: spending never lowers it), priced with the tier version in force.
CREATE TABLE partners (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  status ENUM('active', 'paused', 'ended') NOT NULL DEFAULT 'active',
  -- What existing leads earn while the partner is paused or ended (the merchant's choice).
  inactive_dividends ENUM('keep_paying', 'stop') NOT NULL DEFAULT 'keep_paying',
  total_buy_in_fen BIGINT NOT NULL DEFAULT 0,
  status_note VARCHAR(200) NULL,
  status_changed_by_user_id BIGINT UNSIGNED NULL,
  status_changed_at DATETIME(6) NULL,
  enrolled_by_user_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_partners_merchant_user (merchant_id, user_id),
  KEY ix_partners_user (user_id),
  CONSTRAINT fk_partners_merchant FOREIGN KEY (merchant_id) REFERENCES merchants (id),
  CONSTRAINT fk_partners_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Double-entry ledger. An account belongs to a store, and to a user for per-person accounts
-- (user_id 0 for the store's own accounts, so the unique key works). balance_fen caches
-- debits - credits of its entries: a credit-normal account (stored value owed to a partner) has a
-- negative balance. `sharedstore check-ledger` (orders issue) proves the cache equals the entries.
CREATE TABLE ledger_accounts (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  kind VARCHAR(32) NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL DEFAULT 0,
  balance_fen BIGINT NOT NULL DEFAULT 0,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_ledger_accounts (merchant_id, kind, user_id),
  CONSTRAINT fk_ledger_accounts_merchant FOREIGN KEY (merchant_id) REFERENCES merchants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One business event that moves money (a cash buy-in, an order, a refund...), written in the same
-- database transaction as the event. `reference` names the causing row, unique per kind, so an
-- event applied twice is refused by the database.
CREATE TABLE ledger_transactions (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  kind VARCHAR(32) NOT NULL,
  reference VARCHAR(64) NOT NULL,
  actor_user_id BIGINT UNSIGNED NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_ledger_transactions_reference (kind, reference),
  KEY ix_ledger_transactions_merchant (merchant_id, id),
  CONSTRAINT fk_ledger_transactions_merchant FOREIGN KEY (merchant_id) REFERENCES merchants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every entry moves a positive amount from a credit account to a debit account, so each
-- transaction's entries sum to zero by construction.
CREATE TABLE ledger_entries (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  transaction_id BIGINT UNSIGNED NOT NULL,
  debit_account_id BIGINT UNSIGNED NOT NULL,
  credit_account_id BIGINT UNSIGNED NOT NULL,
  amount_fen BIGINT NOT NULL,
  PRIMARY KEY (id),
  KEY ix_ledger_entries_transaction (transaction_id),
  KEY ix_ledger_entries_debit (debit_account_id, id),
  KEY ix_ledger_entries_credit (credit_account_id, id),
  CONSTRAINT fk_ledger_entries_transaction FOREIGN KEY (transaction_id) REFERENCES ledger_transactions (id),
  CONSTRAINT fk_ledger_entries_debit FOREIGN KEY (debit_account_id) REFERENCES ledger_accounts (id),
  CONSTRAINT fk_ledger_entries_credit FOREIGN KEY (credit_account_id) REFERENCES ledger_accounts (id),
  CONSTRAINT ck_ledger_entries_positive CHECK (amount_fen > 0),
  CONSTRAINT ck_ledger_entries_two_accounts CHECK (debit_account_id <> credit_account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A partner's buy-in (first enrolment or a top-up): stored value credited to the partner.
CREATE TABLE partner_buy_ins (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  partner_id BIGINT UNSIGNED NOT NULL,
  merchant_id BIGINT UNSIGNED NOT NULL,
  amount_fen BIGINT NOT NULL,
  method ENUM('cash', 'wechat_pay') NOT NULL,
  note VARCHAR(200) NULL,
  recorded_by_user_id BIGINT UNSIGNED NULL,
  ledger_transaction_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  KEY ix_partner_buy_ins_partner (partner_id, id),
  CONSTRAINT fk_buy_ins_partner FOREIGN KEY (partner_id) REFERENCES partners (id),
  CONSTRAINT fk_buy_ins_ledger FOREIGN KEY (ledger_transaction_id) REFERENCES ledger_transactions (id),
  CONSTRAINT ck_buy_ins_positive CHECK (amount_fen > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A pack of one card template issued to a partner: at most `quota` customers can claim it.
CREATE TABLE card_packs (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  card_template_id BIGINT UNSIGNED NOT NULL,
  partner_id BIGINT UNSIGNED NOT NULL,
  quota INT UNSIGNED NOT NULL,
  claimed INT UNSIGNED NOT NULL DEFAULT 0,
  issued_by_user_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  KEY ix_card_packs_partner (partner_id, id),
  KEY ix_card_packs_merchant (merchant_id, id),
  CONSTRAINT fk_card_packs_template FOREIGN KEY (card_template_id) REFERENCES card_templates (id),
  CONSTRAINT fk_card_packs_partner FOREIGN KEY (partner_id) REFERENCES partners (id),
  CONSTRAINT ck_card_packs_quota CHECK (claimed <= quota)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A share link of a pack: the code is the only thing a WeChat share or QR code carries.
CREATE TABLE shares (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  code VARCHAR(32) NOT NULL,
  card_pack_id BIGINT UNSIGNED NOT NULL,
  partner_id BIGINT UNSIGNED NOT NULL,
  merchant_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  revoked_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_shares_code (code),
  KEY ix_shares_pack (card_pack_id, id),
  CONSTRAINT fk_shares_pack FOREIGN KEY (card_pack_id) REFERENCES card_packs (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One owner per (store, customer): the primary key is what makes concurrent claims safe.
CREATE TABLE leads (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,  -- list order and cursor; kept when the owner changes
  merchant_id BIGINT UNSIGNED NOT NULL,
  customer_user_id BIGINT UNSIGNED NOT NULL,
  partner_id BIGINT UNSIGNED NOT NULL,
  share_id BIGINT UNSIGNED NULL,
  bound_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (merchant_id, customer_user_id),
  UNIQUE KEY uq_leads_id (id),
  KEY ix_leads_partner (partner_id, id),
  CONSTRAINT fk_leads_merchant FOREIGN KEY (merchant_id) REFERENCES merchants (id),
  CONSTRAINT fk_leads_customer FOREIGN KEY (customer_user_id) REFERENCES users (id),
  CONSTRAINT fk_leads_partner FOREIGN KEY (partner_id) REFERENCES partners (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every change of a customer's owner: who, when, why, and the previous owner.
CREATE TABLE lead_history (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  customer_user_id BIGINT UNSIGNED NOT NULL,
  previous_partner_id BIGINT UNSIGNED NULL,
  partner_id BIGINT UNSIGNED NOT NULL,
  reason ENUM('claimed', 'claimed_after_lapse', 'reassigned') NOT NULL,
  actor_user_id BIGINT UNSIGNED NOT NULL,
  note VARCHAR(200) NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  KEY ix_lead_history_customer (merchant_id, customer_user_id, id),
  KEY ix_lead_history_merchant (merchant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Cards customers hold: one per pack and customer.
CREATE TABLE card_claims (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  card_pack_id BIGINT UNSIGNED NOT NULL,
  share_id BIGINT UNSIGNED NOT NULL,
  merchant_id BIGINT UNSIGNED NOT NULL,
  customer_user_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_card_claims_pack_customer (card_pack_id, customer_user_id),
  KEY ix_card_claims_customer (customer_user_id, id),
  CONSTRAINT fk_card_claims_pack FOREIGN KEY (card_pack_id) REFERENCES card_packs (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A store's customers as seen by its sales (written by the orders issue): the first purchase tells
-- an existing customer from a new one; the last one decides when a lead's protection lapses.
CREATE TABLE store_customers (
  merchant_id BIGINT UNSIGNED NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  first_purchase_at DATETIME(6) NOT NULL,
  last_purchase_at DATETIME(6) NOT NULL,
  PRIMARY KEY (merchant_id, user_id),
  CONSTRAINT fk_store_customers_merchant FOREIGN KEY (merchant_id) REFERENCES merchants (id),
  CONSTRAINT fk_store_customers_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

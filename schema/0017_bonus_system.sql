-- The bonus system's configuration (docs/bonus.md, docs/business-rules.md section 7): versions
-- per store, as tier versions are (an order's awards are computed under the version in force when
-- it was paid), and the platform operator's sign-offs that let A2's awards be paid in cash.

CREATE TABLE bonus_config_versions (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  version INT UNSIGNED NOT NULL,
  config_json TEXT NOT NULL,             -- the bonus_config, as bonus_repository writes it
  created_by_user_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_bonus_config_versions (merchant_id, version),
  KEY ix_bonus_config_versions_at (merchant_id, created_at),
  CONSTRAINT fk_bonus_config_versions_merchant FOREIGN KEY (merchant_id) REFERENCES merchants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Who allowed cash to A2 at a store, when, on what reference (a legal opinion, a ticket). The
-- newest one counts; a configuration with level2_cash carries it.
CREATE TABLE bonus_cash_sign_offs (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  operator_user_id BIGINT UNSIGNED NOT NULL,
  reference VARCHAR(500) NOT NULL,
  signed_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY ix_bonus_cash_sign_offs (merchant_id, id),
  CONSTRAINT fk_bonus_cash_sign_offs_merchant FOREIGN KEY (merchant_id) REFERENCES merchants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The awards one paid order earned beyond its dividend (the tier award, which stays in
-- `dividends`): the level difference and the flat push to A2, A1's lifetime referrer. Only A2:
-- nothing above A2 is ever read. `cap_fen` is the order's cap (order_cap_bp of its profit):
-- the dividend and these together never exceed it (check-ledger).
CREATE TABLE bonus_awards (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  order_id BIGINT UNSIGNED NOT NULL,
  config_version_id BIGINT UNSIGNED NOT NULL,
  kind ENUM('level_difference', 'flat_push') NOT NULL,
  a1_partner_id BIGINT UNSIGNED NOT NULL,   -- the buyer's owner, whose referrer this is
  a1_user_id BIGINT UNSIGNED NOT NULL,
  partner_id BIGINT UNSIGNED NOT NULL,      -- A2
  user_id BIGINT UNSIGNED NOT NULL,
  rate_bp INT NOT NULL,
  base_fen BIGINT NOT NULL,                 -- the order's profit
  cap_fen BIGINT NOT NULL,
  uncapped_fen BIGINT NOT NULL,
  amount_fen BIGINT NOT NULL,               -- owed; in points, 1 point a fen
  medium ENUM('cash', 'points') NOT NULL,
  reversed_fen BIGINT NOT NULL DEFAULT 0,   -- taken back by refunds, cumulatively
  lot_id BIGINT UNSIGNED NULL,              -- points: the pending lot it earned
  settled_at DATETIME(6) NULL,              -- cash: moved to the withdrawable balance (settle-bonus-awards)
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_bonus_awards (order_id, kind),
  KEY ix_bonus_awards_partner (merchant_id, partner_id, created_at),
  CONSTRAINT fk_bonus_awards_order FOREIGN KEY (order_id) REFERENCES orders (id),
  CONSTRAINT ck_bonus_awards CHECK (amount_fen > 0 AND reversed_fen >= 0 AND reversed_fen <= amount_fen AND amount_fen <= uncapped_fen)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A2's awards in points wait in a lot of their own until the order vests.
ALTER TABLE member_point_lots MODIFY COLUMN source ENUM('order', 'returned', 'award') NOT NULL;

-- The awards of a period rather than an order: the top-dealer dividend bonus (a pool of the
-- period's profit shared by personal sales) and project campaigns (winners of a sales goal within
-- a budget). One run per store, kind and period or campaign, ever; its shares are cash owed to the
-- partners (bonus_payable), as the other cash awards.
CREATE TABLE bonus_period_runs (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  kind ENUM('top_dealer', 'project') NOT NULL,
  period_key VARCHAR(120) NOT NULL,         -- "2026-Q1", "2026-03", "2026"; a campaign: its start and name
  period_start DATETIME(6) NOT NULL,
  period_end DATETIME(6) NOT NULL,
  config_version_id BIGINT UNSIGNED NOT NULL,
  profit_fen BIGINT NOT NULL,               -- the period's profit, net of refunds (a campaign: its counted orders')
  pool_fen BIGINT NOT NULL,                 -- a campaign: its budget
  paid_fen BIGINT NOT NULL,
  remainder_fen BIGINT NOT NULL,            -- what the floors (or no qualifier) leave: the store's
  ran_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_bonus_period_runs (merchant_id, kind, period_key),
  CONSTRAINT fk_bonus_period_runs_merchant FOREIGN KEY (merchant_id) REFERENCES merchants (id),
  CONSTRAINT ck_bonus_period_runs CHECK (paid_fen + remainder_fen = pool_fen AND paid_fen >= 0 AND remainder_fen >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE bonus_period_awards (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  run_id BIGINT UNSIGNED NOT NULL,
  merchant_id BIGINT UNSIGNED NOT NULL,
  partner_id BIGINT UNSIGNED NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  personal_sales_fen BIGINT NOT NULL,
  amount_fen BIGINT NOT NULL,
  settled_at DATETIME(6) NULL,              -- moved to the withdrawable balance (settle-bonus-awards)
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_bonus_period_awards (run_id, partner_id),
  KEY ix_bonus_period_awards_partner (merchant_id, user_id),
  CONSTRAINT fk_bonus_period_awards_run FOREIGN KEY (run_id) REFERENCES bonus_period_runs (id),
  CONSTRAINT ck_bonus_period_awards CHECK (amount_fen >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

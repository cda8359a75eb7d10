-- The 众店 alliance's set-up (docs/business-rules.md section 3, docs/alliance.md): platform
-- operators (platform staff, apart from any store's staff), the pool configuration they set
-- (versioned: each change a new row, the newest in force), the merchants they admit, and each
-- merchant's concession (versioned: an order snapshots the one in force when it is paid).

-- Granted from the command line (`sharedstore grant-platform-operator`): there is no operator to
-- grant the first one through the API. Revoked rows stay, for the audit.
CREATE TABLE platform_operators (
  user_id BIGINT UNSIGNED NOT NULL,
  granted_at DATETIME(6) NOT NULL,
  granted_by VARCHAR(100) NOT NULL,    -- who ran the command, as they named themselves
  revoked_at DATETIME(6) NULL,
  PRIMARY KEY (user_id),
  CONSTRAINT fk_platform_operators_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per change; the highest version is in force. No row: the defaults of
-- docs/business-rules.md section 3.1.
CREATE TABLE alliance_pool_configs (
  version INT UNSIGNED NOT NULL,
  initial_value_cp BIGINT NOT NULL,
  min_holders INT NOT NULL,
  growth_bp INT NOT NULL,
  first_rate_bp INT NOT NULL,
  rate_step_bp INT NOT NULL,
  rate_cap_bp INT NOT NULL,
  fund_share_bp INT NOT NULL,
  quota_bp INT NOT NULL,
  advance_periods INT NOT NULL,
  advance_budget_bp INT NOT NULL,
  lock_bp INT NOT NULL,
  voucher_validity_days INT NOT NULL,
  vest_days INT NOT NULL,
  supply_voucher_max_bp INT NOT NULL,
  created_by_user_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A merchant in the alliance: admitted by an operator. A merchant joins with its first concession.
CREATE TABLE alliance_members (
  merchant_id BIGINT UNSIGNED NOT NULL,
  admitted_by_user_id BIGINT UNSIGNED NOT NULL,
  admitted_at DATETIME(6) NOT NULL,
  PRIMARY KEY (merchant_id),
  CONSTRAINT fk_alliance_members_merchant FOREIGN KEY (merchant_id) REFERENCES merchants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The merchant's concession and voucher share, one row per change; in force from effective_from
-- (the moment it was set) until the next version's.
CREATE TABLE alliance_concessions (
  merchant_id BIGINT UNSIGNED NOT NULL,
  version INT UNSIGNED NOT NULL,
  concession_bp INT NOT NULL,
  voucher_max_bp INT NOT NULL,
  effective_from DATETIME(6) NOT NULL,
  created_by_user_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (merchant_id, version),
  KEY ix_alliance_concessions_from (merchant_id, effective_from),
  CONSTRAINT fk_alliance_concessions_member FOREIGN KEY (merchant_id) REFERENCES alliance_members (merchant_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

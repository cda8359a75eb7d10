-- Promoters and regional service centres (docs/promoters-and-centres.md; docs/business-rules.md
-- section 3): the platform shares its net of the alliance's concessions with the promoter who
-- brought a merchant and with the county, city and province centres of the merchant's region,
-- settled monthly (Asia/Shanghai) on orders settled in the month.

-- The sharing configuration, one row per change (version 0, the defaults, has no row).
CREATE TABLE platform_share_configs (
  version INT UNSIGNED NOT NULL,
  promoter_bp INT NOT NULL,
  promoter_term_months INT NOT NULL,
  assist_fee_fen BIGINT NOT NULL,
  assist_min_orders INT NOT NULL,
  county_bp INT NOT NULL,
  city_bp INT NOT NULL,
  province_bp INT NOT NULL,
  set_by_user_id BIGINT UNSIGNED NOT NULL,
  set_at DATETIME(6) NOT NULL,
  PRIMARY KEY (version),
  CONSTRAINT ck_platform_share_configs_half CHECK (promoter_bp + county_bp + city_bp + province_bp <= 5000)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row, locked (FOR UPDATE) first by every appointment, early end and configuration change, so
-- that each is checked against the others' newest rows (version 0 has no row to lock).
CREATE TABLE share_settings_lock (
  id TINYINT UNSIGNED NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO share_settings_lock (id) VALUES (1);

-- A merchant's region: set once at onboarding (the owner, or the operator), changed only by the
-- operator; every setting and change in merchant_region_changes.
CREATE TABLE merchant_regions (
  merchant_id BIGINT UNSIGNED NOT NULL,
  region_code CHAR(6) NOT NULL,
  set_at DATETIME(6) NOT NULL,
  PRIMARY KEY (merchant_id),
  KEY ix_merchant_regions_code (region_code, merchant_id),
  CONSTRAINT fk_merchant_regions_merchant FOREIGN KEY (merchant_id) REFERENCES merchants (id),
  CONSTRAINT fk_merchant_regions_code FOREIGN KEY (region_code) REFERENCES region_codes (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE merchant_region_changes (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  from_code CHAR(6) NULL,                     -- NULL: the first setting
  to_code CHAR(6) NOT NULL,
  reason VARCHAR(500) NOT NULL DEFAULT '',
  changed_by_user_id BIGINT UNSIGNED NOT NULL,
  changed_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY ix_merchant_region_changes_merchant (merchant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The region an order was paid under: later changes of the merchant's region do not move it.
ALTER TABLE alliance_accruals ADD COLUMN region_code CHAR(6) NULL;

-- A promoter: a person (a user who signs in) the platform contracts; merchants bind to one with
-- its invite code. No promoter is above another: nothing here links promoters to each other.
CREATE TABLE promoters (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id BIGINT UNSIGNED NOT NULL,
  name VARCHAR(64) NOT NULL,
  invite_code CHAR(8) NOT NULL,
  created_by_user_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_promoters_user (user_id),
  UNIQUE KEY uq_promoters_invite (invite_code),
  CONSTRAINT fk_promoters_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A merchant's promoter (at most one): the first binding wins; the operator alone changes it.
-- The term is the merchant's: it starts with its first order settled while bound and is not
-- restarted by a change of promoter.
CREATE TABLE merchant_promoters (
  merchant_id BIGINT UNSIGNED NOT NULL,
  promoter_id BIGINT UNSIGNED NOT NULL,
  source VARCHAR(16) NOT NULL,                -- invite | operator
  bound_at DATETIME(6) NOT NULL,
  term_started_at DATETIME(6) NULL,
  term_ends_at DATETIME(6) NULL,
  PRIMARY KEY (merchant_id),
  KEY ix_merchant_promoters_promoter (promoter_id, merchant_id),
  CONSTRAINT fk_merchant_promoters_merchant FOREIGN KEY (merchant_id) REFERENCES merchants (id),
  CONSTRAINT fk_merchant_promoters_promoter FOREIGN KEY (promoter_id) REFERENCES promoters (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE merchant_promoter_changes (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  from_promoter_id BIGINT UNSIGNED NULL,      -- NULL: the first binding
  to_promoter_id BIGINT UNSIGNED NOT NULL,
  source VARCHAR(16) NOT NULL,                -- invite | operator
  reason VARCHAR(500) NOT NULL DEFAULT '',
  changed_by_user_id BIGINT UNSIGNED NOT NULL,
  changed_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY ix_merchant_promoter_changes_merchant (merchant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A service centre: a company appointed by the platform by contract for one region code and
-- level, in force from starts_on to ends_on (Asia/Shanghai days, both included). An early end
-- moves ends_on back (terminated_at and the reason record it).
CREATE TABLE service_centres (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  level VARCHAR(8) NOT NULL,                  -- county | city | province
  region_code CHAR(6) NOT NULL,
  name VARCHAR(100) NOT NULL,                 -- the company
  contract_reference VARCHAR(64) NOT NULL,
  contact_user_id BIGINT UNSIGNED NULL,       -- who reads its statements in the console
  rate_bp INT NOT NULL,
  starts_on DATE NOT NULL,
  ends_on DATE NOT NULL,
  appointed_by_user_id BIGINT UNSIGNED NOT NULL,
  appointed_at DATETIME(6) NOT NULL,
  terminated_at DATETIME(6) NULL,
  termination_reason VARCHAR(500) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_service_centres_contract (contract_reference),
  KEY ix_service_centres_region (level, region_code, starts_on),
  KEY ix_service_centres_contact (contact_user_id),
  CONSTRAINT fk_service_centres_code FOREIGN KEY (region_code) REFERENCES region_codes (code),
  CONSTRAINT ck_service_centres_dates CHECK (ends_on >= starts_on)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The platform's net as it settles: a line when an order's refund window closes (what refunds
-- left of its platform part) and a negative line for each refund after that, with who shares it:
-- the promoter and the centres in force when the order settled (and their rates); a reversal
-- names the same as its order's settled line, so it takes back from whoever was given.
CREATE TABLE platform_net_lines (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  order_id BIGINT UNSIGNED NOT NULL,
  kind VARCHAR(16) NOT NULL,                  -- settled | reversal
  refund_id BIGINT UNSIGNED NOT NULL DEFAULT 0,  -- the reversal's refund; 0 for the settled line
  net_fen BIGINT NOT NULL,                    -- settled >= 0, reversal < 0
  region_code CHAR(6) NULL,                   -- the order's snapshot
  promoter_id BIGINT UNSIGNED NULL,
  promoter_bp INT NOT NULL DEFAULT 0,
  county_centre_id BIGINT UNSIGNED NULL,
  county_bp INT NOT NULL DEFAULT 0,
  city_centre_id BIGINT UNSIGNED NULL,
  city_bp INT NOT NULL DEFAULT 0,
  province_centre_id BIGINT UNSIGNED NULL,
  province_bp INT NOT NULL DEFAULT 0,
  recorded_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_platform_net_lines_event (order_id, kind, refund_id),
  KEY ix_platform_net_lines_recorded (recorded_at),
  KEY ix_platform_net_lines_promoter (promoter_id, recorded_at),
  KEY ix_platform_net_lines_merchant (merchant_id, recorded_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A promoter's or a centre's statement of a month: its share of the month's lines, the assist
-- fees (promoters), what the months before carried (never paid below zero), what is payable and
-- what is carried on; paid by a recorded bank transfer against its invoice.
CREATE TABLE share_statements (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  payee_kind VARCHAR(16) NOT NULL,            -- promoter | centre
  payee_id BIGINT UNSIGNED NOT NULL,
  period CHAR(7) NOT NULL,
  period_start DATETIME(6) NOT NULL,
  period_end DATETIME(6) NOT NULL,
  base_fen BIGINT NOT NULL,                   -- the month's lines summed (the platform net shared)
  share_fen BIGINT NOT NULL,
  assist_fen BIGINT NOT NULL,
  carried_in_fen BIGINT NOT NULL,             -- <= 0
  payable_fen BIGINT NOT NULL,                -- >= 0
  carried_out_fen BIGINT NOT NULL,            -- <= 0
  merchants INT NOT NULL,
  state VARCHAR(16) NOT NULL,                 -- due | paid | nothing_due
  payment_reference VARCHAR(64) NULL,
  invoice_number VARCHAR(64) NULL,
  paid_by_user_id BIGINT UNSIGNED NULL,
  paid_at DATETIME(6) NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_share_statements_period (payee_kind, payee_id, period),
  KEY ix_share_statements_period (period, id),
  CONSTRAINT ck_share_statements_sum CHECK (share_fen + assist_fen + carried_in_fen = payable_fen + carried_out_fen),
  CONSTRAINT ck_share_statements_signs CHECK (payable_fen >= 0 AND carried_out_fen <= 0 AND carried_in_fen <= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A month whose statements were all issued: the job does not read it again.
CREATE TABLE share_statement_periods (
  period CHAR(7) NOT NULL,
  issued_at DATETIME(6) NOT NULL,
  PRIMARY KEY (period)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The member journey (docs/business-rules.md section 4, docs/members.md): stages per person per
-- store with their audit trail, member levels and growth, member points (their own ledger asset,
-- in lots that vest and expire), membership products, top-up packages (pre-stored value in two
-- buckets: ledger accounts), and the lifetime referral relation. Money and points move only
-- through ledger transactions written with these rows.

-- A store's member programme: how points are earned and spent, the member task, the member terms.
-- A store without a row has no programme: no levels, no points, no member stage requirements.
CREATE TABLE member_programs (
  merchant_id BIGINT UNSIGNED NOT NULL,
  points_per_yuan INT UNSIGNED NOT NULL DEFAULT 1,
  point_value_fen INT UNSIGNED NOT NULL DEFAULT 1,
  max_points_per_order BIGINT UNSIGNED NOT NULL DEFAULT 200,
  points_validity_months INT UNSIGNED NOT NULL DEFAULT 24,
  -- The member task (either part met qualifies): vested purchases of at least task_spend_fen
  -- within task_days, or one top-up of at least task_topup_fen. NULL: that part is not offered.
  task_spend_fen BIGINT NULL,
  task_days INT UNSIGNED NULL,
  task_topup_fen BIGINT NULL,
  terms_version VARCHAR(32) NOT NULL,
  terms_text TEXT NOT NULL,
  partner_requires_member BOOLEAN NOT NULL DEFAULT TRUE,
  updated_by_user_id BIGINT UNSIGNED NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (merchant_id),
  CONSTRAINT fk_member_programs_merchant FOREIGN KEY (merchant_id) REFERENCES merchants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The level table in force (replaced as a whole; orders keep the level and discount they used).
CREATE TABLE member_levels (
  merchant_id BIGINT UNSIGNED NOT NULL,
  level_no INT UNSIGNED NOT NULL,
  name VARCHAR(32) NOT NULL,
  threshold_growth BIGINT NOT NULL,
  discount_bp INT UNSIGNED NOT NULL,
  points_multiplier_bp INT UNSIGNED NOT NULL,
  retention_growth_12m BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (merchant_id, level_no),
  CONSTRAINT fk_member_levels_merchant FOREIGN KEY (merchant_id) REFERENCES merchants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A person at a store: the stage, when each stage was first reached, the member terms they
-- accepted, their growth value and level.
CREATE TABLE member_profiles (
  merchant_id BIGINT UNSIGNED NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  stage ENUM('passer_by', 'fan', 'customer', 'member', 'partner') NOT NULL DEFAULT 'passer_by',
  fan_at DATETIME(6) NULL,
  fan_source VARCHAR(16) NULL,          -- visit, qr, claim
  customer_at DATETIME(6) NULL,
  member_at DATETIME(6) NULL,
  partner_at DATETIME(6) NULL,
  member_qualified_at DATETIME(6) NULL,  -- a membership product held or the member task met
  member_qualified_by VARCHAR(24) NULL,  -- membership_product, task_spend, task_topup
  terms_version VARCHAR(32) NULL,
  terms_accepted_at DATETIME(6) NULL,
  growth BIGINT NOT NULL DEFAULT 0,
  level_no INT UNSIGNED NULL,            -- NULL: no level table, or not a member yet
  level_since DATETIME(6) NULL,          -- the yearly retention check counts from here
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (merchant_id, user_id),
  KEY ix_member_profiles_stage (merchant_id, stage),
  KEY ix_member_profiles_fan (merchant_id, fan_at),
  KEY ix_member_profiles_retention (level_since),
  CONSTRAINT fk_member_profiles_merchant FOREIGN KEY (merchant_id) REFERENCES merchants (id),
  CONSTRAINT fk_member_profiles_user FOREIGN KEY (user_id) REFERENCES users (id),
  CONSTRAINT ck_member_profiles_growth CHECK (growth >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every stage change and level change: the audit trail.
CREATE TABLE member_events (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  kind ENUM('stage', 'level') NOT NULL,
  from_value VARCHAR(16) NULL,
  to_value VARCHAR(16) NOT NULL,
  reason VARCHAR(32) NOT NULL,           -- the stage_event, or order_vested, refund, retention
  order_id BIGINT UNSIGNED NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY ix_member_events_person (merchant_id, user_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Growth value: granted when an order vests, taken back by refunds, reset by a retention drop.
CREATE TABLE member_growth_entries (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  order_id BIGINT UNSIGNED NULL,
  refund_id BIGINT UNSIGNED NULL,
  delta BIGINT NOT NULL,
  reason ENUM('order_vested', 'refund', 'retention') NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_member_growth_vested (order_id, reason, refund_id),
  KEY ix_member_growth_person (merchant_id, user_id, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Points in lots: earned per order (pending until it vests), spent and expired oldest-expiry
-- first. The ledger holds the balances (member_points_pending, member_points); lots say which
-- points expire when.
CREATE TABLE member_point_lots (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  source ENUM('order', 'returned') NOT NULL,  -- earned on an order; points spent on an order, given back by its refund
  source_ref BIGINT UNSIGNED NOT NULL,   -- the order's id, or the refund's
  order_id BIGINT UNSIGNED NOT NULL,
  earned BIGINT NOT NULL,                -- at payment (or given back)
  reversed BIGINT NOT NULL DEFAULT 0,    -- taken back by refunds (before or after vesting)
  remaining BIGINT NOT NULL DEFAULT 0,   -- vested points not yet spent or expired
  unrecovered BIGINT NOT NULL DEFAULT 0, -- a refund after the points were spent: not taken back (never below zero)
  state ENUM('pending', 'vested', 'expired') NOT NULL DEFAULT 'pending',
  vested_at DATETIME(6) NULL,
  expires_at DATETIME(6) NULL,
  reminded_at DATETIME(6) NULL,          -- the points_expiring frame was sent
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_member_point_lots_source (source, source_ref),
  KEY ix_member_point_lots_order (order_id),
  KEY ix_member_point_lots_person (merchant_id, user_id, state, expires_at),
  KEY ix_member_point_lots_expiry (state, expires_at),
  CONSTRAINT ck_member_point_lots CHECK (earned >= 0 AND reversed >= 0 AND remaining >= 0 AND unrecovered >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every movement of a person's points, for their history: earned (pending), vested, reversed by a
-- refund, spent on an order, returned by that order's refund, expired, exchanged for an item.
CREATE TABLE member_point_moves (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  kind ENUM('earned', 'vested', 'reversed', 'spent', 'returned', 'expired', 'exchanged') NOT NULL,
  points BIGINT NOT NULL,
  order_id BIGINT UNSIGNED NULL,
  lot_id BIGINT UNSIGNED NULL,
  item_id BIGINT UNSIGNED NULL,
  ledger_transaction_id BIGINT UNSIGNED NULL,
  request_key VARCHAR(64) NULL,          -- an exchange's request_id: a retried exchange is answered once
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_member_point_moves_request (merchant_id, user_id, request_key),
  KEY ix_member_point_moves_person (merchant_id, user_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Points-priced items (exchange for goods) and membership products: things a store sells.
CREATE TABLE member_offers (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  kind ENUM('membership_product', 'points_item', 'topup_package') NOT NULL,
  name VARCHAR(32) NOT NULL,
  price_fen BIGINT NOT NULL DEFAULT 0,   -- membership product; a top-up package's pay
  bonus_fen BIGINT NOT NULL DEFAULT 0,   -- a top-up package's bonus
  points_price BIGINT NOT NULL DEFAULT 0, -- a points item
  active BOOLEAN NOT NULL DEFAULT TRUE,
  created_by_user_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY ix_member_offers_merchant (merchant_id, kind, id),
  CONSTRAINT fk_member_offers_merchant FOREIGN KEY (merchant_id) REFERENCES merchants (id),
  CONSTRAINT ck_member_offers CHECK (price_fen >= 0 AND bonus_fen >= 0 AND points_price >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The lifetime referral relation: each user's referrer, set once (first qualifying link).
CREATE TABLE referrals (
  user_id BIGINT UNSIGNED NOT NULL,
  referrer_user_id BIGINT UNSIGNED NOT NULL,
  source ENUM('share_claim', 'operator') NOT NULL,
  merchant_id BIGINT UNSIGNED NULL,      -- where the link was made
  share_id BIGINT UNSIGNED NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (user_id),
  KEY ix_referrals_referrer (referrer_user_id),
  CONSTRAINT fk_referrals_user FOREIGN KEY (user_id) REFERENCES users (id),
  CONSTRAINT fk_referrals_referrer FOREIGN KEY (referrer_user_id) REFERENCES users (id),
  CONSTRAINT ck_referrals_self CHECK (user_id <> referrer_user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- An operator's correction of a referral: audited, never changing amounts already earned.
CREATE TABLE referral_corrections (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id BIGINT UNSIGNED NOT NULL,
  previous_referrer_user_id BIGINT UNSIGNED NULL,
  referrer_user_id BIGINT UNSIGNED NOT NULL,
  operator VARCHAR(64) NOT NULL,
  reason VARCHAR(200) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY ix_referral_corrections_user (user_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Orders of the member journey: a top-up package, a membership product; paid from the member's
-- pre-stored value; the level, discount and points an order used; when it vested.
ALTER TABLE orders
  MODIFY COLUMN kind ENUM('purchase', 'buy_in', 'top_up', 'membership') NOT NULL DEFAULT 'purchase',
  MODIFY COLUMN source ENUM('wechat_pay', 'stored_value', 'pos', 'prepaid') NOT NULL,
  ADD COLUMN offer_id BIGINT UNSIGNED NULL AFTER category,           -- the top-up package or membership product
  ADD COLUMN listed_fen BIGINT NULL AFTER amount_fen,                -- before the member discount and points
  ADD COLUMN member_level_no INT UNSIGNED NULL AFTER listed_fen,     -- the level in force (reported back for POS orders)
  ADD COLUMN member_discount_bp INT UNSIGNED NULL AFTER member_level_no,
  ADD COLUMN points_used BIGINT NOT NULL DEFAULT 0 AFTER member_discount_bp,
  ADD COLUMN points_discount_fen BIGINT NOT NULL DEFAULT 0 AFTER points_used,
  ADD COLUMN prepaid_principal_fen BIGINT NOT NULL DEFAULT 0 AFTER points_discount_fen,  -- drawn from the buckets
  ADD COLUMN prepaid_bonus_fen BIGINT NOT NULL DEFAULT 0 AFTER prepaid_principal_fen,
  ADD COLUMN member_vested_at DATETIME(6) NULL AFTER refunded_fen,   -- growth, points and stage granted
  ADD KEY ix_orders_member_vesting (status, member_vested_at, paid_at);

-- The 众店 alliance's accrual (docs/business-rules.md section 3, docs/alliance.md "Accrual"): what
-- each paid order at a member store accrues, the lots of points it gives the consumer and the
-- store, the fan locks, and the vouchers credited so far (fan-lock rewards). Every amount here has
-- its ledger entries in the same transaction (server/domain/alliance_ledger.hpp); check-ledger
-- proves the two agree.

-- A consumer is locked to the first member store that touched them (a card claim, a QR scan, a
-- payment); only the platform operator moves them, each change in alliance_fan_changes.
CREATE TABLE alliance_fans (
  user_id BIGINT UNSIGNED NOT NULL,
  merchant_id BIGINT UNSIGNED NOT NULL,
  source VARCHAR(16) NOT NULL,         -- claim | qr | payment | operator
  locked_at DATETIME(6) NOT NULL,
  PRIMARY KEY (user_id),
  KEY ix_alliance_fans_merchant (merchant_id, user_id),
  CONSTRAINT fk_alliance_fans_user FOREIGN KEY (user_id) REFERENCES users (id),
  CONSTRAINT fk_alliance_fans_member FOREIGN KEY (merchant_id) REFERENCES alliance_members (merchant_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The audit of every lock: the first touch (from NULL) and each operator reassignment (with who and why).
CREATE TABLE alliance_fan_changes (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id BIGINT UNSIGNED NOT NULL,
  from_merchant_id BIGINT UNSIGNED NULL,
  to_merchant_id BIGINT UNSIGNED NOT NULL,
  source VARCHAR(16) NOT NULL,
  reason VARCHAR(500) NOT NULL DEFAULT '',
  changed_by_user_id BIGINT UNSIGNED NULL,  -- the operator; NULL for a first touch
  changed_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY ix_alliance_fan_changes_user (user_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per paid alliance order: the snapshot it was priced under (concession and pool
-- configuration versions), the split of its concession K = fund + lock + platform, and what
-- refunds reversed of each (cumulatively, so that refunds in parts sum to a whole one).
CREATE TABLE alliance_accruals (
  order_id BIGINT UNSIGNED NOT NULL,
  merchant_id BIGINT UNSIGNED NOT NULL,
  consumer_user_id BIGINT UNSIGNED NULL,      -- NULL: a desk sale without an identified buyer (no consumer lot)
  concession_version INT UNSIGNED NOT NULL,
  concession_bp INT NOT NULL,
  pool_config_version INT UNSIGNED NOT NULL,  -- 0: the defaults
  fund_share_bp INT NOT NULL,
  lock_bp INT NOT NULL,
  lock_merchant_id BIGINT UNSIGNED NULL,      -- the buyer's locking store when it is another member: it earns lock_fen
  amount_fen BIGINT NOT NULL,                 -- the order's amount (refunds are shares of it)
  base_fen BIGINT NOT NULL,                   -- B: money actually paid (a pre-stored bonus is not)
  concession_fen BIGINT NOT NULL,             -- K = floor(B x concession_bp / 10000)
  fund_fen BIGINT NOT NULL,
  lock_fen BIGINT NOT NULL,
  platform_fen BIGINT NOT NULL,
  refunded_fen BIGINT NOT NULL DEFAULT 0,
  reversed_fund_fen BIGINT NOT NULL DEFAULT 0,
  reversed_lock_fen BIGINT NOT NULL DEFAULT 0,
  reversed_platform_fen BIGINT NOT NULL DEFAULT 0,
  state VARCHAR(16) NOT NULL,                 -- pending | vested
  paid_at DATETIME(6) NOT NULL,
  vests_at DATETIME(6) NOT NULL,
  vested_at DATETIME(6) NULL,
  PRIMARY KEY (order_id),
  KEY ix_alliance_accruals_vest (state, vests_at),
  KEY ix_alliance_accruals_merchant (merchant_id, paid_at),
  CONSTRAINT fk_alliance_accruals_order FOREIGN KEY (order_id) REFERENCES orders (id),
  CONSTRAINT fk_alliance_accruals_member FOREIGN KEY (merchant_id) REFERENCES alliance_members (merchant_id),
  CONSTRAINT ck_alliance_accruals_split CHECK (concession_fen = fund_fen + lock_fen + platform_fen)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A lot: the points one holder got from one order (K centipoints), the unit of every later
-- computation (vesting, dividends, quota, reversal). A consumer's lot names the user, a store's the store.
CREATE TABLE alliance_lots (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  order_id BIGINT UNSIGNED NOT NULL,
  holder VARCHAR(16) NOT NULL,                -- consumer | merchant
  user_id BIGINT UNSIGNED NULL,
  merchant_id BIGINT UNSIGNED NULL,
  cp BIGINT NOT NULL,
  reversed_cp BIGINT NOT NULL DEFAULT 0,
  released_fen BIGINT NOT NULL DEFAULT 0,     -- vouchers its dividends released (within its lifetime quota)
  state VARCHAR(16) NOT NULL,                 -- pending | vested
  created_at DATETIME(6) NOT NULL,
  vested_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_alliance_lots_order (order_id, holder),
  KEY ix_alliance_lots_user (user_id, state),
  KEY ix_alliance_lots_merchant (merchant_id, state),
  CONSTRAINT fk_alliance_lots_accrual FOREIGN KEY (order_id) REFERENCES alliance_accruals (order_id),
  CONSTRAINT ck_alliance_lots_holder CHECK ((holder = 'consumer' AND user_id IS NOT NULL AND merchant_id IS NULL)
                                           OR (holder = 'merchant' AND merchant_id IS NOT NULL AND user_id IS NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Vouchers credited, one row per credit, spent and expired from remaining_fen. A store's credits
-- name the store, a consumer's the user. The reason: lock_reward (a locked fan's order elsewhere
-- vested; order_id), later dividend and refund_return.
CREATE TABLE alliance_voucher_credits (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  holder VARCHAR(16) NOT NULL,
  user_id BIGINT UNSIGNED NULL,
  merchant_id BIGINT UNSIGNED NULL,
  reason VARCHAR(16) NOT NULL,
  order_id BIGINT UNSIGNED NULL,
  amount_fen BIGINT NOT NULL,
  taken_back_fen BIGINT NOT NULL DEFAULT 0,   -- reversed by refunds of the order behind it
  remaining_fen BIGINT NOT NULL,
  expires_at DATETIME(6) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_alliance_voucher_credits_order (reason, order_id, holder),
  KEY ix_alliance_voucher_credits_merchant (merchant_id, expires_at),
  KEY ix_alliance_voucher_credits_user (user_id, expires_at),
  CONSTRAINT ck_alliance_voucher_credits_holder CHECK ((holder = 'consumer' AND user_id IS NOT NULL AND merchant_id IS NULL)
                                                      OR (holder = 'merchant' AND merchant_id IS NOT NULL AND user_id IS NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

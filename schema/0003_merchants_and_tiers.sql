-- Stores, their staff, and their share-tier programme. Tiers are versioned: a change writes a new
-- version and never edits an old one, so an order is always priced with the version in force
-- when it was paid.
CREATE TABLE merchants (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  name VARCHAR(64) NOT NULL,
  owner_user_id BIGINT UNSIGNED NOT NULL,
  time_zone VARCHAR(64) NOT NULL DEFAULT 'Asia/Shanghai',
  allow_existing_customers BOOLEAN NOT NULL DEFAULT FALSE,
  cards_for_owned_customers BOOLEAN NOT NULL DEFAULT FALSE,
  protection_days INT UNSIGNED NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  KEY ix_merchants_owner (owner_user_id),
  CONSTRAINT fk_merchants_owner FOREIGN KEY (owner_user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE merchant_staff (
  merchant_id BIGINT UNSIGNED NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  role ENUM('owner', 'manager', 'cashier') NOT NULL,
  added_by_user_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (merchant_id, user_id),
  KEY ix_merchant_staff_user (user_id),
  CONSTRAINT fk_staff_merchant FOREIGN KEY (merchant_id) REFERENCES merchants (id),
  CONSTRAINT fk_staff_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE tier_versions (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  version INT UNSIGNED NOT NULL,
  profit_margin_bp INT UNSIGNED NOT NULL,
  created_by_user_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_tier_versions_merchant_version (merchant_id, version),
  CONSTRAINT fk_tier_versions_merchant FOREIGN KEY (merchant_id) REFERENCES merchants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE tier_version_tiers (
  tier_version_id BIGINT UNSIGNED NOT NULL,
  position INT UNSIGNED NOT NULL,
  name VARCHAR(64) NOT NULL,
  buy_in_fen BIGINT NOT NULL,
  ratio_bp INT UNSIGNED NOT NULL,
  PRIMARY KEY (tier_version_id, position),
  CONSTRAINT fk_tiers_version FOREIGN KEY (tier_version_id) REFERENCES tier_versions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE tier_version_category_margins (
  tier_version_id BIGINT UNSIGNED NOT NULL,
  category VARCHAR(64) NOT NULL,
  profit_margin_bp INT UNSIGNED NOT NULL,
  PRIMARY KEY (tier_version_id, category),
  CONSTRAINT fk_category_margins_version FOREIGN KEY (tier_version_id) REFERENCES tier_versions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

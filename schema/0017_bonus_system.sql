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

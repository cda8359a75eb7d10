-- The electronic cards a store designs; packs of them are issued to partners (next migration).
CREATE TABLE card_templates (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  kind ENUM('vip', 'treat', 'gift') NOT NULL,
  title VARCHAR(128) NOT NULL,
  benefit VARCHAR(800) NOT NULL,
  valid_from DATETIME(6) NOT NULL,
  valid_until DATETIME(6) NOT NULL,
  cover_url VARCHAR(512) NULL,
  created_by_user_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  KEY ix_card_templates_merchant (merchant_id, id),
  CONSTRAINT fk_card_templates_merchant FOREIGN KEY (merchant_id) REFERENCES merchants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

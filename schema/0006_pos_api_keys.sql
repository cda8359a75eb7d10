-- API keys of a store's front-desk (POS) system, which signs its order callbacks with
-- HMAC-SHA256. Checking an HMAC needs the secret itself, so it is kept encrypted, not hashed:
-- AES-256-GCM under the server's data key (security.data_key_file), a fresh nonce per secret, and
-- the key id as associated data so a sealed secret copied to another row does not open. The
-- column holds base64(nonce || ciphertext || tag). Keys are revoked, never deleted, so the list
-- keeps who made and who revoked each one.
CREATE TABLE pos_api_keys (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  key_id VARCHAR(64) NOT NULL,
  merchant_id BIGINT UNSIGNED NOT NULL,
  label VARCHAR(64) NOT NULL,
  secret_ciphertext VARCHAR(255) NOT NULL,
  created_by_user_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  revoked_at DATETIME(6) NULL,
  revoked_by_user_id BIGINT UNSIGNED NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_pos_api_keys_key_id (key_id),
  KEY ix_pos_api_keys_merchant (merchant_id, created_at),
  CONSTRAINT fk_pos_api_keys_merchant FOREIGN KEY (merchant_id) REFERENCES merchants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

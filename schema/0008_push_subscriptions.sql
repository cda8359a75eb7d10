-- The WeChat subscribe-message fallback of dividend reminders (push issue): how many one-time
-- subscriptions each user accepted per template (the mini-program reports them), and which
-- reminders already went out that way, so that none goes out twice.
CREATE TABLE push_subscriptions (
  user_id BIGINT UNSIGNED NOT NULL,
  template_id VARCHAR(64) NOT NULL,
  remaining INT UNSIGNED NOT NULL DEFAULT 0,
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (user_id, template_id),
  CONSTRAINT fk_push_subscriptions_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE push_fallbacks (
  outbox_event_id BIGINT UNSIGNED NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  outcome ENUM('sent', 'no_subscription', 'failed') NOT NULL,
  detail VARCHAR(200) NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (outbox_event_id),
  KEY ix_push_fallbacks_user (user_id, created_at),
  CONSTRAINT fk_push_fallbacks_event FOREIGN KEY (outbox_event_id) REFERENCES outbox_events (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

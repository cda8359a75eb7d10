-- Refunds a store asks WeChat Pay for (POST /api/v1/merchants/{id}/orders/{order}/refunds): one
-- row per request, idempotent on (merchant, request_id); out_refund_no is ours, sent to WeChat
-- Pay. No money moves here: when WeChat Pay says SUCCESS (its answer, the refund notification or a
-- query, whichever comes first) the refund is applied through the refunds table like every refund,
-- keyed by WeChat's refund_id, and this row becomes 'succeeded' in the same transaction.
-- A 'processing' row holds its amount back from what is left to refund.
CREATE TABLE merchant_refunds (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  merchant_id BIGINT UNSIGNED NOT NULL,
  order_id BIGINT UNSIGNED NOT NULL,
  request_id VARCHAR(64) NOT NULL,
  out_refund_no VARCHAR(64) NOT NULL,
  amount_fen BIGINT NOT NULL,
  reason VARCHAR(80) NOT NULL DEFAULT '',
  requested_by_user_id BIGINT UNSIGNED NOT NULL,
  status ENUM('processing', 'succeeded', 'failed') NOT NULL DEFAULT 'processing',
  wechat_refund_id VARCHAR(64) NULL,
  failure_code VARCHAR(64) NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_merchant_refunds_request (merchant_id, request_id),
  UNIQUE KEY uq_merchant_refunds_out_refund_no (out_refund_no),
  KEY ix_merchant_refunds_order (order_id, status),
  CONSTRAINT fk_merchant_refunds_order FOREIGN KEY (order_id) REFERENCES orders (id),
  CONSTRAINT ck_merchant_refunds_amount CHECK (amount_fen > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

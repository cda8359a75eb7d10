-- The dashboard (GET /api/v1/merchants/{id}/dashboard) reads one store's rows of the last 1, 7 or
-- 30 days: each of these indexes lets it read only those, however long the store's history.
ALTER TABLE orders ADD KEY ix_orders_merchant_paid (merchant_id, paid_at);
ALTER TABLE dividends ADD KEY ix_dividends_merchant_paid (merchant_id, paid_at);
ALTER TABLE refunds ADD KEY ix_refunds_merchant_created (merchant_id, created_at);
ALTER TABLE store_customers ADD KEY ix_store_customers_first_purchase (merchant_id, first_purchase_at);

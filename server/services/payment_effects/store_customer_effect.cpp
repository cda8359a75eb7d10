// Who has bought at the store, and when first and last (store_customers): a customer who bought
// before any claim is an existing customer (docs/business-rules.md section 2).
#include "server/services/payment_effects/payment_effect.hpp"

#include "common/clock.hpp"

namespace sharedstore {

namespace {

class store_customer_effect final : public payment_effect {
public:
    std::string_view name() const override { return "store_customer"; }

    void paid(mysql_connection& db, const paid_order_facts& order, effect_output&) const override {
        if (order.kind != order_kind::purchase || !order.customer_user_id) return;
        record_store_purchase(db, order.merchant_id, *order.customer_user_id, format_sql_datetime_utc(order.paid_at));
    }

    // A refunded purchase still happened: the customer stays known to the store.
    void refunded(mysql_connection&, const refund_facts&, effect_output&) const override {}
};

}  // namespace

std::unique_ptr<const payment_effect> make_store_customer_effect() { return std::make_unique<store_customer_effect>(); }

}  // namespace sharedstore

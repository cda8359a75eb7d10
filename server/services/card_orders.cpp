#include "server/services/card_orders.hpp"

#include "server/storage/card_wallet_repository.hpp"
#include "server/storage/order_repository.hpp"

namespace sharedstore {

service_result<card_for_order> card_customer_for_order(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t redemption_id,
                                                      std::optional<std::uint64_t> named, const std::string& merchant_order_id) {
    // Locked: two orders naming one redemption queue here, and the second sees the first's.
    auto redemption = find_card_redemption(db, redemption_id, true);
    if (!redemption || redemption->merchant_id != merchant_id) return failure(service_failure::card_redemption_not_found);
    if (named && *named != redemption->customer_user_id) return failure(service_failure::card_redemption_other_customer);
    if (redemption->undone_at) return failure(service_failure::card_redemption_used);
    if (redemption->order_id) {
        auto attached = find_order(db, *redemption->order_id);
        const bool same_pos_order = !merchant_order_id.empty() && attached && attached->merchant_order_id == merchant_order_id;
        if (!same_pos_order) return failure(service_failure::card_redemption_used);
    }
    return card_for_order{redemption->customer_user_id, redemption->discount_fen};
}

void attach_card_to_order(mysql_connection& db, std::uint64_t redemption_id, std::uint64_t order_id) {
    attach_card_redemption_to_order(db, redemption_id, order_id);
}

void detach_card_from_order(mysql_connection& db, std::uint64_t redemption_id, std::uint64_t order_id) {
    detach_card_redemption_from_order(db, redemption_id, order_id);
}

}  // namespace sharedstore

#pragma once
// What an order placed through the API costs a member (docs/members.md): a top-up package or
// membership product at its price; a purchase at its listed price less the level's discount and
// the points spent; a pre-stored value payment split over its two buckets. Runs inside the order's
// transaction with the person's profile, lots and balances locked, so that concurrent orders
// never spend the same points or value twice.
#include "common/mysql_connection.hpp"
#include "server/domain/order_vocabulary.hpp"
#include "server/services/service_error.hpp"
#include "server/storage/order_repository.hpp"

#include <chrono>
#include <cstdint>
#include <optional>

namespace sharedstore {

struct member_order_request {
    std::uint64_t merchant_id = 0;
    std::uint64_t buyer_user_id = 0;
    order_kind kind = order_kind::purchase;
    payment_source pay_with = payment_source::wechat_pay;
    std::int64_t amount_fen = 0;  // purchase: the listed price; top_up, membership: 0 or the offer's price
    std::optional<std::uint64_t> offer_id;
    std::int64_t points = 0;
    std::int64_t voucher_fen = 0;  // alliance vouchers paying part of a purchase (checked and held by the caller)
};

struct priced_order {
    std::int64_t amount_fen = 0;  // what the buyer pays in money (after vouchers)
    order_member_terms member;
};

service_result<priced_order> price_member_order(mysql_connection& db, const member_order_request& request, std::chrono::system_clock::time_point now);

// A buy-in's gate: nullopt, or member_required when the store takes partners from its members only.
std::optional<service_error> check_partner_requires_member(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t buyer_user_id);

// A POS order of a store with a programme: the level in force for its customer, written on the
// order (the POS priced it) and returned as the order's member terms.
order_member_terms record_pos_member_level(mysql_connection& db, const order_record& order);

}  // namespace sharedstore

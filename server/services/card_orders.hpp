#pragma once
// An order that carries a card redemption (`card_redemption_id`, POS and API orders alike): the
// card's discount lowers the order's profit (profit_after_card_fen, read when the order is paid)
// and a refund of the whole order within the card's validity gives the card back (the card
// payment effect). Kept apart from order creation, which calls these two inside its transaction.
#include "common/mysql_connection.hpp"
#include "server/services/service_error.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace sharedstore {

// Before the order row is written: the redemption, locked, must be this store's, live (not undone
// by a refund) and free (it discounts no order yet), and its holder the order's customer. `named`
// is the customer the caller named (none: the holder becomes the order's customer). Answers the
// customer to record and the discount. A redemption attached to an order of the same `merchant_order_id` is no
// conflict: that is a copy of this POS order in flight, whose insert meets the unique key and is
// answered as the replay.
struct card_for_order {
    std::uint64_t customer_user_id = 0;
    std::int64_t discount_fen = 0;  // recorded on the order: its profit is computed after it
};
service_result<card_for_order> card_customer_for_order(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t redemption_id,
                                                      std::optional<std::uint64_t> named, const std::string& merchant_order_id = "");

// After the order row is written, in the same transaction.
void attach_card_to_order(mysql_connection& db, std::uint64_t redemption_id, std::uint64_t order_id);

// An order closed unpaid lets go of its redemption: the card stays redeemed at the desk, and the
// redemption may discount the customer's next order.
void detach_card_from_order(mysql_connection& db, std::uint64_t redemption_id, std::uint64_t order_id);

}  // namespace sharedstore

#pragma once
// The customer's cards as JSON (docs/api.md, "The customer's cards"): the offer, the held card the
// holder sees (never the partner), and a redemption as the desk sees it (the customer masked).
#include "server/domain/card_offers.hpp"
#include "server/services/card_wallet_service.hpp"

#include <boost/json/object.hpp>

namespace sharedstore {

// {"kind","amount_off_fen","percent_off_bp","cap_fen","free_item","min_spend_fen"}: every key
// present, null where the kind has none.
boost::json::object card_offer_json(const card_offer& offer);
boost::json::object held_card_json(const held_card_view& card);
boost::json::object card_redemption_json(const card_redemption_record& r, const held_card_record& card);

}  // namespace sharedstore

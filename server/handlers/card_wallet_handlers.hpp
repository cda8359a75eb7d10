#pragma once
// The customer's cards: the holder's wallet and codes (/api/v1/me/cards...), the desk's
// redemption (staff of the store, or its POS signed like its callbacks).
#include "server/handlers/route.hpp"

#include <span>

namespace sharedstore {

std::span<const route> card_wallet_routes();

}  // namespace sharedstore

#pragma once
// Cash awards become withdrawable (docs/bonus.md): a store's cash awards that are due — an order's
// once its refund window has closed, a period's or campaign's at once (they are computed after
// their windows) — move from bonus_payable to the partner's withdrawable balance, a clawback debt
// paid first, as dividends settle. One ledger transaction per store and run.
#include "common/mysql_connection.hpp"

#include <chrono>
#include <cstdint>

namespace sharedstore {

struct bonus_settle_counts {
    int partners = 0;
    std::int64_t settled_fen = 0, to_debt_fen = 0;
};

bonus_settle_counts settle_bonus_awards(mysql_connection& db, std::uint64_t merchant_id, std::chrono::system_clock::time_point now);

}  // namespace sharedstore

#pragma once
// Pool dividends as a batch (docs/alliance.md "Dividends"; docs/business-rules.md section 3.1).
// A dividend starts in one transaction that records S_n, its holders and the rate, and takes the
// pool's state row: no lot vests until it is done, so its lots are fixed. It is then carried out a
// chunk of lots at a time, each chunk one transaction with the cursor: planning (V_n over the lots
// by id; after the last, the fund's free balance fixes the scale available / V_n), then consumers'
// lots by (user, lot), then stores' lots by (store, lot). A crediting chunk locks its lots, records
// each lot's release, adds to each holder's one credit and moves the cursor: a run killed anywhere
// resumes at the last commit and credits nothing twice. Refunds only shrink lots, so no lot
// releases more than planning counted for it.
#include "common/clock.hpp"
#include "common/mysql_connection.hpp"
#include "server/storage/alliance_dividend_repository.hpp"

#include <optional>
#include <string>

namespace sharedstore {

struct dividend_start {
    std::optional<int> number;  // the dividend to carry out: started now, or resumed
    bool resumed = false;
    pool_figures pool;          // the vested pool when nothing was due
    std::int64_t threshold_cp = 0;  // where the next dividend fires (dividend 1: the initial value)
};
// Resumes the dividend under way, or starts the next one when it is due; otherwise says where the pool stands.
dividend_start start_alliance_dividend(mysql_connection& db, wall_time now);

struct dividend_chunk {
    bool done = false;      // the dividend is finished (or was not running)
    int holders = 0;        // first credited in this chunk
    std::int64_t fen = 0;   // credited in this chunk
};
// The next chunk of at most `max_lots` lots of dividend `number`.
dividend_chunk run_alliance_dividend_chunk(mysql_connection& db, int number, int max_lots, wall_time now);

}  // namespace sharedstore

#pragma once
// Pool dividends as a batch (docs/alliance.md "Dividends"; docs/business-rules.md section 3.1).
// A dividend starts in one transaction that fixes everything it is computed from: the vested lots
// (no lot vests while it runs: both take the pool's state row), the rate, S_n, the wanted total V_n
// and the fund's free balance, hence the scale available / V_n. It is then carried out a chunk of
// holders at a time, consumers by user id and then stores by merchant id, each chunk one
// transaction that locks the lots, records each lot's release, credits each holder once and moves
// the cursor: a run killed anywhere resumes at the last commit and credits nothing twice.
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
    int holders = 0;        // credited in this chunk
    std::int64_t fen = 0;   // credited in this chunk
};
// The next chunk of at most `max_holders` holders of dividend `number`.
dividend_chunk run_alliance_dividend_chunk(mysql_connection& db, int number, int max_holders, wall_time now);

}  // namespace sharedstore

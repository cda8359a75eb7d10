#pragma once
// Settling with member stores (docs/alliance.md "Settlement"; docs/business-rules.md section 3):
// each Asia/Shanghai calendar month, a statement per store of what moved on its alliance accounts
// that month — the concessions it owes, the money it owes for supply bills, the reimbursements the
// fund owes it for vouchers it took (refunds move them back, so a part may be negative) — and the
// net either way, settled by one bank transfer the platform operator records. Pure.
#include "server/domain/ledger.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sharedstore {

// A statement's month: "2026-11" and its [start, end) as UTC instants.
struct statement_period {
    std::string label;
    std::chrono::system_clock::time_point start{}, end{};
};
// "2026-11" in the zone `utc_offset`; nullopt for anything else ("2026-1", "2026-13", " 2026-11").
std::optional<statement_period> parse_statement_period(std::string_view label, std::chrono::minutes utc_offset);
// The latest month closed for `grace` at `now` (postings booked at the month's last instant may
// commit a moment later: the grace lets them land before the month is read).
statement_period last_closed_period(std::chrono::system_clock::time_point now, std::chrono::minutes utc_offset, std::chrono::seconds grace);
// The months from the one holding `from` up to `last`, the oldest first (empty when `from` is after
// `last` began): what an operator's issue of `last` catches up on.
std::vector<statement_period> periods_between(std::chrono::system_clock::time_point from, const statement_period& last, std::chrono::minutes utc_offset);
// The last `count` closed months, the oldest first (the job catches up on months it missed while
// nothing ran).
std::vector<statement_period> closed_periods(std::chrono::system_clock::time_point now, std::chrono::minutes utc_offset, std::chrono::seconds grace,
                                             int count);

struct statement_amounts {
    std::int64_t concession_fen = 0;     // owed by the store
    std::int64_t supply_fen = 0;         // owed by the store
    std::int64_t reimbursement_fen = 0;  // owed to the store
    // > 0: the store pays the platform; < 0: the platform pays the store.
    std::int64_t net_fen() const { return concession_fen + supply_fen - reimbursement_fen; }
    bool empty() const { return concession_fen == 0 && supply_fen == 0 && reimbursement_fen == 0; }
};

// The transfer recorded (posted at the store): each part clears its account on both books against
// the settlement cash of each side (a negative part the other way round), so the net moves from
// the store's side to the platform's (or back).
std::vector<ledger_entry> statement_settled_entries(const statement_amounts& amounts);

}  // namespace sharedstore

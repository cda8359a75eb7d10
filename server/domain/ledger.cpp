#include "server/domain/ledger.hpp"

namespace sharedstore {

std::string_view to_string(account_kind kind) {
    switch (kind) {
    case account_kind::desk_cash: return "desk_cash";
    case account_kind::stored_value: return "stored_value";
    }
    return "unknown";
}

bool is_per_user(account_kind kind) { return kind == account_kind::stored_value; }

std::optional<std::string> check_entries(const std::vector<ledger_entry>& entries) {
    if (entries.empty()) return "a ledger transaction needs at least one entry";
    for (const auto& e : entries) {
        if (e.amount_fen <= 0) return "entry amounts are positive";
        if (e.debit == e.credit) return "an entry moves money between two different accounts";
        for (const auto& side : {e.debit, e.credit})
            if (is_per_user(side.kind) != (side.user_id != 0)) return "per-person accounts name their user; store accounts do not";
    }
    return std::nullopt;
}

std::int64_t natural_balance(account_kind kind, std::int64_t debits_minus_credits) {
    return kind == account_kind::stored_value ? -debits_minus_credits : debits_minus_credits;
}

std::vector<ledger_entry> cash_buy_in_entries(std::uint64_t partner_user_id, std::int64_t amount_fen) {
    return {{{account_kind::desk_cash, 0}, {account_kind::stored_value, partner_user_id}, amount_fen}};
}

}  // namespace sharedstore

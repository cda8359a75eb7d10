#pragma once
// Books in memory for the domain's ledger tests: postings applied as the ledger applies them
// (checked first), balances read naturally, each account in its kind's book.
#include "server/domain/ledger.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <tuple>
#include <vector>

namespace sharedstore::test_support {

// Balances by (store, kind, user), debits - credits; `store` 0 for the platform's book.
struct ledger_books {
    using key = std::tuple<int, account_kind, std::uint64_t>;
    std::map<key, std::int64_t> balance;

    void post(int store, const std::vector<ledger_entry>& entries) {
        ASSERT_FALSE(check_entries(entries)) << *check_entries(entries);
        for (const auto& e : entries) {
            balance[{in_platform_book(e.debit.kind) ? 0 : store, e.debit.kind, e.debit.user_id}] += e.amount;
            balance[{in_platform_book(e.credit.kind) ? 0 : store, e.credit.kind, e.credit.user_id}] -= e.amount;
        }
    }
    std::int64_t at(int store, account_kind kind, std::uint64_t user = 0) const {
        auto it = balance.find({in_platform_book(kind) ? 0 : store, kind, user});
        return it == balance.end() ? 0 : natural_balance(kind, it->second);
    }
    bool all_zero() const {
        for (const auto& [k, value] : balance)
            if (value != 0) return false;
        return true;
    }
    // check-ledger's alliance invariant: the money behind vouchers equals the vouchers outstanding.
    bool reserve_matches() const { return at(0, account_kind::alliance_fund_reserved) == at(0, account_kind::vouchers_issued); }
};

}  // namespace sharedstore::test_support

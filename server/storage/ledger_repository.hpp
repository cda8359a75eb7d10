#pragma once
// The ledger in MariaDB. Blocking: call through mysql_pool, inside the transaction of the event
// that moves the money, so the event and its entries commit or roll back together.
#include "common/mysql_connection.hpp"
#include "server/domain/ledger.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <string>
#include <vector>

namespace sharedstore {

struct ledger_posting {
    std::uint64_t merchant_id = 0;  // the store it happens at (its book); 0: the platform alone
    std::string kind;       // what happened: buy_in_cash, ...
    std::string reference;  // unique per kind: the causing row or request
    std::optional<std::uint64_t> actor_user_id;
    std::vector<ledger_entry> entries;
    // When the event happened (SQL DATETIME, UTC), so that reports by period match the business
    // tables: a payment is booked at its paid_at. Empty: now.
    std::string booked_at;
};

// The store's book, made if missing; its id. Called in the transaction that creates the store, so
// that postings find it made (a store made otherwise gets it with its first account).
std::uint64_t ensure_store_book(mysql_connection& db, std::uint64_t merchant_id);

// The transaction id of an earlier posting with this kind and reference (idempotent replays).
std::optional<std::uint64_t> find_ledger_transaction(mysql_connection& db, const std::string& kind, const std::string& reference);

// Writes the transaction and its entries and moves the accounts' cached balances (creating the
// accounts on first use). Throws std::invalid_argument for entries check_entries() refuses, and
// the database's duplicate-key error for a reference already posted.
std::uint64_t post_ledger_transaction(mysql_connection& db, const ledger_posting& posting);

// An account's balance as people read it (natural_balance), in its asset's unit; 0 for an account
// never used. `merchant_id` is ignored for the platform's accounts.
// `lock`: FOR UPDATE, so that a spend checked against it cannot race another (never below zero).
std::int64_t account_balance(mysql_connection& db, std::uint64_t merchant_id, const account_ref& account, bool lock = false);

// Natural balances of the stores' own accounts of `kinds` (not per person), by (store, kind), in
// one read (a page of a list); accounts never used are absent.
std::map<std::pair<std::uint64_t, account_kind>, std::int64_t> store_balances(mysql_connection& db, const std::vector<std::uint64_t>& merchant_ids,
                                                                                const std::vector<account_kind>& kinds);

}  // namespace sharedstore

#include "server/storage/ledger_repository.hpp"

#include "server/storage/sql_support.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <map>
#include <memory>
#include <vector>
#include <stdexcept>

namespace sharedstore {

namespace {

using statement = mysql_statement;
using rows = std::unique_ptr<sql::ResultSet>;

// The store of an account: the posting's, or 0 for the platform's book (ledger_accounts keeps 0
// there; ledger_books and ledger_transactions keep NULL).
std::uint64_t store_of(std::uint64_t posting_merchant_id, const account_ref& account) {
    return in_platform_book(account.kind) ? 0 : posting_merchant_id;
}

void set_store_or_null(statement& s, unsigned index, std::uint64_t merchant_id) {
    if (merchant_id == 0) s->setNull(index, 0);
    else s->setUInt64(index, merchant_id);
}

// The id of a store's book (0: the platform's), made on first use. Read without a lock first: a
// locking read or an INSERT IGNORE here would take gap locks on ledger_books that deadlock with
// other stores' first postings.
std::uint64_t book_id(mysql_connection& db, std::uint64_t merchant_id) {
    statement select(db.prepare(merchant_id ? "SELECT id FROM ledger_books WHERE merchant_id = ?"
                                            : "SELECT id FROM ledger_books WHERE kind = 'platform'"));
    if (merchant_id) select->setUInt64(1, merchant_id);
    {
        rows rs(select->executeQuery());
        if (rs->next()) return rs->getUInt64(1);
    }
    if (!merchant_id) throw std::logic_error("ledger: the platform's book is missing (migration 0010 makes it)");
    return ensure_store_book(db, merchant_id);
}

// The account's id, creating it on first use. LAST_INSERT_ID(id) on a duplicate hands back the
// existing row's id in the same statement.
std::uint64_t create_account(mysql_connection& db, std::uint64_t merchant_id, const account_ref& account) {
    const auto book = book_id(db, merchant_id);
    statement upsert(db.prepare(
        "INSERT INTO ledger_accounts (book_id, merchant_id, kind, asset, user_id) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)"));
    upsert->setUInt64(1, book);
    upsert->setUInt64(2, merchant_id);
    upsert->setString(3, std::string(to_string(account.kind)));
    upsert->setString(4, std::string(to_string(asset_of(account.kind))));
    upsert->setUInt64(5, account.user_id);
    upsert->executeUpdate();
    return last_insert_id(db);
}

// The "?, ?, ?" lists (sql_support.hpp's repeated): a posting touches 2 to 4 accounts and has 1 to
// 3 entries, so its statements come in a handful of shapes, each kept prepared by the connection.

// An account as the database names it: its store (0: the platform's book), kind and user.
struct account_key {
    std::uint64_t store = 0;
    std::string kind;
    std::uint64_t user_id = 0;
    auto operator<=>(const account_key&) const = default;
};

// Reads the ids of `wanted` accounts (those found) in one statement: the accounts grouped by store
// and kind, each group one range of uq_ledger_accounts_merchant (user ids IN a list), so that a
// posting of hundreds of consumers' accounts (a dividend's chunk) is a few index ranges rather than
// hundreds of OR'ed conditions.
std::map<account_key, std::uint64_t> read_account_ids(mysql_connection& db, const std::vector<account_key>& wanted) {
    std::map<std::pair<std::uint64_t, std::string>, std::vector<std::uint64_t>> groups;
    for (const auto& k : wanted) groups[{k.store, k.kind}].push_back(k.user_id);
    std::string where;
    for (const auto& [group, users] : groups)
        where += (where.empty() ? "" : " OR ") + std::string("(merchant_id = ? AND kind = ? AND user_id IN (") + repeated("?", users.size(), ", ") + "))";
    statement select(db.prepare("SELECT id, merchant_id, kind, user_id FROM ledger_accounts WHERE " + where));
    unsigned index = 1;
    for (const auto& [group, users] : groups) {
        select->setUInt64(index++, group.first);
        select->setString(index++, group.second);
        for (const auto user : users) select->setUInt64(index++, user);
    }
    std::map<account_key, std::uint64_t> found;
    rows rs(select->executeQuery());
    while (rs->next()) found[{rs->getUInt64(2), std::string(rs->getString(3)), rs->getUInt64(4)}] = rs->getUInt64(1);
    return found;
}

// The ids of the posting's accounts, in one read. Read first: an upsert of an existing row takes
// next-key locks that make concurrent transactions of one store deadlock; a plain read takes
// none. Accounts used for the first time are created afterwards: one by one when they are a few,
// in one insert when they are many.
std::vector<std::uint64_t> account_ids(mysql_connection& db, std::uint64_t merchant_id, const std::vector<account_ref>& accounts) {
    std::vector<account_key> keys;
    keys.reserve(accounts.size());
    for (const auto& a : accounts) keys.push_back({store_of(merchant_id, a), std::string(to_string(a.kind)), a.user_id});
    const auto found = read_account_ids(db, keys);
    std::vector<std::uint64_t> ids(accounts.size(), 0);
    std::vector<std::size_t> missing;
    for (std::size_t i = 0; i < accounts.size(); ++i) {
        if (auto it = found.find(keys[i]); it != found.end()) ids[i] = it->second;
        else missing.push_back(i);
    }
    if (missing.size() <= 2) {
        for (const auto i : missing) ids[i] = create_account(db, keys[i].store, accounts[i]);
        return ids;
    }
    // Many first uses at once (a dividend's chunk credits hundreds of consumers): one insert of the
    // missing rows (a row made meanwhile by another posting is left as it is), then their ids.
    std::map<std::uint64_t, std::uint64_t> books;  // store (0: the platform) -> book
    for (const auto i : missing)
        if (!books.contains(keys[i].store)) books[keys[i].store] = book_id(db, keys[i].store);
    statement insert(db.prepare("INSERT INTO ledger_accounts (book_id, merchant_id, kind, asset, user_id) VALUES " +
                                repeated("(?, ?, ?, ?, ?)", missing.size(), ", ") + " ON DUPLICATE KEY UPDATE id = id"));
    unsigned parameter = 1;
    std::vector<account_key> made;
    for (const auto i : missing) {
        insert->setUInt64(parameter++, books[keys[i].store]);
        insert->setUInt64(parameter++, keys[i].store);
        insert->setString(parameter++, keys[i].kind);
        insert->setString(parameter++, std::string(to_string(asset_of(accounts[i].kind))));
        insert->setUInt64(parameter++, keys[i].user_id);
        made.push_back(keys[i]);
    }
    insert->executeUpdate();
    const auto created = read_account_ids(db, made);
    for (const auto i : missing) {
        // A row another transaction committed after this one's snapshot is not in the plain read
        // (and the insert left it as it was): the one-by-one upsert hands its id back.
        auto it = created.find(keys[i]);
        ids[i] = it != created.end() ? it->second : create_account(db, keys[i].store, accounts[i]);
    }
    return ids;
}

}  // namespace

std::uint64_t ensure_store_book(mysql_connection& db, std::uint64_t merchant_id) {
    statement insert(db.prepare("INSERT INTO ledger_books (kind, merchant_id) VALUES ('store', ?) ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)"));
    insert->setUInt64(1, merchant_id);
    insert->executeUpdate();
    return last_insert_id(db);
}

std::optional<std::uint64_t> find_ledger_transaction(mysql_connection& db, const std::string& kind, const std::string& reference) {
    statement select(db.prepare("SELECT id FROM ledger_transactions WHERE kind = ? AND reference = ?"));
    select->setString(1, kind);
    select->setString(2, reference);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return rs->getUInt64(1);
}

std::uint64_t post_ledger_transaction(mysql_connection& db, const ledger_posting& posting) {
    if (auto problem = check_entries(posting.entries)) throw std::invalid_argument("ledger: " + *problem);
    if (posting.merchant_id == 0)
        for (const auto& e : posting.entries)
            if (!in_platform_book(e.debit.kind) || !in_platform_book(e.credit.kind))
                throw std::invalid_argument("ledger: a posting at the platform alone touches only the platform's book");
    statement insert(db.prepare(
        "INSERT INTO ledger_transactions (merchant_id, kind, reference, actor_user_id, created_at) "
        "VALUES (?, ?, ?, ?, COALESCE(?, CURRENT_TIMESTAMP(6)))"));
    set_store_or_null(insert, 1, posting.merchant_id);
    insert->setString(2, posting.kind);
    insert->setString(3, posting.reference);
    if (posting.actor_user_id) insert->setUInt64(4, *posting.actor_user_id);
    else insert->setNull(4, 0);
    if (posting.booked_at.empty()) insert->setNull(5, 0);
    else insert->setString(5, posting.booked_at);
    insert->executeUpdate();
    const auto transaction_id = last_insert_id(db);

    // The distinct accounts, then their ids.
    std::vector<account_ref> accounts;
    auto index_of = [&accounts](const account_ref& account) {
        for (std::size_t i = 0; i < accounts.size(); ++i)
            if (accounts[i] == account) return i;
        accounts.push_back(account);
        return accounts.size() - 1;
    };
    std::vector<std::pair<std::size_t, std::size_t>> sides;  // (debit, credit) per entry, as indexes into accounts
    for (const auto& e : posting.entries) sides.emplace_back(index_of(e.debit), index_of(e.credit));
    const auto ids = account_ids(db, posting.merchant_id, accounts);

    // Balances move first, each account once, in one statement that InnoDB applies in ascending
    // id order (a range over the primary key): every posting locks accounts in the same global
    // order, so two postings cannot deadlock on each other's accounts; and the entries'
    // foreign-key checks then find rows this transaction already holds (a shared lock taken first
    // and upgraded later is the classic InnoDB deadlock).
    std::map<std::uint64_t, std::int64_t> moves;  // ordered by account id
    for (std::size_t i = 0; i < sides.size(); ++i) {
        moves[ids[sides[i].first]] += posting.entries[i].amount;
        moves[ids[sides[i].second]] -= posting.entries[i].amount;
    }
    statement move(db.prepare("UPDATE ledger_accounts SET balance = balance + CASE id " + repeated("WHEN ? THEN ?", moves.size(), " ") +
                              " END WHERE id IN (" + repeated("?", moves.size(), ", ") + ")"));
    unsigned parameter = 1;
    for (const auto& [account, amount] : moves) {
        move->setUInt64(parameter++, account);
        move->setInt64(parameter++, amount);
    }
    for (const auto& [account, amount] : moves) move->setUInt64(parameter++, account);
    move->executeUpdate();

    statement entry(db.prepare("INSERT INTO ledger_entries (transaction_id, debit_account_id, credit_account_id, amount) VALUES " +
                               repeated("(?, ?, ?, ?)", posting.entries.size(), ", ")));
    parameter = 1;
    for (std::size_t i = 0; i < posting.entries.size(); ++i) {
        entry->setUInt64(parameter++, transaction_id);
        entry->setUInt64(parameter++, ids[sides[i].first]);
        entry->setUInt64(parameter++, ids[sides[i].second]);
        entry->setInt64(parameter++, posting.entries[i].amount);
    }
    entry->executeUpdate();
    return transaction_id;
}

std::int64_t account_balance(mysql_connection& db, std::uint64_t merchant_id, const account_ref& account, bool lock) {
    // A unique lookup on NOT NULL columns: FOR UPDATE locks only the row.
    statement select(db.prepare(std::string("SELECT balance FROM ledger_accounts WHERE merchant_id = ? AND kind = ? AND user_id = ?") +
                                (lock ? " FOR UPDATE" : "")));
    select->setUInt64(1, store_of(merchant_id, account));
    select->setString(2, std::string(to_string(account.kind)));
    select->setUInt64(3, account.user_id);
    rows rs(select->executeQuery());
    return rs->next() ? natural_balance(account.kind, rs->getInt64(1)) : 0;
}

std::map<std::pair<std::uint64_t, account_kind>, std::int64_t> store_balances(mysql_connection& db, const std::vector<std::uint64_t>& merchant_ids,
                                                                                const std::vector<account_kind>& kinds) {
    std::map<std::pair<std::uint64_t, account_kind>, std::int64_t> out;
    if (merchant_ids.empty() || kinds.empty()) return out;
    statement select(db.prepare("SELECT merchant_id, kind, balance FROM ledger_accounts WHERE user_id = 0 AND merchant_id IN (" +
                                repeated("?", merchant_ids.size(), ", ") + ") AND kind IN (" + repeated("?", kinds.size(), ", ") + ")"));
    unsigned i = 1;
    for (const auto id : merchant_ids) select->setUInt64(i++, id);
    for (const auto kind : kinds) select->setString(i++, std::string(to_string(kind)));
    rows rs(select->executeQuery());
    while (rs->next()) {
        const std::string text = rs->getString(2);
        for (const auto kind : kinds)
            if (text == to_string(kind)) out[{rs->getUInt64(1), kind}] = natural_balance(kind, rs->getInt64(3));
    }
    return out;
}

}  // namespace sharedstore

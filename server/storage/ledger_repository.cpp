#include "server/storage/ledger_repository.hpp"

#include "server/storage/sql_support.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <map>
#include <memory>
#include <vector>
#include <stdexcept>

namespace sharedstore {

namespace {

using statement = mysql_statement;
using rows = std::unique_ptr<sql::ResultSet>;

// The account's id, creating it on first use. LAST_INSERT_ID(id) on a duplicate hands back the
// existing row's id in the same statement.
std::uint64_t account_id(mysql_connection& db, std::uint64_t merchant_id, const account_ref& account) {
    // Read first: an upsert of an existing row takes next-key locks that make concurrent
    // transactions of one store deadlock; a plain read takes none.
    statement select(db.prepare("SELECT id FROM ledger_accounts WHERE merchant_id = ? AND kind = ? AND user_id = ?"));
    select->setUInt64(1, merchant_id);
    select->setString(2, std::string(to_string(account.kind)));
    select->setUInt64(3, account.user_id);
    {
        rows rs(select->executeQuery());
        if (rs->next()) return rs->getUInt64(1);
    }
    statement upsert(db.prepare(
        "INSERT INTO ledger_accounts (merchant_id, kind, user_id) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)"));
    upsert->setUInt64(1, merchant_id);
    upsert->setString(2, std::string(to_string(account.kind)));
    upsert->setUInt64(3, account.user_id);
    upsert->executeUpdate();
    return last_insert_id(db);
}

}  // namespace

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
    statement insert(db.prepare(
        "INSERT INTO ledger_transactions (merchant_id, kind, reference, actor_user_id, created_at) "
        "VALUES (?, ?, ?, ?, COALESCE(?, CURRENT_TIMESTAMP(6)))"));
    insert->setUInt64(1, posting.merchant_id);
    insert->setString(2, posting.kind);
    insert->setString(3, posting.reference);
    if (posting.actor_user_id) insert->setUInt64(4, *posting.actor_user_id);
    else insert->setNull(4, 0);
    if (posting.booked_at.empty()) insert->setNull(5, 0);
    else insert->setString(5, posting.booked_at);
    insert->executeUpdate();
    const auto transaction_id = last_insert_id(db);

    // Balances move first, each account once, in ascending id order: every posting locks accounts
    // in the same global order, so two postings cannot deadlock on each other's accounts; and the
    // entries' foreign-key checks then find rows this transaction already holds (a shared lock
    // taken first and upgraded later is the classic InnoDB deadlock).
    std::vector<std::pair<std::uint64_t, std::uint64_t>> sides;  // (debit, credit) per entry
    std::map<std::uint64_t, std::int64_t> moves;
    for (const auto& e : posting.entries) {
        const auto debit = account_id(db, posting.merchant_id, e.debit);
        const auto credit = account_id(db, posting.merchant_id, e.credit);
        sides.emplace_back(debit, credit);
        moves[debit] += e.amount_fen;
        moves[credit] -= e.amount_fen;
    }
    statement move(db.prepare("UPDATE ledger_accounts SET balance_fen = balance_fen + ? WHERE id = ?"));
    for (const auto& [account, amount] : moves) {
        move->setInt64(1, amount);
        move->setUInt64(2, account);
        move->executeUpdate();
    }
    statement entry(db.prepare(
        "INSERT INTO ledger_entries (transaction_id, debit_account_id, credit_account_id, amount_fen) VALUES (?, ?, ?, ?)"));
    for (std::size_t i = 0; i < posting.entries.size(); ++i) {
        entry->setUInt64(1, transaction_id);
        entry->setUInt64(2, sides[i].first);
        entry->setUInt64(3, sides[i].second);
        entry->setInt64(4, posting.entries[i].amount_fen);
        entry->executeUpdate();
    }
    return transaction_id;
}

std::int64_t account_balance(mysql_connection& db, std::uint64_t merchant_id, const account_ref& account, bool lock) {
    statement select(db.prepare(std::string("SELECT balance_fen FROM ledger_accounts WHERE merchant_id = ? AND kind = ? AND user_id = ?") +
                                         (lock ? " FOR UPDATE" : "")));
    select->setUInt64(1, merchant_id);
    select->setString(2, std::string(to_string(account.kind)));
    select->setUInt64(3, account.user_id);
    rows rs(select->executeQuery());
    return rs->next() ? natural_balance(account.kind, rs->getInt64(1)) : 0;
}

}  // namespace sharedstore

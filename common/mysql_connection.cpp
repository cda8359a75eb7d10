#include "common/mysql_connection.hpp"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/statement.h>

#include <utility>

namespace sharedstore {

// ---- mysql_statement

mysql_statement::mysql_statement(mysql_connection* home, std::string sql, std::unique_ptr<sql::PreparedStatement> statement) noexcept
    : home_(home), sql_(std::move(sql)), statement_(std::move(statement)) {}

mysql_statement::mysql_statement(mysql_statement&& other) noexcept
    : home_(std::exchange(other.home_, nullptr)), sql_(std::move(other.sql_)), statement_(std::move(other.statement_)) {}

mysql_statement& mysql_statement::operator=(mysql_statement&& other) noexcept {
    if (this != &other) {
        release();
        home_ = std::exchange(other.home_, nullptr);
        sql_ = std::move(other.sql_);
        statement_ = std::move(other.statement_);
    }
    return *this;
}

mysql_statement::~mysql_statement() { release(); }

void mysql_statement::release() noexcept {
    if (statement_ && home_) home_->give_back(std::move(sql_), std::move(statement_));
    statement_.reset();  // uncached: COM_STMT_CLOSE
    home_ = nullptr;
}

// ---- mysql_connection

mysql_connection::mysql_connection(std::unique_ptr<sql::Connection> native, std::size_t statement_cache_limit,
                                   mysql_statement_counters* counters)
    : native_(std::move(native)), limit_(statement_cache_limit), counters_(counters ? *counters : own_counters_) {}

mysql_connection::~mysql_connection() {
    // Statements belong to the connection: close them while it is still there, then it.
    by_sql_.clear();
    idle_.clear();
    try {
        if (native_ && !native_->isClosed()) native_->close();
    } catch (...) {
    }
}

std::unique_ptr<sql::PreparedStatement> mysql_connection::prepare_on_server(const std::string& sql) {
    constexpr int too_many_prepared = 1461;  // ER_MAX_PREPARED_STMT_COUNT_REACHED: a server-wide limit
    try {
        counters_.prepared.fetch_add(1, std::memory_order_relaxed);
        return std::unique_ptr<sql::PreparedStatement>(native_->prepareStatement(sql));
    } catch (const sql::SQLException& e) {
        if (e.getErrorCode() != too_many_prepared || idle_.empty()) throw;
    }
    // Other connections (ours or others') hold the server's statements: give ours up and retry once.
    while (!idle_.empty()) {
        close_idle(std::prev(idle_.end()));
        counters_.evicted.fetch_add(1, std::memory_order_relaxed);
    }
    return std::unique_ptr<sql::PreparedStatement>(native_->prepareStatement(sql));
}

mysql_statement mysql_connection::prepare(const std::string& sql) {
    if (limit_ == 0) return prepare_uncached(sql);
    if (auto found = by_sql_.find(std::string_view(sql)); found != by_sql_.end()) {
        auto node = found->second;
        by_sql_.erase(found);
        auto statement = std::move(node->statement);
        auto text = std::move(node->sql);
        idle_.erase(node);
        counters_.reused.fetch_add(1, std::memory_order_relaxed);
        return mysql_statement(this, std::move(text), std::move(statement));
    }
    auto statement = prepare_on_server(sql);
    return mysql_statement(this, sql, std::move(statement));
}

mysql_statement mysql_connection::prepare_uncached(const std::string& sql) {
    auto statement = prepare_on_server(sql);
    return mysql_statement(nullptr, std::string(), std::move(statement));
}

void mysql_connection::execute(const std::string& sql) {
    std::unique_ptr<sql::Statement> statement(native_->createStatement());
    statement->execute(sql);
}

void mysql_connection::give_back(std::string sql, std::unique_ptr<sql::PreparedStatement> statement) noexcept {
    try {
        // The next user starts with no parameters bound (client side only, no round trip): a
        // forgotten setX fails as it would on a fresh statement instead of reusing a stale value.
        statement->clearParameters();
        idle_.push_front(idle_statement{std::move(sql), std::move(statement)});
        by_sql_.emplace(std::string_view(idle_.front().sql), idle_.begin());
    } catch (...) {
        // Out of memory while caching: the statement is closed instead (the list node, if it was
        // made, is removed so the index never points at a missing node).
        if (!idle_.empty() && by_sql_.size() < idle_.size()) idle_.pop_front();
        return;
    }
    while (idle_.size() > limit_) {
        close_idle(std::prev(idle_.end()));
        counters_.evicted.fetch_add(1, std::memory_order_relaxed);
    }
}

void mysql_connection::close_idle(std::list<idle_statement>::iterator it) noexcept {
    auto [first, last] = by_sql_.equal_range(std::string_view(it->sql));
    for (auto i = first; i != last; ++i)
        if (i->second == it) {
            by_sql_.erase(i);
            break;
        }
    try {
        idle_.erase(it);  // deleting the PreparedStatement sends COM_STMT_CLOSE (no reply awaited)
    } catch (...) {
    }
}

}  // namespace sharedstore

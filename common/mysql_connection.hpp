#pragma once
// One pooled MariaDB connection and the server-side prepared statements it keeps.
//
// Connector/C++ prepares a statement on the server (COM_STMT_PREPARE: a round trip, a parse and a
// plan) and closes it when the PreparedStatement is deleted. A repository that prepared per call
// paid that for every statement it ran: a profile of MariaDB under POS traffic spent 21 % of its
// CPU re-preparing (bench/README.md). A pooled connection lives for hours and runs the same few
// hundred statements, so it keeps them prepared: prepare() hands out one prepared earlier on this
// connection when the text matches and none is in use, and the handle gives it back when it goes
// out of scope. The cache is bounded (least recently used closed first) and dies with the
// connection, so a reconnect starts empty. One worker thread uses a connection at a time.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sql {
class Connection;
class PreparedStatement;
}  // namespace sql

namespace sharedstore {

class mysql_connection;

// Counters shared by the connections of one pool (read by /metrics from another thread).
struct mysql_statement_counters {
    std::atomic<std::uint64_t> prepared{0};  // sent to the server to prepare
    std::atomic<std::uint64_t> reused{0};    // served from a connection's cache
    std::atomic<std::uint64_t> evicted{0};   // closed to keep a cache within its limit
};

// A prepared statement lent for one use. Use it like the PreparedStatement it wraps (->setX,
// ->executeQuery); read its result sets before it goes out of scope, as with Connector/C++.
class mysql_statement {
public:
    mysql_statement() = default;
    mysql_statement(mysql_statement&& other) noexcept;
    mysql_statement& operator=(mysql_statement&& other) noexcept;
    mysql_statement(const mysql_statement&) = delete;
    mysql_statement& operator=(const mysql_statement&) = delete;
    ~mysql_statement();

    sql::PreparedStatement* operator->() const noexcept { return statement_.get(); }
    sql::PreparedStatement& operator*() const noexcept { return *statement_; }
    explicit operator bool() const noexcept { return statement_ != nullptr; }

private:
    friend class mysql_connection;
    mysql_statement(mysql_connection* home, std::string sql, std::unique_ptr<sql::PreparedStatement> statement) noexcept;
    void release() noexcept;

    mysql_connection* home_ = nullptr;  // null: not cached, closed when dropped
    std::string sql_;
    std::unique_ptr<sql::PreparedStatement> statement_;
};

class mysql_connection {
public:
    // statement_cache_limit 0 turns the cache off: every statement is prepared and closed.
    mysql_connection(std::unique_ptr<sql::Connection> native, std::size_t statement_cache_limit,
                     mysql_statement_counters* counters = nullptr);
    ~mysql_connection();
    mysql_connection(const mysql_connection&) = delete;
    mysql_connection& operator=(const mysql_connection&) = delete;

    // A statement for this SQL text, from the cache when one is free.
    mysql_statement prepare(const std::string& sql);
    // For SQL whose text changes from call to call (an IN list's length): prepared and closed
    // each time so it does not push the fixed statements out of the cache.
    mysql_statement prepare_uncached(const std::string& sql);
    // A statement without parameters or rows (SET ..., DDL) as plain text: one round trip.
    void execute(const std::string& sql);

    // For what the wrapper does not cover: transactions (the pool), migrations' DDL.
    sql::Connection& native() noexcept { return *native_; }

    std::size_t cached_statements() const noexcept { return idle_.size(); }

private:
    friend class mysql_statement;
    struct idle_statement {
        std::string sql;
        std::unique_ptr<sql::PreparedStatement> statement;
    };
    std::unique_ptr<sql::PreparedStatement> prepare_on_server(const std::string& sql);
    void give_back(std::string sql, std::unique_ptr<sql::PreparedStatement> statement) noexcept;
    void close_idle(std::list<idle_statement>::iterator it) noexcept;

    std::unique_ptr<sql::Connection> native_;
    std::size_t limit_;
    mysql_statement_counters own_counters_;
    mysql_statement_counters& counters_;
    std::list<idle_statement> idle_;  // most recently given back first
    // Keys view the SQL held by the list nodes (stable: list nodes do not move).
    std::unordered_multimap<std::string_view, std::list<idle_statement>::iterator> by_sql_;
};

}  // namespace sharedstore

#include "server/storage/alliance_dividend_repository.hpp"

#include "common/clock.hpp"
#include "server/storage/sql_support.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace sharedstore {

namespace {

using statement = mysql_statement;
using rows = std::unique_ptr<sql::ResultSet>;
using time_point = std::chrono::system_clock::time_point;

// Rows per multi-row INSERT: this keeps a statement well under max_allowed_packet and under the
// 65,535 placeholders a prepared statement may have.
constexpr std::size_t insert_batch = 1000;

// The column naming a lot's or a credit's holder.
std::string holder_column(const std::string& holder) {
    if (holder == "consumer") return "user_id";
    if (holder == "merchant") return "merchant_id";
    throw std::invalid_argument("alliance holder: " + holder);
}

const std::string dividend_columns = "number, pool_config_version, rate_bp, quota_bp, voucher_validity_days, pool_cp, consumer_holders, lots, "
                                     "wanted_fen, fund_free_fen, available_fen, released_fen, holders_credited, state, phase, cursor_holder, cursor_lot, chunks, " +
                                     sql_micros("started_at") + ", " + sql_micros("finished_at") + ", earmarked_fen";

alliance_dividend read_dividend(sql::ResultSet& rs) {
    alliance_dividend d;
    d.number = static_cast<int>(rs.getUInt(1));
    d.pool_config_version = static_cast<int>(rs.getUInt(2));
    d.rate_bp = rs.getInt(3);
    d.quota_bp = rs.getInt(4);
    d.voucher_validity_days = rs.getInt(5);
    d.pool_cp = rs.getInt64(6);
    d.consumer_holders = rs.getInt(7);
    d.lots = rs.getInt(8);
    d.wanted_fen = rs.getInt64(9);
    d.fund_free_fen = rs.getInt64(10);
    d.available_fen = rs.getInt64(11);
    d.released_fen = rs.getInt64(12);
    d.holders_credited = rs.getInt(13);
    d.state = rs.getString(14);
    d.phase = rs.getString(15);
    d.cursor_holder = rs.getUInt64(16);
    d.cursor_lot = rs.getUInt64(17);
    d.chunks = rs.getInt(18);
    d.started_at = from_micros(rs.getInt64(19));
    if (!rs.isNull(20)) d.finished_at = from_micros(rs.getInt64(20));
    if (!rs.isNull(21)) d.earmarked_fen = rs.getInt64(21);
    return d;
}

}  // namespace

std::optional<int> lock_running_dividend(mysql_connection& db) {
    statement select(db.prepare("SELECT running_dividend FROM alliance_pool_state WHERE id = 1 FOR UPDATE"));
    rows rs(select->executeQuery());
    if (!rs->next()) throw std::logic_error("alliance_pool_state is missing its row (migration 0020 makes it)");
    if (rs->isNull(1)) return std::nullopt;
    return static_cast<int>(rs->getUInt(1));
}

void set_running_dividend(mysql_connection& db, std::optional<int> number) {
    statement update(db.prepare("UPDATE alliance_pool_state SET running_dividend = ? WHERE id = 1"));
    if (number) update->setUInt(1, static_cast<unsigned>(*number));
    else update->setNull(1, 0);
    update->executeUpdate();
}

std::optional<alliance_dividend> find_dividend(mysql_connection& db, int number, bool lock) {
    statement select(db.prepare("SELECT " + dividend_columns + " FROM alliance_dividends WHERE number = ?" + (lock ? " FOR UPDATE" : "")));
    select->setUInt(1, static_cast<unsigned>(number));
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_dividend(*rs);
}

std::optional<alliance_dividend> find_last_dividend(mysql_connection& db) {
    statement select(db.prepare("SELECT " + dividend_columns + " FROM alliance_dividends ORDER BY number DESC LIMIT 1"));
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_dividend(*rs);
}

std::vector<alliance_dividend> list_dividends(mysql_connection& db, int limit, std::optional<int> before) {
    statement select(db.prepare("SELECT " + dividend_columns + " FROM alliance_dividends WHERE number < ? ORDER BY number DESC LIMIT ?"));
    select->setUInt(1, before ? static_cast<unsigned>(std::max(0, *before)) : 4294967295u);
    select->setInt(2, limit);
    rows rs(select->executeQuery());
    std::vector<alliance_dividend> out;
    while (rs->next()) out.push_back(read_dividend(*rs));
    return out;
}

void insert_dividend(mysql_connection& db, const alliance_dividend& d) {
    statement insert(db.prepare(
        "INSERT INTO alliance_dividends (number, pool_config_version, rate_bp, quota_bp, voucher_validity_days, pool_cp, consumer_holders, lots, "
        "wanted_fen, fund_free_fen, available_fen, state, phase, started_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', 'planning', ?)"));
    insert->setUInt(1, static_cast<unsigned>(d.number));
    insert->setUInt(2, static_cast<unsigned>(d.pool_config_version));
    insert->setInt(3, d.rate_bp);
    insert->setInt(4, d.quota_bp);
    insert->setInt(5, d.voucher_validity_days);
    insert->setInt64(6, d.pool_cp);
    insert->setInt(7, d.consumer_holders);
    insert->setInt(8, d.lots);
    insert->setInt64(9, d.wanted_fen);
    insert->setInt64(10, d.fund_free_fen);
    insert->setInt64(11, d.available_fen);
    insert->setString(12, format_sql_datetime_utc(d.started_at));
    insert->executeUpdate();
}

void advance_dividend(mysql_connection& db, int number, const std::string& phase, std::uint64_t cursor_holder, std::uint64_t cursor_lot,
                      std::int64_t released_fen, int holders_credited) {
    statement update(db.prepare(
        "UPDATE alliance_dividends SET phase = ?, cursor_holder = ?, cursor_lot = ?, released_fen = released_fen + ?, "
        "holders_credited = holders_credited + ?, chunks = chunks + 1 WHERE number = ? AND state = 'running'"));
    update->setString(1, phase);
    update->setUInt64(2, cursor_holder);
    update->setUInt64(3, cursor_lot);
    update->setInt64(4, released_fen);
    update->setInt(5, holders_credited);
    update->setUInt(6, static_cast<unsigned>(number));
    if (update->executeUpdate() != 1) throw std::logic_error("alliance dividend " + std::to_string(number) + " is not running");
}

void add_dividend_plan(mysql_connection& db, int number, std::uint64_t cursor_lot, std::int64_t wanted_fen) {
    statement update(db.prepare(
        "UPDATE alliance_dividends SET cursor_lot = ?, wanted_fen = wanted_fen + ?, chunks = chunks + 1 "
        "WHERE number = ? AND state = 'running' AND phase = 'planning'"));
    update->setUInt64(1, cursor_lot);
    update->setInt64(2, wanted_fen);
    update->setUInt(3, static_cast<unsigned>(number));
    if (update->executeUpdate() != 1) throw std::logic_error("alliance dividend " + std::to_string(number) + " is not planning");
}

void fund_dividend(mysql_connection& db, int number, std::int64_t fund_free_fen, std::int64_t available_fen) {
    statement update(db.prepare(
        "UPDATE alliance_dividends SET fund_free_fen = ?, available_fen = ?, earmarked_fen = ?, phase = 'consumers', "
        "cursor_holder = 0, cursor_lot = 0 "
        "WHERE number = ? AND state = 'running' AND phase = 'planning'"));
    update->setInt64(1, fund_free_fen);
    update->setInt64(2, available_fen);
    update->setInt64(3, available_fen);
    update->setUInt(4, static_cast<unsigned>(number));
    if (update->executeUpdate() != 1) throw std::logic_error("alliance dividend " + std::to_string(number) + " is not planning");
}

void finish_dividend(mysql_connection& db, int number, time_point at) {
    statement update(db.prepare("UPDATE alliance_dividends SET state = 'done', phase = 'done', finished_at = ? WHERE number = ? AND state = 'running'"));
    update->setString(1, format_sql_datetime_utc(at));
    update->setUInt(2, static_cast<unsigned>(number));
    if (update->executeUpdate() != 1) throw std::logic_error("alliance dividend " + std::to_string(number) + " is not running");
}

pool_figures vested_pool_figures(mysql_connection& db) {
    statement select(db.prepare(
        "SELECT COALESCE(SUM(cp - reversed_cp), 0), COUNT(DISTINCT user_id), COUNT(*) FROM alliance_lots "
        "WHERE state = 'vested' AND cp > reversed_cp"));
    rows rs(select->executeQuery());
    rs->next();
    return {.pool_cp = rs->getInt64(1), .consumer_holders = rs->getInt(2), .lots = rs->getInt(3)};
}

std::vector<dividend_lot> list_vested_lots(mysql_connection& db, std::uint64_t after_id, int limit) {
    statement select(db.prepare(
        "SELECT id, COALESCE(user_id, merchant_id), cp - reversed_cp, released_fen FROM alliance_lots "
        "WHERE id > ? AND state = 'vested' AND cp > reversed_cp ORDER BY id LIMIT ?"));
    select->setUInt64(1, after_id);
    select->setInt(2, limit);
    rows rs(select->executeQuery());
    std::vector<dividend_lot> out;
    while (rs->next()) out.push_back({rs->getUInt64(1), rs->getUInt64(2), rs->getInt64(3), rs->getInt64(4)});
    return out;
}

std::vector<dividend_lot> lock_next_holder_lots(mysql_connection& db, const std::string& holder, std::uint64_t after_holder, std::uint64_t after_lot,
                                                int limit, bool this_holder_only) {
    const auto column = holder_column(holder);
    // Two index ranges rather than a row comparison (which the optimizer does not turn into one):
    // the rest of the cursor's holder, then the holders after it. The holder's index is (holder,
    // state) and then the primary key, so with the state fixed each range comes ordered by
    // (holder, id) and the LIMIT stops the read; named, because a plan that sorts every lot after
    // the cursor makes each chunk cost the whole rest of the pool (measured: 77 ms a chunk at
    // 200,000 lots, growing with them).
    const std::string index = holder == "consumer" ? "ix_alliance_lots_user" : "ix_alliance_lots_merchant";
    const std::string select_part = "SELECT id, " + column + ", cp - reversed_cp, released_fen FROM alliance_lots FORCE INDEX (" + index +
                                    ") WHERE state = 'vested' AND holder = ? AND ";
    std::vector<dividend_lot> out;
    auto read = [&](statement& s) {
        rows rs(s->executeQuery());
        while (rs->next()) out.push_back({rs->getUInt64(1), rs->getUInt64(2), rs->getInt64(3), rs->getInt64(4)});
    };
    if (after_holder > 0) {
        statement same(db.prepare(select_part + column + " = ? AND id > ? AND cp > reversed_cp ORDER BY id LIMIT ? FOR UPDATE"));
        same->setString(1, holder);
        same->setUInt64(2, after_holder);
        same->setUInt64(3, after_lot);
        same->setInt(4, limit);
        read(same);
    }
    if (!this_holder_only && static_cast<int>(out.size()) < limit) {
        statement next(db.prepare(select_part + column + " > ? AND cp > reversed_cp ORDER BY " + column + ", id LIMIT ? FOR UPDATE"));
        next->setString(1, holder);
        next->setUInt64(2, after_holder);
        next->setInt(3, limit - static_cast<int>(out.size()));
        read(next);
    }
    return out;
}

void insert_lot_releases(mysql_connection& db, int number, const std::string& holder, const std::vector<lot_release_row>& releases) {
    for (std::size_t start = 0; start < releases.size(); start += insert_batch) {
        const auto n = std::min(insert_batch, releases.size() - start);
        statement insert(db.prepare("INSERT INTO alliance_lot_releases (dividend_number, lot_id, holder, holder_id, fen) VALUES " +
                                    repeated("(?, ?, ?, ?, ?)", n)));
        unsigned i = 1;
        for (std::size_t k = start; k < start + n; ++k) {
            insert->setUInt(i++, static_cast<unsigned>(number));
            insert->setUInt64(i++, releases[k].lot_id);
            insert->setString(i++, holder);
            insert->setUInt64(i++, releases[k].holder_id);
            insert->setInt64(i++, releases[k].fen);
        }
        insert->executeUpdate();
    }
    if (releases.empty()) return;
    // One join moves every lot released in the chunk (measured faster than CASE arms by primary
    // key, whose cost grows with the arms): the chunk's releases are the dividend's rows in its
    // holders' range but for those of its first holder's lots below the chunk's first lot (an
    // earlier chunk's).
    const auto [low, high] = std::minmax_element(releases.begin(), releases.end(), [](const auto& a, const auto& b) { return a.holder_id < b.holder_id; });
    std::uint64_t first_lot = releases.front().lot_id;
    for (const auto& r : releases)
        if (r.holder_id == low->holder_id) first_lot = std::min(first_lot, r.lot_id);
    statement update(db.prepare(
        "UPDATE alliance_lots l JOIN alliance_lot_releases r ON r.lot_id = l.id SET l.released_fen = l.released_fen + r.fen "
        "WHERE r.dividend_number = ? AND r.holder = ? AND r.holder_id BETWEEN ? AND ? AND (r.holder_id > ? OR r.lot_id >= ?)"));
    update->setUInt(1, static_cast<unsigned>(number));
    update->setString(2, holder);
    update->setUInt64(3, low->holder_id);
    update->setUInt64(4, high->holder_id);
    update->setUInt64(5, low->holder_id);
    update->setUInt64(6, first_lot);
    if (update->executeUpdate() != static_cast<int>(releases.size()))
        throw std::logic_error("alliance dividend " + std::to_string(number) + ": a chunk's releases did not each move one lot");
}

int insert_dividend_credits(mysql_connection& db, int number, const std::string& holder, const std::vector<holder_amount>& credits,
                            time_point expires_at, time_point at) {
    int made = 0;
    const auto column = holder_column(holder);
    const auto expires = format_sql_datetime_utc(expires_at), created = format_sql_datetime_utc(at);
    for (std::size_t start = 0; start < credits.size(); start += insert_batch) {
        const auto n = std::min(insert_batch, credits.size() - start);
        statement insert(db.prepare("INSERT INTO alliance_voucher_credits (holder, " + column +
                                    ", reason, dividend_number, amount_fen, remaining_fen, expires_at, created_at) VALUES " +
                                    repeated("(?, ?, 'dividend', ?, ?, ?, ?, ?)", n) +
                                    " ON DUPLICATE KEY UPDATE amount_fen = amount_fen + VALUES(amount_fen), remaining_fen = remaining_fen + VALUES(remaining_fen)"));
        unsigned i = 1;
        for (std::size_t k = start; k < start + n; ++k) {
            insert->setString(i++, holder);
            insert->setUInt64(i++, credits[k].holder_id);
            insert->setUInt(i++, static_cast<unsigned>(number));
            insert->setInt64(i++, credits[k].fen);
            insert->setInt64(i++, credits[k].fen - credits[k].netted_fen);
            insert->setString(i++, expires);
            insert->setString(i++, created);
        }
        // MariaDB counts 1 a row inserted and 2 a row updated (every update here changes the row).
        made += static_cast<int>(2 * n) - insert->executeUpdate();
    }
    return made;
}

std::vector<voucher_credit> list_consumer_voucher_credits(mysql_connection& db, std::uint64_t user_id, int limit) {
    statement select(db.prepare("SELECT id, reason, dividend_number, amount_fen, remaining_fen, " + sql_micros("expires_at") + ", " +
                                sql_micros("created_at") +
                                " FROM alliance_voucher_credits WHERE holder = 'consumer' AND user_id = ? AND remaining_fen > 0 "
                                "ORDER BY expires_at, id LIMIT ?"));
    select->setUInt64(1, user_id);
    select->setInt(2, limit);
    rows rs(select->executeQuery());
    std::vector<voucher_credit> out;
    while (rs->next()) {
        voucher_credit c;
        c.id = rs->getUInt64(1);
        c.reason = rs->getString(2);
        if (!rs->isNull(3)) c.dividend_number = static_cast<int>(rs->getUInt(3));
        c.amount_fen = rs->getInt64(4);
        c.remaining_fen = rs->getInt64(5);
        c.expires_at = from_micros(rs->getInt64(6));
        c.created_at = from_micros(rs->getInt64(7));
        out.push_back(std::move(c));
    }
    return out;
}

std::vector<order_lot> lock_order_lots(mysql_connection& db, std::uint64_t order_id) {
    statement select(db.prepare("SELECT id, holder, COALESCE(user_id, merchant_id), released_fen FROM alliance_lots WHERE order_id = ? ORDER BY id FOR UPDATE"));
    select->setUInt64(1, order_id);
    rows rs(select->executeQuery());
    std::vector<order_lot> out;
    while (rs->next()) out.push_back({rs->getUInt64(1), rs->getString(2), rs->getUInt64(3), rs->getInt64(4)});
    return out;
}

void claw_back_lot_release(mysql_connection& db, std::uint64_t lot_id, std::int64_t fen) {
    statement update(db.prepare("UPDATE alliance_lots SET released_fen = released_fen - ?, clawed_fen = clawed_fen + ? WHERE id = ? AND released_fen >= ?"));
    update->setInt64(1, fen);
    update->setInt64(2, fen);
    update->setUInt64(3, lot_id);
    update->setInt64(4, fen);
    if (update->executeUpdate() != 1) throw std::logic_error("alliance lot " + std::to_string(lot_id) + ": clawback above its release");
}

std::int64_t take_back_dividend_vouchers(mysql_connection& db, const std::string& holder, std::uint64_t holder_id, std::int64_t fen) {
    const auto column = holder_column(holder);
    statement select(db.prepare("SELECT id, remaining_fen FROM alliance_voucher_credits WHERE holder = ? AND " + column +
                                " = ? AND reason = 'dividend' AND remaining_fen > 0 ORDER BY expires_at, id FOR UPDATE"));
    select->setString(1, holder);
    select->setUInt64(2, holder_id);
    rows rs(select->executeQuery());
    std::int64_t taken = 0;
    std::vector<std::pair<std::uint64_t, std::int64_t>> takes;
    while (taken < fen && rs->next()) {
        const auto part = std::min(fen - taken, rs->getInt64(2));
        takes.emplace_back(rs->getUInt64(1), part);
        taken += part;
    }
    statement update(db.prepare("UPDATE alliance_voucher_credits SET remaining_fen = remaining_fen - ?, taken_back_fen = taken_back_fen + ? WHERE id = ?"));
    for (const auto& [id, part] : takes) {
        update->setInt64(1, part);
        update->setInt64(2, part);
        update->setUInt64(3, id);
        update->executeUpdate();
    }
    return taken;
}

}  // namespace sharedstore

#include "server/services/alliance_settlement.hpp"

#include "server/domain/calendar.hpp"
#include "server/domain/ledger.hpp"
#include "server/services/merchant_service.hpp"
#include "server/storage/alliance_repository.hpp"
#include "server/storage/ledger_repository.hpp"

#include <stdexcept>

namespace sharedstore {

std::chrono::minutes statement_utc_offset() {
    const auto offset = utc_offset_of("Asia/Shanghai");
    if (!offset) throw std::logic_error("Asia/Shanghai has no offset");
    return *offset;
}

boost::asio::awaitable<statements_issued> issue_alliance_statements(mysql_pool& database, const statement_period& period,
                                                                    std::chrono::system_clock::time_point now, bool again) {
    statements_issued out{.period = period.label};
    if (!again) {
        auto marked = [label = period.label](mysql_connection& db) { return statement_period_issued(db, label); };
        if (co_await database.run(std::move(marked))) {
            out.skipped = true;
            co_return out;
        }
    }
    auto read = [start = period.start, end = period.end](mysql_connection& db) { return month_movements(db, start, end); };
    const auto movements = co_await database.run(std::move(read));
    for (const auto& entry : movements) {
        // One transaction a store: a run cut short issues the rest next time, none twice.
        auto write = [merchant = entry.first, amounts = entry.second, period, now](mysql_connection& db) {
            return insert_statement(db, merchant, period, amounts, now);
        };
        if (co_await database.transaction(std::move(write))) ++out.issued;
        else ++out.existing;
    }
    // Only after every store's: a run cut short leaves the month unmarked, and the next reads it again.
    auto mark = [label = period.label, now](mysql_connection& db) { mark_statement_period_issued(db, label, now); };
    co_await database.run(std::move(mark));
    co_return out;
}

boost::asio::awaitable<service_result<statements_issued>> alliance_settlement_service::issue(std::uint64_t caller, std::string label) {
    const auto now = clock_.now();
    auto check = [=](mysql_connection& db) { return is_platform_operator(db, caller); };
    if (!co_await database_.run(std::move(check))) co_return failure(service_failure::not_platform_operator);
    const auto period = parse_statement_period(label, statement_utc_offset());
    if (!period) co_return failure(service_failure::statement_period_invalid);
    if (period->end + statement_grace > now) co_return failure(service_failure::statement_period_open);
    co_return co_await issue_alliance_statements(database_, *period, now, true);
}

boost::asio::awaitable<service_result<std::vector<alliance_statement>>> alliance_settlement_service::list(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                                        std::string period, std::string state,
                                                                                                        std::uint64_t before, int limit) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<alliance_statement>> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        return list_statements(db, merchant_id, period, state, before, limit);
    };
    co_return co_await database_.run(std::move(read));
}

boost::asio::awaitable<service_result<std::pair<alliance_statement, bool>>> alliance_settlement_service::settle(std::uint64_t caller, std::uint64_t id,
                                                                                                              std::string reference) {
    const auto now = clock_.now();
    auto write = [=](mysql_connection& db) -> service_result<std::pair<alliance_statement, bool>> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        auto s = find_statement(db, id, true);
        if (!s) return failure(service_failure::statement_not_found);
        // The same transfer again (a retry) answers it; another one for a settled statement is refused.
        if (s->state == "settled") {
            if (s->transfer_reference == reference) return std::pair{std::move(*s), false};
            return failure(service_failure::statement_settled);
        }
        post_ledger_transaction(db, ledger_posting{.merchant_id = s->merchant_id,
                                                   .kind = "alliance_settlement",
                                                   .reference = "statement:" + std::to_string(id),
                                                   .actor_user_id = caller,
                                                   .entries = statement_settled_entries(s->amounts),
                                                   .booked_at = format_sql_datetime_utc(now)});
        mark_statement_settled(db, id, reference, caller, now);
        auto settled = find_statement(db, id, false);
        if (!settled) throw std::logic_error("statement vanished inside its transaction");
        return std::pair{std::move(*settled), true};
    };
    co_return co_await database_.transaction(std::move(write));
}

boost::asio::awaitable<service_result<std::vector<alliance_statement>>> alliance_settlement_service::store_statements(std::uint64_t caller,
                                                                                                                    std::uint64_t merchant_id,
                                                                                                                    std::uint64_t before, int limit) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<alliance_statement>> {
        if (auto denied = check_store_access(db, merchant_id, caller, {})) return *denied;
        return list_statements(db, merchant_id, "", "", before, limit);
    };
    co_return co_await database_.run(std::move(read));
}

}  // namespace sharedstore

#pragma once
// Settling with promoters and centres (docs/promoters-and-centres.md "Settlement"): a statement per
// payee and closed Asia/Shanghai month of its share of the platform net settled that month (late
// refunds as negative lines), the promoter's assist fees, and what earlier months carried; never
// paid below zero (the rest carried on). Issued by the issue-share-statements job or an operator;
// exported as CSV or PDF; marked paid by an operator with the bank transfer's reference (a ledger
// entry). A promoter and a centre's contact read their own.
#include "common/clock.hpp"
#include "common/mysql_pool.hpp"
#include "server/domain/alliance_settlement.hpp"
#include "server/services/service_error.hpp"
#include "server/storage/share_statement_repository.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

struct share_statements_issued {
    std::string period;
    int issued = 0;
    int existing = 0;
    int out_of_order = 0;  // payees with a later month's statement already: not issued (their carry runs month by month)
    bool skipped = false;  // the month was issued completely before: not read again
};

// A month's statements: every payee with lines that month (a payee with its statement keeps it),
// then the month is marked. `again`: read it even when marked (an operator's request).
boost::asio::awaitable<share_statements_issued> issue_share_statements(mysql_pool& database, const statement_period& period,
                                                                       std::chrono::system_clock::time_point now, bool again);

struct share_statement_detail {
    share_statement statement;
    statement_breakdown breakdown;
};

struct statement_file {
    std::string content_type, filename, body;
};

class share_settlement_service {
public:
    explicit share_settlement_service(mysql_pool& database, const wall_clock& clock = system_clock_instance()) : database_(database), clock_(clock) {}

    // Operators.
    boost::asio::awaitable<service_result<share_statements_issued>> issue(std::uint64_t caller, std::string period);
    boost::asio::awaitable<service_result<std::vector<share_statement>>> list(std::uint64_t caller, payee_ref payee, std::string period, std::string state,
                                                                             std::uint64_t before, int limit);
    // The statement, and whether this call marked it paid (false: the same transfer again).
    boost::asio::awaitable<service_result<std::pair<share_statement, bool>>> pay(std::uint64_t caller, std::uint64_t id, std::string payment_reference,
                                                                                std::string invoice_number);

    // `platform`: an operator's read (anyone else 403); else the payee's own (the promoter, the
    // centre's contact): someone else's statement is not found.
    enum class reader { platform, payee };
    boost::asio::awaitable<service_result<share_statement_detail>> detail(std::uint64_t caller, std::uint64_t id, reader as);
    // `format`: "csv" or "pdf".
    boost::asio::awaitable<service_result<statement_file>> export_statement(std::uint64_t caller, std::uint64_t id, std::string format, reader as);

    // The caller's own: as a promoter and as a centre's contact.
    boost::asio::awaitable<service_result<std::vector<share_statement>>> mine(std::uint64_t caller, std::uint64_t before, int limit);

private:
    mysql_pool& database_;
    const wall_clock& clock_;
};

}  // namespace sharedstore

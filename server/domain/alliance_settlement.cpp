#include "server/domain/alliance_settlement.hpp"

#include <cstdlib>

namespace sharedstore {

namespace {

using k = account_kind;
using namespace std::chrono;

// A signed amount moves from `credit` to `debit`; a negative one the other way.
void add(std::vector<ledger_entry>& out, account_ref debit, account_ref credit, std::int64_t amount) {
    if (amount > 0) out.push_back({debit, credit, amount});
    else if (amount < 0) out.push_back({credit, debit, -amount});
}

statement_period month_of(year_month ym, minutes offset) {
    const auto next = ym + months{1};
    statement_period p;
    p.start = sys_days{ym / 1} - offset;
    p.end = sys_days{next / 1} - offset;
    const auto y = static_cast<int>(ym.year());
    const auto m = static_cast<unsigned>(ym.month());
    p.label = std::to_string(y) + (m < 10 ? "-0" : "-") + std::to_string(m);
    return p;
}

}  // namespace

std::optional<statement_period> parse_statement_period(std::string_view label, minutes offset) {
    if (label.size() != 7 || label[4] != '-') return std::nullopt;
    for (std::size_t i = 0; i < label.size(); ++i)
        if (i != 4 && (label[i] < '0' || label[i] > '9')) return std::nullopt;
    const int y = std::atoi(std::string(label.substr(0, 4)).c_str());
    const unsigned m = static_cast<unsigned>(std::atoi(std::string(label.substr(5, 2)).c_str()));
    if (y < 2000 || m < 1 || m > 12) return std::nullopt;
    return month_of(year{y} / month{m}, offset);
}

statement_period last_closed_period(system_clock::time_point now, minutes offset, seconds grace) {
    // The local month of (now - grace) is still open; the one before it is closed.
    const auto local = floor<days>(now - grace + offset);
    const year_month_day ymd{local};
    return month_of(year_month{ymd.year(), ymd.month()} - months{1}, offset);
}

std::vector<statement_period> periods_between(system_clock::time_point from, const statement_period& last, minutes offset) {
    std::vector<statement_period> out;
    const year_month_day first{floor<days>(from + offset)};
    for (auto ym = year_month{first.year(), first.month()}; ; ym += months{1}) {
        auto p = month_of(ym, offset);
        if (p.start > last.start) break;
        out.push_back(std::move(p));
    }
    return out;
}

std::vector<statement_period> closed_periods(system_clock::time_point now, minutes offset, seconds grace, int count) {
    const year_month_day ymd{floor<days>(now - grace + offset)};
    const year_month open{ymd.year(), ymd.month()};
    std::vector<statement_period> out;
    for (int back = count; back >= 1; --back) out.push_back(month_of(open - months{back}, offset));
    return out;
}

std::vector<ledger_entry> statement_settled_entries(const statement_amounts& a) {
    std::vector<ledger_entry> out;
    add(out, {k::concession_payable, 0}, {k::alliance_settlement_cash, 0}, a.concession_fen);
    add(out, {k::platform_settlement_cash, 0}, {k::concession_receivable, 0}, a.concession_fen);
    add(out, {k::supply_payable, 0}, {k::alliance_settlement_cash, 0}, a.supply_fen);
    add(out, {k::platform_settlement_cash, 0}, {k::supply_receivable, 0}, a.supply_fen);
    add(out, {k::alliance_settlement_cash, 0}, {k::voucher_reimbursement_receivable, 0}, a.reimbursement_fen);
    add(out, {k::voucher_reimbursement_payable, 0}, {k::platform_settlement_cash, 0}, a.reimbursement_fen);
    return out;
}

}  // namespace sharedstore

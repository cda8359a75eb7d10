// Settling with member stores (server/domain/alliance_settlement.hpp; docs/alliance.md
// "Settlement"): a statement's month in Asia/Shanghai, which month is closed, and the books of a
// settlement either way (the store pays the net, or the platform does), negative parts included.
#include "server/domain/alliance_settlement.hpp"

#include "tests/support/ledger_books.hpp"

#include <gtest/gtest.h>

using namespace sharedstore;
using namespace std::chrono;

namespace {

using books = test_support::ledger_books;
using k = account_kind;
constexpr minutes shanghai{8 * 60};
constexpr int S = 5;

sys_seconds utc(int y, unsigned m, unsigned d, int h, int min = 0) { return sys_days{year{y} / month{m} / day{d}} + hours{h} + minutes{min}; }

}  // namespace

TEST(alliance_settlement, a_month_is_its_local_calendar_month_as_utc_instants) {
    const auto p = parse_statement_period("2026-11", shanghai);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->label, "2026-11");
    EXPECT_EQ(p->start, utc(2026, 10, 31, 16)) << "midnight on 1 November in Shanghai";
    EXPECT_EQ(p->end, utc(2026, 11, 30, 16));
    EXPECT_EQ(parse_statement_period("2026-12", shanghai)->end, utc(2026, 12, 31, 16)) << "December ends at the new year";
    for (const auto* bad : {"2026-1", "2026-13", "2026-00", " 2026-11", "2026/11", "abcd-ef", "1999-12"})
        EXPECT_FALSE(parse_statement_period(bad, shanghai)) << bad;
}

TEST(alliance_settlement, the_last_closed_month_waits_an_hour_after_its_end) {
    const seconds grace{3600};
    // 1 December 00:30 in Shanghai: November ended half an hour ago, so October is the last closed.
    EXPECT_EQ(last_closed_period(utc(2026, 11, 30, 16, 30), shanghai, grace).label, "2026-10");
    // 01:00 and after: November.
    EXPECT_EQ(last_closed_period(utc(2026, 11, 30, 17), shanghai, grace).label, "2026-11");
    EXPECT_EQ(last_closed_period(utc(2026, 12, 20, 4), shanghai, grace).label, "2026-11");
    // January looks back into the year before.
    EXPECT_EQ(last_closed_period(utc(2027, 1, 15, 4), shanghai, grace).label, "2026-12");
}

TEST(alliance_settlement, the_job_looks_back_over_the_last_closed_months_oldest_first) {
    const auto months = closed_periods(utc(2027, 2, 10, 4), shanghai, seconds{3600}, 3);
    ASSERT_EQ(months.size(), 3u);
    EXPECT_EQ(months[0].label, "2026-11");
    EXPECT_EQ(months[1].label, "2026-12");
    EXPECT_EQ(months[2].label, "2027-01");
    EXPECT_EQ(months[2].label, last_closed_period(utc(2027, 2, 10, 4), shanghai, seconds{3600}).label);
}

TEST(alliance_settlement, an_operators_issue_catches_up_from_the_first_month_with_lines) {
    const auto nov = *parse_statement_period("2026-11", shanghai);
    // 2026-08-31 17:00 UTC is September 1st in Beijing: September, October, November.
    auto months = periods_between(utc(2026, 8, 31, 17), nov, shanghai);
    ASSERT_EQ(months.size(), 3u);
    EXPECT_EQ(months[0].label, "2026-09");
    EXPECT_EQ(months[2].label, "2026-11");
    EXPECT_EQ(periods_between(utc(2026, 11, 30, 15), nov, shanghai).size(), 1u) << "November itself";
    EXPECT_TRUE(periods_between(utc(2026, 12, 2, 4), nov, shanghai).empty()) << "lines only after it";
    EXPECT_EQ(periods_between(utc(2025, 12, 5, 4), nov, shanghai).size(), 12u) << "across a year";
}

TEST(alliance_settlement, a_settlement_clears_both_books_and_moves_the_net_either_way) {
    books b;
    // The month: the store owes 20,000 of concessions and 9,000 for supply; the fund owes it 1,500.
    b.post(S, {{{k::concession_expense, 0}, {k::concession_payable, 0}, 20000}});
    b.post(S, {{{k::concession_receivable, 0}, {k::concession_revenue, 0}, 20000}});
    b.post(S, {{{k::supply_purchases, 0}, {k::supply_payable, 0}, 9000}});
    b.post(S, {{{k::supply_receivable, 0}, {k::supply_revenue, 0}, 9000}});
    b.post(S, {{{k::voucher_reimbursement_receivable, 0}, {k::sales, 0}, 1500}});
    b.post(S, {{{k::alliance_fund_reserved, 0}, {k::voucher_reimbursement_payable, 0}, 1500}});
    const statement_amounts month{20000, 9000, 1500};
    EXPECT_EQ(month.net_fen(), 27500);
    b.post(S, statement_settled_entries(month));
    for (auto kind : {k::concession_payable, k::supply_payable, k::voucher_reimbursement_receivable})
        EXPECT_EQ(b.at(S, kind), 0) << to_string(kind);
    for (auto kind : {k::concession_receivable, k::supply_receivable, k::voucher_reimbursement_payable}) EXPECT_EQ(b.at(0, kind), 0) << to_string(kind);
    EXPECT_EQ(b.at(S, k::alliance_settlement_cash), -27500) << "the store paid the net";
    EXPECT_EQ(b.at(0, k::platform_settlement_cash), 27500);

    // The next month a refund gives back 3,000 of concession and the store took 4,000 of vouchers:
    // negative concession, the platform pays 7,000.
    b.post(S, {{{k::concession_payable, 0}, {k::concession_expense, 0}, 3000}});
    b.post(S, {{{k::concession_revenue, 0}, {k::concession_receivable, 0}, 3000}});
    b.post(S, {{{k::voucher_reimbursement_receivable, 0}, {k::sales, 0}, 4000}});
    b.post(S, {{{k::alliance_fund_reserved, 0}, {k::voucher_reimbursement_payable, 0}, 4000}});
    const statement_amounts next{-3000, 0, 4000};
    EXPECT_EQ(next.net_fen(), -7000);
    b.post(S, statement_settled_entries(next));
    EXPECT_EQ(b.at(S, k::concession_payable), 0);
    EXPECT_EQ(b.at(0, k::concession_receivable), 0);
    EXPECT_EQ(b.at(S, k::voucher_reimbursement_receivable), 0);
    EXPECT_EQ(b.at(S, k::alliance_settlement_cash), -27500 + 7000);
    EXPECT_EQ(b.at(0, k::platform_settlement_cash), 27500 - 7000);
    EXPECT_TRUE(statement_settled_entries({}).empty());
    EXPECT_TRUE(statement_amounts{}.empty());
}

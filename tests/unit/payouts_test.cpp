// The payout rules (server/domain/payouts.hpp, docs/payouts.md): settlement eligibility, clawback
// netting, withdrawal limits, and every move of a payout's state machine, allowed or forbidden.
#include "server/domain/ledger.hpp"
#include "server/domain/payouts.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <random>
#include <set>

using namespace sharedstore;

namespace {

using namespace std::chrono_literals;
const auto t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));

TEST(payouts, a_dividend_settles_once_its_delay_has_passed_and_something_is_left) {
    EXPECT_FALSE(dividend_settles(t0, 500, 0, t0 - 1s));
    EXPECT_TRUE(dividend_settles(t0, 500, 0, t0));
    EXPECT_TRUE(dividend_settles(t0, 500, 499, t0 + 1s)) << "one fen left settles";
    EXPECT_FALSE(dividend_settles(t0, 500, 500, t0 + 1s)) << "a wholly reversed dividend settles nothing";
    EXPECT_FALSE(dividend_settles(t0, 0, 0, t0 + 1s));
}

TEST(payouts, arriving_money_pays_the_debt_first) {
    EXPECT_EQ(net_against_debt(1000, 0).to_withdrawable_fen, 1000);
    EXPECT_EQ(net_against_debt(1000, 300).to_debt_fen, 300);
    EXPECT_EQ(net_against_debt(1000, 300).to_withdrawable_fen, 700);
    EXPECT_EQ(net_against_debt(200, 300).to_debt_fen, 200) << "a debt larger than the money takes it all";
    EXPECT_EQ(net_against_debt(200, 300).to_withdrawable_fen, 0);
    EXPECT_EQ(net_against_debt(0, 300).to_debt_fen, 0);
}

TEST(payouts, a_settled_reversal_takes_the_withdrawable_balance_then_becomes_debt) {
    EXPECT_EQ(split_settled_reversal(400, 1000).from_withdrawable_fen, 400);
    EXPECT_EQ(split_settled_reversal(400, 1000).to_debt_fen, 0);
    EXPECT_EQ(split_settled_reversal(400, 150).from_withdrawable_fen, 150);
    EXPECT_EQ(split_settled_reversal(400, 150).to_debt_fen, 250) << "already withdrawn: the rest is owed, never a negative transfer";
    EXPECT_EQ(split_settled_reversal(400, 0).to_debt_fen, 400);
    EXPECT_EQ(split_settled_reversal(400, -5).to_debt_fen, 400) << "a balance is never read below zero";
}

TEST(payouts, netting_and_splitting_never_create_or_lose_a_fen) {
    std::mt19937_64 random(7);
    std::uniform_int_distribution<std::int64_t> fen(0, 1'000'000);
    for (int i = 0; i < 10'000; ++i) {
        const auto a = fen(random), b = fen(random);
        const auto n = net_against_debt(a, b);
        ASSERT_EQ(n.to_debt_fen + n.to_withdrawable_fen, a);
        ASSERT_LE(n.to_debt_fen, b);
        ASSERT_GE(n.to_withdrawable_fen, 0);
        const auto s = split_settled_reversal(a, b);
        ASSERT_EQ(s.from_withdrawable_fen + s.to_debt_fen, a);
        ASSERT_LE(s.from_withdrawable_fen, b);
    }
}

const payout_limits limits{.min_fen = 100, .max_fen = 50'000, .daily_max_fen = 80'000, .max_pending = 2, .approval_above_fen = 30'000};

TEST(payouts, a_withdrawal_inside_every_limit_is_allowed) {
    const withdrawal_context ok{.withdrawable_fen = 60'000, .withdrawn_today_fen = 0, .pending = 0, .has_real_name = false};
    EXPECT_TRUE(withdrawal_refusals(100, limits, ok).empty());
    EXPECT_TRUE(withdrawal_refusals(50'000, limits, ok).empty());
}

TEST(payouts, every_broken_limit_is_named_at_once) {
    const withdrawal_context busy{.withdrawable_fen = 10, .withdrawn_today_fen = 70'000, .pending = 2, .has_real_name = false};
    const auto refusals = withdrawal_refusals(60'000, limits, busy);
    const std::vector<withdrawal_refusal> expected{withdrawal_refusal::above_maximum, withdrawal_refusal::daily_maximum,
                                                   withdrawal_refusal::too_many_pending, withdrawal_refusal::insufficient_balance};
    EXPECT_EQ(refusals, expected);
}

TEST(payouts, the_limits_at_their_edges) {
    const withdrawal_context c{.withdrawable_fen = 1'000'000, .withdrawn_today_fen = 30'000, .pending = 1, .has_real_name = false};
    EXPECT_EQ(withdrawal_refusals(99, limits, c), std::vector{withdrawal_refusal::below_minimum});
    EXPECT_EQ(withdrawal_refusals(50'001, limits, c), (std::vector{withdrawal_refusal::above_maximum, withdrawal_refusal::daily_maximum}));
    EXPECT_TRUE(withdrawal_refusals(50'000, limits, c).empty()) << "30,000 + 50,000 reaches the daily 80,000 exactly";
    auto loose = limits;
    loose.min_fen = 1;
    EXPECT_EQ(withdrawal_refusals(9, loose, c), std::vector{withdrawal_refusal::below_minimum}) << "WeChat Pay's 10 fen floor holds whatever the store sets";
    EXPECT_TRUE(withdrawal_refusals(10, loose, c).empty());
}

TEST(payouts, from_two_thousand_yuan_a_real_name_is_needed) {
    const payout_limits big{.min_fen = 10, .max_fen = 1'000'000, .daily_max_fen = 1'000'000, .max_pending = 3, .approval_above_fen = std::nullopt};
    withdrawal_context c{.withdrawable_fen = 1'000'000, .withdrawn_today_fen = 0, .pending = 0, .has_real_name = false};
    EXPECT_TRUE(withdrawal_refusals(199'999, big, c).empty());
    EXPECT_EQ(withdrawal_refusals(200'000, big, c), std::vector{withdrawal_refusal::real_name_required});
    c.has_real_name = true;
    EXPECT_TRUE(withdrawal_refusals(200'000, big, c).empty());
}

TEST(payouts, approval_is_needed_only_above_the_stores_amount) {
    EXPECT_FALSE(needs_approval(30'000, limits));
    EXPECT_TRUE(needs_approval(30'001, limits));
    auto none = limits;
    none.approval_above_fen.reset();
    EXPECT_FALSE(needs_approval(10'000'000, none));
}

const std::vector<payout_state> all_states{payout_state::awaiting_approval, payout_state::creating,  payout_state::wait_user_confirm,
                                           payout_state::transferring,      payout_state::cancelling, payout_state::succeeded,
                                           payout_state::failed,            payout_state::cancelled,  payout_state::rejected};

TEST(payouts, the_state_machine_allows_exactly_these_moves) {
    using enum payout_state;
    const std::set<std::pair<payout_state, payout_state>> allowed{
        {awaiting_approval, creating},   {awaiting_approval, rejected},  {awaiting_approval, cancelled},
        {creating, wait_user_confirm},   {creating, transferring},       {creating, cancelling},
        {creating, succeeded},           {creating, failed},             {creating, cancelled},
        {wait_user_confirm, transferring}, {wait_user_confirm, cancelling}, {wait_user_confirm, succeeded},
        {wait_user_confirm, failed},     {wait_user_confirm, cancelled},
        {cancelling, transferring},      {cancelling, succeeded},        {cancelling, failed},
        {cancelling, cancelled},
        {transferring, succeeded},       {transferring, failed},
    };
    int checked = 0;
    for (auto from : all_states)
        for (auto to : all_states) {
            EXPECT_EQ(payout_may_move(from, to), allowed.contains({from, to})) << to_string(from) << " -> " << to_string(to);
            ++checked;
        }
    EXPECT_EQ(checked, 81);
}

TEST(payouts, a_final_state_never_moves_and_settles_its_money_once) {
    for (auto s : all_states) {
        if (!is_final(s)) continue;
        for (auto to : all_states) EXPECT_FALSE(payout_may_move(s, to)) << to_string(s);
    }
    EXPECT_EQ(settlement_of(payout_state::succeeded), payout_settlement::paid_out);
    for (auto s : {payout_state::failed, payout_state::cancelled, payout_state::rejected}) EXPECT_EQ(settlement_of(s), payout_settlement::returned);
    for (auto s : {payout_state::creating, payout_state::wait_user_confirm, payout_state::transferring, payout_state::cancelling,
                   payout_state::awaiting_approval})
        EXPECT_EQ(settlement_of(s), payout_settlement::none);
}

TEST(payouts, states_read_and_write_as_their_words) {
    for (auto s : all_states) EXPECT_EQ(parse_payout_state(to_string(s)), s);
    EXPECT_FALSE(parse_payout_state("SUCCESS"));
    EXPECT_FALSE(parse_payout_state(""));
}

TEST(payouts, wechat_pays_states_map_to_ours) {
    EXPECT_EQ(payout_state_of_wechat("ACCEPTED"), payout_state::creating);
    EXPECT_EQ(payout_state_of_wechat("PROCESSING"), payout_state::creating);
    EXPECT_EQ(payout_state_of_wechat("WAIT_USER_CONFIRM"), payout_state::wait_user_confirm);
    EXPECT_EQ(payout_state_of_wechat("TRANSFERING"), payout_state::transferring);
    EXPECT_EQ(payout_state_of_wechat("CANCELING"), payout_state::cancelling);
    EXPECT_EQ(payout_state_of_wechat("SUCCESS"), payout_state::succeeded);
    EXPECT_EQ(payout_state_of_wechat("FAIL"), payout_state::failed);
    EXPECT_EQ(payout_state_of_wechat("CANCELLED"), payout_state::cancelled);
    EXPECT_FALSE(payout_state_of_wechat("TRANSFERRING")) << "WeChat's own spelling only";
    EXPECT_FALSE(payout_state_of_wechat("success"));
}

TEST(payouts, the_ledger_entries_of_a_payout_balance_and_keep_to_their_accounts) {
    for (const auto& entries : {settlement_entries(7, 900, 100), settled_reversal_entries(7, 50, 25), withdrawal_entries(7, 500),
                                payout_success_entries(7, 500), payout_return_entries(7, 400, 100)})
        EXPECT_FALSE(check_entries(entries)) << *check_entries(entries);
    EXPECT_TRUE(settlement_entries(7, 0, 0).empty());
    EXPECT_EQ(settlement_entries(7, 900, 0).size(), 1u);
    const auto success = payout_success_entries(7, 500);
    EXPECT_EQ(success[0].debit.kind, account_kind::payout_in_flight);
    EXPECT_EQ(success[0].credit.kind, account_kind::wechat_pay_clearing);
    const auto back = payout_return_entries(7, 400, 100);
    EXPECT_EQ(back[1].credit.kind, account_kind::clawback_receivable);
}

}  // namespace

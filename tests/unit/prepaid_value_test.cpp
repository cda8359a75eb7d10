#include "server/domain/prepaid_value.hpp"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <string>

using namespace sharedstore;

namespace {

std::string utf8_times(const char* piece, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += piece;
    return s;
}

}  // namespace

TEST(prepaid_topup_package, edges_pass_and_every_problem_code) {
    EXPECT_TRUE(validate_topup_package({"充300送100", 300'000, 100'000}).empty());
    EXPECT_TRUE(validate_topup_package({"min", 100, 0}).empty());
    EXPECT_TRUE(validate_topup_package({"max", 500'000, 500'000}).empty()) << "bonus up to the pay";
    EXPECT_TRUE(validate_topup_package({utf8_times("储", 32), 1'000, 0}).empty()) << "32 Chinese characters are 96 bytes";
    struct row {
        topup_package_terms terms;
        const char* field;
        const char* code;
    };
    const row rows[] = {
        {{"", 1'000, 0}, "name", "name_length"},
        {{std::string(33, 'x'), 1'000, 0}, "name", "name_length"},
        {{utf8_times("储", 33), 1'000, 0}, "name", "name_length"},
        {{"p", 99, 0}, "pay_fen", "pay_out_of_range"},
        {{"p", 0, 0}, "pay_fen", "pay_out_of_range"},
        {{"p", 500'001, 0}, "pay_fen", "pay_out_of_range"},  // a named prepaid card above 5000 yuan
        {{"p", 1'000, -1}, "bonus_fen", "bonus_out_of_range"},
        {{"p", 1'000, 1'001}, "bonus_fen", "bonus_out_of_range"},
    };
    for (const auto& r : rows) {
        const auto problems = validate_topup_package(r.terms);
        ASSERT_EQ(problems.size(), 1u) << r.code;
        EXPECT_EQ(problems[0].field, r.field) << r.code;
        EXPECT_EQ(problems[0].code, r.code);
    }
    EXPECT_EQ(validate_topup_package({"", 600'000, -1}).size(), 3u) << "every problem at once";
}

// docs/business-rules.md section 4 (worked numbers): pay 300000, bonus 100000; 359400 spent; the unused balance refunded.
TEST(prepaid_example, the_research_notes_refund_of_30450) {
    const prepaid_buckets topped_up{300'000, 100'000};
    const auto draw = draw_prepaid(topped_up, 359'400);
    ASSERT_TRUE(draw);
    EXPECT_EQ(draw->principal_fen, 269'550);
    EXPECT_EQ(draw->bonus_fen, 89'850);
    const prepaid_buckets left{topped_up.principal_fen - draw->principal_fen, topped_up.bonus_fen - draw->bonus_fen};
    EXPECT_EQ(left.principal_fen, 30'450) << "the refund: remaining principal only";
    EXPECT_EQ(left.bonus_fen, 10'150);
    EXPECT_EQ(bonus_forfeited(left, left.principal_fen), 10'150) << "the bonus goes with the last of the principal";
}

TEST(prepaid_draw, proportional_floor_of_the_principal) {
    struct row {
        prepaid_buckets buckets;
        std::int64_t spend;
        std::optional<std::pair<std::int64_t, std::int64_t>> draw;
    };
    const row rows[] = {
        {{300'000, 100'000}, 400'000, {{300'000, 100'000}}},  // everything
        {{300'000, 100'000}, 1, {{0, 1}}},                    // floor(0.75): the fen comes from the bonus
        {{300'000, 100'000}, 4, {{3, 1}}},
        {{300'000, 100'000}, 7, {{5, 2}}},                    // floor(5.25)
        {{30'450, 10'150}, 40'600, {{30'450, 10'150}}},
        {{1'000, 0}, 999, {{999, 0}}},                        // no bonus: all principal
        {{0, 500}, 500, {{0, 500}}},                          // only bonus left
        {{300'000, 100'000}, 400'001, std::nullopt},          // more than the buckets hold
        {{300'000, 100'000}, 0, std::nullopt},
        {{300'000, 100'000}, -1, std::nullopt},
        {{0, 0}, 1, std::nullopt},
    };
    for (const auto& r : rows) {
        const auto d = draw_prepaid(r.buckets, r.spend);
        ASSERT_EQ(d.has_value(), r.draw.has_value()) << r.spend;
        if (!d) continue;
        EXPECT_EQ(d->principal_fen, r.draw->first) << r.spend;
        EXPECT_EQ(d->bonus_fen, r.draw->second) << r.spend;
    }
}

// Many spends in a row: each draw sums to its spend, never takes more than a bucket holds, and
// spending the whole balance empties both buckets.
TEST(prepaid_draw, property_draws_stay_inside_the_buckets) {
    std::mt19937_64 rng(359400);
    for (int c = 0; c < 2'000; ++c) {
        const auto pay = std::uniform_int_distribution<std::int64_t>(100, 500'000)(rng);
        prepaid_buckets b{pay, std::uniform_int_distribution<std::int64_t>(0, pay)(rng)};
        const auto initial = b;
        std::int64_t principal_drawn = 0, bonus_drawn = 0;
        while (b.total() > 0) {
            const auto spend = std::uniform_int_distribution<std::int64_t>(1, b.total())(rng);
            const auto d = draw_prepaid(b, spend);
            ASSERT_TRUE(d);
            ASSERT_EQ(d->principal_fen + d->bonus_fen, spend);
            ASSERT_GE(d->principal_fen, 0);
            ASSERT_GE(d->bonus_fen, 0);
            ASSERT_LE(d->principal_fen, b.principal_fen) << "case " << c;
            ASSERT_LE(d->bonus_fen, b.bonus_fen) << "case " << c;
            b.principal_fen -= d->principal_fen;
            b.bonus_fen -= d->bonus_fen;
            principal_drawn += d->principal_fen;
            bonus_drawn += d->bonus_fen;
        }
        ASSERT_EQ(principal_drawn, initial.principal_fen);
        ASSERT_EQ(bonus_drawn, initial.bonus_fen);
    }
}

TEST(prepaid_refund_split, a_refund_puts_back_what_it_refunds) {
    struct row {
        const char* name;
        prepaid_draw drawn;
        std::int64_t amount, before, refund;
        std::int64_t principal, bonus;
    };
    const row rows[] = {
        {"full refund", {269'550, 89'850}, 359'400, 0, 359'400, 269'550, 89'850},
        {"half", {269'550, 89'850}, 359'400, 0, 179'700, 134'775, 44'925},
        {"the other half", {269'550, 89'850}, 359'400, 179'700, 179'700, 134'775, 44'925},
        // 333 of a 750 + 250 order: principal floor(249.75) = 249, the other 84 fen are bonus, all
        // 333 go back to the wallet (not 249 + 83).
        {"a third, floored", {750, 250}, 1'000, 0, 333, 249, 84},
        {"the next third", {750, 250}, 1'000, 333, 333, 250, 83},
        {"the rest", {750, 250}, 1'000, 666, 334, 251, 83},
        {"1 fen of a 3 + 1 order", {3, 1}, 4, 0, 1, 0, 1},
        {"all principal", {1'000, 0}, 1'000, 0, 10, 10, 0},
        {"all bonus", {0, 1'000}, 1'000, 0, 10, 0, 10},
    };
    for (const auto& r : rows) {
        const auto back = prepaid_refund_split(r.drawn, r.amount, r.before, r.refund);
        EXPECT_EQ(back.principal_fen, r.principal) << r.name;
        EXPECT_EQ(back.bonus_fen, r.bonus) << r.name;
    }
    EXPECT_THROW(prepaid_refund_split({750, 250}, 1'000, 900, 101), std::invalid_argument) << "a refund past the order";
    EXPECT_THROW(prepaid_refund_split({0, 0}, 1'000, 0, 0), std::invalid_argument);
    const auto none = prepaid_refund_split({0, 0}, 1'000, 0, 1'000);  // paid by WeChat Pay alone
    EXPECT_EQ(none.principal_fen + none.bonus_fen, 0);
}

// An order paid from the buckets, refunded in random pieces: every refund puts back exactly its
// amount, each part cumulative, and the full refund restores exactly what was drawn.
TEST(prepaid_refund_split, property_partial_refunds_restore_exactly_what_was_drawn) {
    std::mt19937_64 rng(30450);
    for (int c = 0; c < 4'000; ++c) {
        const auto amount = std::uniform_int_distribution<std::int64_t>(1, 900'000)(rng);
        const auto principal = std::uniform_int_distribution<std::int64_t>(0, amount)(rng);
        const prepaid_draw drawn{principal, amount - principal};
        std::int64_t refunded = 0, principal_back = 0, bonus_back = 0;
        const auto pieces = std::uniform_int_distribution<int>(1, 10)(rng);
        for (int k = 0; k < pieces && refunded < amount; ++k) {
            const auto left = amount - refunded;
            const auto refund = k == pieces - 1 ? left : std::uniform_int_distribution<std::int64_t>(1, left)(rng);
            const auto back = prepaid_refund_split(drawn, amount, refunded, refund);
            ASSERT_GE(back.principal_fen, 0) << "case " << c;
            ASSERT_GE(back.bonus_fen, 0) << "case " << c;
            ASSERT_EQ(back.principal_fen + back.bonus_fen, refund) << "case " << c << ": the wallet gets the refund, to the fen";
            principal_back += back.principal_fen;
            bonus_back += back.bonus_fen;
            refunded += refund;
            ASSERT_LE(principal_back, drawn.principal_fen);
            ASSERT_LE(bonus_back, drawn.bonus_fen);
        }
        ASSERT_EQ(principal_back, drawn.principal_fen) << "case " << c;
        ASSERT_EQ(bonus_back, drawn.bonus_fen) << "case " << c;
    }
}

// An order paid partly from the buckets (the rest by WeChat Pay): the wallet's share of each
// refund is proportional and cumulative, and a full refund restores exactly what was drawn.
TEST(prepaid_refund_split, property_mixed_payment_restores_exactly_what_was_drawn) {
    std::mt19937_64 rng(89850);
    for (int c = 0; c < 3'000; ++c) {
        const auto amount = std::uniform_int_distribution<std::int64_t>(1, 900'000)(rng);
        const auto from_wallet = std::uniform_int_distribution<std::int64_t>(0, amount)(rng);
        const auto principal = std::uniform_int_distribution<std::int64_t>(0, from_wallet)(rng);
        const prepaid_draw drawn{principal, from_wallet - principal};
        std::int64_t refunded = 0, principal_back = 0, bonus_back = 0;
        const auto pieces = std::uniform_int_distribution<int>(1, 10)(rng);
        for (int k = 0; k < pieces && refunded < amount; ++k) {
            const auto left = amount - refunded;
            const auto refund = k == pieces - 1 ? left : std::uniform_int_distribution<std::int64_t>(1, left)(rng);
            const auto back = prepaid_refund_split(drawn, amount, refunded, refund);
            ASSERT_GE(back.principal_fen, 0) << "case " << c;
            ASSERT_GE(back.bonus_fen, 0) << "case " << c;
            principal_back += back.principal_fen;
            bonus_back += back.bonus_fen;
            refunded += refund;
            ASSERT_EQ(principal_back + bonus_back, static_cast<std::int64_t>(static_cast<__int128>(from_wallet) * refunded / amount))
                << "case " << c << ": the wallet's cumulative share";
            ASSERT_LE(principal_back, drawn.principal_fen);
            ASSERT_LE(bonus_back, drawn.bonus_fen);
        }
        ASSERT_EQ(principal_back, drawn.principal_fen) << "case " << c;
        ASSERT_EQ(bonus_back, drawn.bonus_fen) << "case " << c;
    }
}

TEST(prepaid_bonus_forfeited, floor_of_the_share_all_at_the_last_fen) {
    struct row {
        prepaid_buckets buckets;
        std::int64_t refund, forfeited;
    };
    const row rows[] = {
        {{30'450, 10'150}, 30'450, 10'150},  // R = P: all of it
        {{30'450, 10'150}, 10'000, 3'333},   // floor(3333.33)
        {{30'450, 10'150}, 1, 0},            // floor(0.33)
        {{30'450, 10'150}, 3, 1},
        {{30'450, 10'150}, 0, 0},
        {{30'450, 0}, 30'450, 0},
        {{0, 500}, 0, 0},
        {{300'000, 100'000}, 150'000, 50'000},
    };
    for (const auto& r : rows)
        EXPECT_EQ(bonus_forfeited(r.buckets, r.refund), r.forfeited) << r.buckets.principal_fen << "/" << r.buckets.bonus_fen << " refund " << r.refund;
}

// The principal refunded in random pieces, each forfeiting its share of what remains: the bonus
// is gone exactly when the principal is.
TEST(prepaid_bonus_forfeited, property_pieces_forfeit_exactly_the_bonus) {
    std::mt19937_64 rng(10150);
    for (int c = 0; c < 3'000; ++c) {
        prepaid_buckets b{std::uniform_int_distribution<std::int64_t>(1, 500'000)(rng), 0};
        b.bonus_fen = std::uniform_int_distribution<std::int64_t>(0, b.principal_fen)(rng);
        const auto bonus = b.bonus_fen;
        std::int64_t forfeited = 0;
        while (b.principal_fen > 0) {
            const auto refund = std::uniform_int_distribution<std::int64_t>(1, b.principal_fen)(rng);
            const auto f = bonus_forfeited(b, refund);
            ASSERT_GE(f, 0);
            ASSERT_LE(f, b.bonus_fen) << "case " << c;
            b.principal_fen -= refund;
            b.bonus_fen -= f;
            forfeited += f;
        }
        ASSERT_EQ(forfeited, bonus) << "case " << c;
        ASSERT_EQ(b.bonus_fen, 0);
    }
}

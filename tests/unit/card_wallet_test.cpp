// The customer's cards, pure: benefit arithmetic (floor, caps, minimum spend), the held card's
// validity and state machine, and the desk's redemption codes.
#include "server/domain/card_offers.hpp"
#include "server/domain/held_cards.hpp"
#include "server/domain/redemption_codes.hpp"
#include "server/domain/rfc3339.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

// Designated initialisers below name only the fields a row is about; the rest keep their defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

using namespace sharedstore;
using namespace std::chrono;

namespace {

system_clock::time_point at(std::string_view text) { return *parse_rfc3339(text); }

card_offer amount_off(std::int64_t fen, std::int64_t min_spend = 0) {
    return card_offer{.kind = offer_kind::amount_off, .amount_off_fen = fen, .min_spend_fen = min_spend};
}
card_offer percent_off(std::int32_t bp, std::optional<std::int64_t> cap = std::nullopt, std::int64_t min_spend = 0) {
    return card_offer{.kind = offer_kind::percent_off, .percent_off_bp = bp, .cap_fen = cap, .min_spend_fen = min_spend};
}
card_offer free_item(std::string item, std::int64_t min_spend = 0) {
    return card_offer{.kind = offer_kind::free_item, .free_item = std::move(item), .min_spend_fen = min_spend};
}

TEST(card_discount_for, table) {
    struct row {
        const char* name;
        card_offer offer;
        std::optional<std::int64_t> bill;
        std::int64_t discount;
        std::optional<std::int64_t> pay;
    };
    const row rows[] = {
        {"20 yuan off a 58 yuan bill", amount_off(2000), 5800, 2000, 3800},
        {"20 yuan off without a bill", amount_off(2000), std::nullopt, 2000, std::nullopt},
        {"never more off than the bill", amount_off(2000), 1500, 1500, 0},
        {"minimum spend reached exactly", amount_off(2000, 10000), 10000, 2000, 8000},
        {"12% of 99.99 yuan floors to 11.99", percent_off(1200), 9999, 1199, 8800},
        {"a percentage below one fen floors to 0", percent_off(100), 99, 0, 99},
        {"the cap stops a percentage", percent_off(5000, 1000), 10000, 1000, 9000},
        {"under the cap the percentage stands", percent_off(5000, 10000), 10000, 5000, 5000},
        {"100% off is the whole bill", percent_off(10000), 4321, 4321, 0},
        {"a free item takes nothing off", free_item("洗车一次"), 3000, 0, 3000},
        {"a free item without a bill", free_item("洗车一次"), std::nullopt, 0, std::nullopt},
        {"a described benefit takes nothing off", card_offer{}, std::nullopt, 0, std::nullopt},
    };
    for (const auto& r : rows) {
        auto result = card_discount_for(r.offer, r.bill);
        ASSERT_TRUE(std::holds_alternative<card_discount>(result)) << r.name;
        EXPECT_EQ(std::get<card_discount>(result).discount_fen, r.discount) << r.name;
        EXPECT_EQ(std::get<card_discount>(result).pay_fen, r.pay) << r.name;
    }
}

TEST(card_discount_for, refusals) {
    EXPECT_EQ(std::get<discount_refusal>(card_discount_for(percent_off(1000), std::nullopt)), discount_refusal::bill_required);
    EXPECT_EQ(std::get<discount_refusal>(card_discount_for(amount_off(500, 3000), std::nullopt)), discount_refusal::bill_required);
    EXPECT_EQ(std::get<discount_refusal>(card_discount_for(amount_off(500, 3000), 2999)), discount_refusal::below_minimum_spend);
    EXPECT_EQ(std::get<discount_refusal>(card_discount_for(free_item("x", 3000), 100)), discount_refusal::below_minimum_spend);
}

TEST(card_discount_for, percentages_of_large_bills_do_not_overflow) {
    auto result = card_discount_for(percent_off(9999), 10'000'000'000LL);
    EXPECT_EQ(std::get<card_discount>(result).discount_fen, 9'999'000'000LL);
}

TEST(profit_after_card_fen, the_discount_comes_out_of_the_margin) {
    const margin_table margins{3000, {{"drinks", 6000}}};
    struct row {
        const char* name;
        std::int64_t paid, discount;
        std::optional<std::int64_t> pos_profit;
        std::string category;
        std::int64_t profit;
    };
    const row rows[] = {
        {"no card: the usual floor(amount x margin)", 10001, 0, std::nullopt, "", 3000},
        {"20 off a 100 bill at 30%: 3000 - 2000", 8000, 2000, std::nullopt, "", 1000},
        {"the category's margin before the store's", 8000, 2000, std::nullopt, "drinks", 4000},
        {"a discount above the margin leaves no profit", 5000, 5000, std::nullopt, "", 0},
        {"the POS's own profit stands", 8000, 2000, 700, "", 700},
        {"floors before the discount: floor(10001 x 0.3) - 1", 10000, 1, std::nullopt, "", 2999},
    };
    for (const auto& r : rows) EXPECT_EQ(profit_after_card_fen(r.paid, r.discount, r.pos_profit, r.category, margins), r.profit) << r.name;
}

TEST(validate_card_offer, accepts_each_kind) {
    auto a = validate_card_offer({.kind = "amount_off", .amount_off_fen = 2000, .percent_off_bp = {}, .cap_fen = {}, .min_spend_fen = 5000, .free_item = {}});
    ASSERT_TRUE(std::holds_alternative<card_offer>(a));
    EXPECT_EQ(std::get<card_offer>(a).amount_off_fen, 2000);
    EXPECT_EQ(std::get<card_offer>(a).min_spend_fen, 5000);
    auto p = validate_card_offer({.kind = "percent_off", .amount_off_fen = {}, .percent_off_bp = 1500, .cap_fen = 3000, .min_spend_fen = {}, .free_item = {}});
    ASSERT_TRUE(std::holds_alternative<card_offer>(p));
    EXPECT_EQ(std::get<card_offer>(p).cap_fen, 3000);
    auto f = validate_card_offer({.kind = "free_item", .amount_off_fen = {}, .percent_off_bp = {}, .cap_fen = {}, .min_spend_fen = {}, .free_item = "洗车一次"});
    ASSERT_TRUE(std::holds_alternative<card_offer>(f));
    EXPECT_TRUE(std::holds_alternative<card_offer>(validate_card_offer({})));
}

TEST(validate_card_offer, each_problem) {
    struct row {
        card_offer_input input;
        const char* field;
        const char* code;
    };
    const row rows[] = {
        {{.kind = "coupon"}, "offer.kind", "invalid_offer_kind"},
        {{.kind = "amount_off"}, "offer.amount_off_fen", "amount_out_of_range"},
        {{.kind = "amount_off", .amount_off_fen = 0}, "offer.amount_off_fen", "amount_out_of_range"},
        {{.kind = "amount_off", .amount_off_fen = max_offer_fen + 1}, "offer.amount_off_fen", "amount_out_of_range"},
        {{.kind = "amount_off", .amount_off_fen = 100, .percent_off_bp = 10}, "offer.percent_off_bp", "field_not_for_kind"},
        {{.kind = "percent_off", .percent_off_bp = 10001}, "offer.percent_off_bp", "percent_out_of_range"},
        {{.kind = "percent_off", .percent_off_bp = 0}, "offer.percent_off_bp", "percent_out_of_range"},
        {{.kind = "percent_off", .percent_off_bp = 1000, .cap_fen = 0}, "offer.cap_fen", "amount_out_of_range"},
        {{.kind = "free_item"}, "offer.free_item", "free_item_length"},
        {{.kind = "free_item", .free_item = std::string(33, 'x')}, "offer.free_item", "free_item_length"},
        {{.kind = "described", .cap_fen = 5}, "offer.cap_fen", "field_not_for_kind"},
        {{.kind = "described", .min_spend_fen = -1}, "offer.min_spend_fen", "amount_out_of_range"},
    };
    for (const auto& r : rows) {
        auto result = validate_card_offer(r.input);
        ASSERT_TRUE(std::holds_alternative<std::vector<validation_problem>>(result)) << r.field;
        const auto& problems = std::get<std::vector<validation_problem>>(result);
        EXPECT_TRUE(std::any_of(problems.begin(), problems.end(), [&](const auto& p) { return p.field == r.field && p.code == r.code; }))
            << r.field << " " << r.code;
    }
}

TEST(held_card_window, the_template_window_or_local_days) {
    const auto from = at("2026-12-01T00:00:00+08:00"), until = at("2027-03-01T00:00:00+08:00");
    const auto shanghai = hours(8);
    struct row {
        const char* name;
        std::optional<int> days;
        const char* claimed;
        const char* ends;
    };
    const row rows[] = {
        {"no valid_days: the template's end", std::nullopt, "2026-12-05T10:00:00+08:00", "2027-03-01T00:00:00+08:00"},
        {"1 day: the end of the claim's local day", 1, "2026-12-05T10:00:00+08:00", "2026-12-06T00:00:00+08:00"},
        {"a claim at 23:59 local still has that day", 1, "2026-12-05T23:59:00+08:00", "2026-12-06T00:00:00+08:00"},
        {"00:30 local is the next local day though 16:30 UTC the day before", 1, "2026-12-05T16:30:00Z", "2026-12-07T00:00:00+08:00"},
        {"7 days count the claim's day", 7, "2026-12-05T10:00:00+08:00", "2026-12-12T00:00:00+08:00"},
        {"never past the template's end", 30, "2027-02-20T10:00:00+08:00", "2027-03-01T00:00:00+08:00"},
    };
    for (const auto& r : rows) {
        const auto w = held_card_window(from, until, r.days, at(r.claimed), shanghai);
        EXPECT_EQ(w.until, at(r.ends)) << r.name;
        EXPECT_EQ(w.from, from) << r.name;
    }
}

TEST(held_card_state_at, each_state_and_precedence) {
    const card_window w{at("2026-12-01T00:00:00Z"), at("2026-12-31T00:00:00Z")};
    const auto inside = at("2026-12-10T00:00:00Z"), after = at("2026-12-31T00:00:00Z");
    struct row {
        held_card_facts card;
        system_clock::time_point now;
        held_card_state state;
    };
    const row rows[] = {
        {{false, false, w}, inside, held_card_state::usable},
        {{false, true, w}, inside, held_card_state::redeemed},
        {{false, false, w}, after, held_card_state::expired},  // until is exclusive
        {{false, true, w}, after, held_card_state::redeemed},  // a redeemed card stays redeemed after its end
        {{true, false, w}, inside, held_card_state::revoked},
        {{true, true, w}, after, held_card_state::revoked},
    };
    for (const auto& r : rows) EXPECT_EQ(held_card_state_at(r.card, r.now), r.state) << to_string(r.state);
    EXPECT_FALSE(refusal_to_redeem({false, false, w}, inside));
    EXPECT_EQ(refusal_to_redeem({false, true, w}, inside), held_card_state::redeemed);
    EXPECT_EQ(refusal_to_redeem({false, false, w}, after), held_card_state::expired);
    EXPECT_EQ(refusal_to_redeem({true, false, w}, inside), held_card_state::revoked);
}

TEST(refund_restores_card, only_a_full_refund_within_the_validity) {
    const card_window w{at("2026-12-01T00:00:00Z"), at("2026-12-31T00:00:00Z")};
    const auto inside = at("2026-12-10T00:00:00Z"), after = at("2027-01-02T00:00:00Z");
    EXPECT_TRUE(refund_restores_card({false, true, w}, true, inside));
    EXPECT_FALSE(refund_restores_card({false, true, w}, false, inside));  // partial: the purchase stands
    EXPECT_FALSE(refund_restores_card({false, true, w}, true, after));    // the card's time is over
    EXPECT_FALSE(refund_restores_card({true, true, w}, true, inside));    // revoked stays revoked
    EXPECT_FALSE(refund_restores_card({false, false, w}, true, inside));  // nothing to give back
}

TEST(expiry_reminder_due, once_within_the_notice) {
    const card_window w{at("2026-12-01T00:00:00Z"), at("2026-12-31T00:00:00Z")};
    const auto notice = hours(72);
    EXPECT_FALSE(expiry_reminder_due({false, false, w}, false, at("2026-12-27T23:59:59Z"), notice));
    EXPECT_TRUE(expiry_reminder_due({false, false, w}, false, at("2026-12-28T00:00:00Z"), notice));
    EXPECT_FALSE(expiry_reminder_due({false, false, w}, true, at("2026-12-29T00:00:00Z"), notice));
    EXPECT_FALSE(expiry_reminder_due({false, true, w}, false, at("2026-12-29T00:00:00Z"), notice));
    EXPECT_FALSE(expiry_reminder_due({false, false, w}, false, at("2026-12-31T00:00:00Z"), notice));  // already expired
}

TEST(redemption_codes, twelve_digits_with_a_check_digit_and_two_minutes) {
    const auto now = at("2026-12-05T10:00:00Z");
    const auto code = make_redemption_code(123, now);
    EXPECT_EQ(code.digits.size(), 12u);
    EXPECT_EQ(code.digits.substr(0, 11), "00000000123");
    EXPECT_EQ(code.qr_payload, "sscard:" + code.digits);
    EXPECT_EQ(code.expires_at, now + seconds(120));
    EXPECT_TRUE(redemption_code_live(code.expires_at, now + seconds(119)));
    EXPECT_FALSE(redemption_code_live(code.expires_at, now + seconds(120)));
    EXPECT_EQ(parse_redemption_code(code.digits), code.digits);
    EXPECT_EQ(parse_redemption_code(code.qr_payload), code.digits);
}

TEST(redemption_codes, luhn_matches_known_numbers) {
    EXPECT_EQ(luhn_check_digit("7992739871"), '3');  // the textbook example 79927398713
    EXPECT_EQ(luhn_check_digit("00000000000"), '0');
}

TEST(redemption_codes, every_single_mistyped_digit_is_caught) {
    const auto code = make_redemption_code(98'765'432'109ULL, system_clock::time_point{});
    for (std::size_t i = 0; i < code.digits.size(); ++i)
        for (char d = '0'; d <= '9'; ++d) {
            if (d == code.digits[i]) continue;
            auto typo = code.digits;
            typo[i] = d;
            EXPECT_FALSE(parse_redemption_code(typo)) << typo;
        }
}

TEST(redemption_codes, refuses_other_shapes) {
    for (const char* bad : {"", "12345678901", "1234567890123", "sscard:", "SSCARD:000000001230", "00000000123a", " 000000001230",
                            "sscard:sscard:000000001230", "0000 0000 1230"})
        EXPECT_FALSE(parse_redemption_code(bad)) << bad;
}

TEST(redemption_codes, random_bits_spread_over_the_digits) {
    std::set<std::string> seen;
    std::uint64_t x = 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < 1000; ++i) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;  // xorshift: a fixed sequence, not a source of secrets
        seen.insert(make_redemption_code(x, system_clock::time_point{}).digits);
    }
    EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace

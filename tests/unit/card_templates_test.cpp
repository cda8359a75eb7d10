#include "server/domain/card_templates.hpp"
#include "server/domain/rfc3339.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace sharedstore;
using namespace std::chrono;

namespace {

long long epoch_seconds(std::string_view text) { return duration_cast<seconds>(parse_rfc3339(text)->time_since_epoch()).count(); }

TEST(parse_rfc3339, zones_and_fractions) {
    EXPECT_EQ(epoch_seconds("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(epoch_seconds("2026-11-24T08:00:00+08:00"), epoch_seconds("2026-11-24T00:00:00Z"));
    EXPECT_EQ(epoch_seconds("2026-11-23T19:00:00-05:00"), epoch_seconds("2026-11-24T00:00:00Z"));
    EXPECT_EQ(epoch_seconds("2000-02-29T12:00:00Z"), 951825600);  // a leap day (checked with `date -u -d`)
    auto fraction = parse_rfc3339("2026-11-24T00:00:00.250Z");
    ASSERT_TRUE(fraction);
    EXPECT_EQ(duration_cast<milliseconds>(fraction->time_since_epoch()).count() % 1000, 250);
}

TEST(parse_rfc3339, refuses_ambiguous_or_impossible_times) {
    for (const char* bad : {"", "2026-11-24", "2026-11-24T00:00:00", "2026-11-24 00:00:00Z", "2026-13-01T00:00:00Z",
                            "2026-02-29T00:00:00Z", "2026-11-24T24:00:00Z", "2026-11-24T00:00:00+8:00", "2026-11-24T00:00:00Zjunk",
                            "2026-11-24T00:00:00.Z"})
        EXPECT_FALSE(parse_rfc3339(bad)) << bad;
}

card_template_input good() {
    return {"vip", "会员卡", "全场九折", "2026-12-01T00:00:00+08:00", "2027-03-01T00:00:00+08:00", "https://cdn.example.com/c.png"};
}

bool has(const std::vector<validation_problem>& problems, const std::string& code) {
    return std::any_of(problems.begin(), problems.end(), [&](const auto& p) { return p.code == code; });
}

TEST(validate_card_template, accepts_a_good_card) {
    auto result = validate_card_template(good());
    ASSERT_TRUE(std::holds_alternative<card_template>(result));
    EXPECT_EQ(std::get<card_template>(result).kind, card_kind::vip);
}

TEST(validate_card_template, each_rule) {
    struct row {
        void (*change)(card_template_input&);
        const char* code;
    };
    const row rows[] = {
        {[](card_template_input& c) { c.kind = "coupon"; }, "invalid_kind"},
        {[](card_template_input& c) { c.title = ""; }, "title_length"},
        {[](card_template_input& c) { c.title = std::string(33, 'x'); }, "title_length"},
        {[](card_template_input& c) { c.benefit = ""; }, "benefit_length"},
        {[](card_template_input& c) { c.valid_from = "tomorrow"; }, "invalid_time"},
        {[](card_template_input& c) { c.valid_until = c.valid_from; }, "window_empty"},
        {[](card_template_input& c) { c.valid_until = "2031-01-01T00:00:00Z"; }, "window_too_long"},
        {[](card_template_input& c) { c.cover_url = "http://insecure/c.png"; }, "invalid_url"},
        {[](card_template_input& c) { c.cover_url = "https://x/ y.png"; }, "invalid_url"},
    };
    for (const auto& r : rows) {
        auto input = good();
        r.change(input);
        auto result = validate_card_template(input);
        ASSERT_TRUE(std::holds_alternative<std::vector<validation_problem>>(result)) << r.code;
        EXPECT_TRUE(has(std::get<std::vector<validation_problem>>(result), r.code)) << r.code;
    }
    // A 32-character Chinese title is within the limit (characters, not bytes).
    auto chinese = good();
    chinese.title = "";
    for (int i = 0; i < 32; ++i) chinese.title += "茶";
    EXPECT_TRUE(std::holds_alternative<card_template>(validate_card_template(chinese)));
}

}  // namespace

#include "common/random_token.hpp"
#include "server/domain/share_links.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <set>

using namespace sharedstore;

namespace {

// WeChat's scene alphabet (docs/api.md, "Card packs and share links").
bool in_scene_alphabet(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$&'()*+,/:;=?@-._~").find(c) != std::string_view::npos;
}

TEST(share_links, codes_are_16_url_safe_characters_of_96_random_bits) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        auto code = random_url_token(share_code_random_bytes);
        EXPECT_EQ(code.size(), share_code_length);
        EXPECT_TRUE(is_share_code(code)) << code;
        seen.insert(code);
    }
    EXPECT_EQ(seen.size(), 1000u);
    EXPECT_THROW(random_url_token(4), std::invalid_argument);
}

TEST(share_links, anything_but_a_code_is_refused_before_any_lookup) {
    EXPECT_FALSE(is_share_code(""));
    EXPECT_FALSE(is_share_code("AAAAAAAAAAAAAAA"));    // 15
    EXPECT_FALSE(is_share_code("AAAAAAAAAAAAAAAAA"));  // 17
    EXPECT_FALSE(is_share_code("AAAAAAAAAAAAAAA="));
    EXPECT_FALSE(is_share_code("AAAAAAAAAAAAAAA/"));
    EXPECT_FALSE(is_share_code("AAAAAAAAAAAAAA%2"));
    EXPECT_TRUE(is_share_code("Az09-_AAAAAAAAAA"));
}

TEST(share_links, the_path_and_the_qr_scene_carry_the_code_within_wechats_limits) {
    const std::string code = "Az09-_bcdefghijk";
    EXPECT_EQ(share_path("pages/share/index", code), "/pages/share/index?code=Az09-_bcdefghijk");
    const auto scene = share_qr_scene(code);
    EXPECT_LE(scene.size(), 32u);
    for (char c : scene) EXPECT_TRUE(in_scene_alphabet(c)) << c;
    EXPECT_EQ(share_code_from_scene(scene), code);
    EXPECT_EQ(share_code_from_scene("x=" + code), std::nullopt);
    EXPECT_EQ(share_code_from_scene("c=short"), std::nullopt);
}

}  // namespace

namespace {

TEST(share_state, the_first_reason_a_share_cannot_be_claimed_wins) {
    using namespace std::chrono_literals;
    const auto t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
    const share_state_facts open{.revoked = false, .partner_active = true, .valid_from = t0, .valid_until = t0 + 24h, .quota = 2, .claimed = 1};
    EXPECT_EQ(share_state_at(open, t0), share_state::open);
    EXPECT_EQ(share_state_at(open, t0 - 1s), share_state::not_started);
    EXPECT_EQ(share_state_at(open, t0 + 24h), share_state::expired) << "valid_until is exclusive";
    auto full = open;
    full.claimed = 2;
    EXPECT_EQ(share_state_at(full, t0), share_state::exhausted);
    auto paused = full;
    paused.partner_active = false;
    EXPECT_EQ(share_state_at(paused, t0 - 1s), share_state::revoked) << "a paused partner's link is revoked before anything else";
    EXPECT_EQ(to_string(share_state::not_started), "not_started");
}

}  // namespace

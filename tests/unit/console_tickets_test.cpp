// What a console login ticket looks like, and the scene its QR code carries (WeChat takes at most
// 32 characters of its scene alphabet).
#include "server/domain/console_tickets.hpp"

#include <gtest/gtest.h>

using namespace sharedstore;

namespace {

TEST(console_tickets, a_ticket_is_24_url_safe_characters) {
    EXPECT_TRUE(is_console_ticket("AbCdEfGhIjKlMnOpQrStUv-_"));
    EXPECT_FALSE(is_console_ticket("AbCdEfGhIjKlMnOpQrStUv-"));
    EXPECT_FALSE(is_console_ticket("AbCdEfGhIjKlMnOpQrStUv-_x"));
    EXPECT_FALSE(is_console_ticket("AbCdEfGhIjKlMnOpQrStUv/="));
    EXPECT_FALSE(is_console_ticket(""));
    EXPECT_EQ(console_ticket_length, console_ticket_random_bytes / 3 * 4);
}

TEST(console_tickets, the_scene_fits_wechats_limit_and_is_told_from_a_shares) {
    const auto scene = console_ticket_scene("AbCdEfGhIjKlMnOpQrStUv-_");
    EXPECT_EQ(scene, "t=AbCdEfGhIjKlMnOpQrStUv-_");
    EXPECT_LE(scene.size(), 32u);
}

}  // namespace

// The outbox's typed events: the payload the server stores reads back as the same event, a kind
// or payload this server does not know is refused, and each kind renders its subscribe message.
#include "push/outbox_events.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

using namespace sharedstore;

namespace {

dividend_event sample() {
    return dividend_event{.dividend_id = 311,
                          .order_id = 877,
                          .merchant_id = 12,
                          .merchant_name = "茶饮小店",
                          .customer = "138****5678",
                          .order_amount_fen = 12800,
                          .dividend_fen = 768,
                          .reversed_fen = std::nullopt,
                          .state = "pending",
                          .paid_at = "2026-11-27T08:00:00Z"};
}

TEST(outbox_events, a_dividend_and_a_reversal_read_back_as_they_were_written) {
    auto reversal = sample();
    reversal.reversed_fen = 192;
    for (const auto& original : {sample(), reversal}) {
        const auto payload = to_payload(outbox_event{original});
        auto read = parse_outbox_event(original.kind(), payload);
        ASSERT_TRUE(read) << payload;
        const auto& back = std::get<dividend_event>(*read);
        EXPECT_EQ(back.dividend_id, original.dividend_id);
        EXPECT_EQ(back.merchant_name, original.merchant_name);
        EXPECT_EQ(back.reversed_fen, original.reversed_fen);
        EXPECT_EQ(back.paid_at, original.paid_at);
        // The documented frame fields (docs/websocket.md): ids as strings, amounts in fen.
        auto json = boost::json::parse(payload).as_object();
        EXPECT_EQ(json.at("type").as_string(), original.kind());
        EXPECT_EQ(json.at("dividend_id").as_string(), "311");
        EXPECT_EQ(json.at("merchant").at("id").as_string(), "12");
        EXPECT_EQ(json.at("dividend_fen").as_int64(), 768);
        EXPECT_EQ(json.contains("reversed_fen"), original.reversed_fen.has_value());
    }
}

TEST(outbox_events, an_unknown_kind_or_a_payload_missing_its_fields_is_refused) {
    const auto payload = to_payload(outbox_event{sample()});
    EXPECT_FALSE(parse_outbox_event("voucher", payload));
    EXPECT_FALSE(parse_outbox_event("reversal", payload)) << "a reversal names what it took back";
    EXPECT_FALSE(parse_outbox_event("dividend", R"({"type":"dividend","order_id":"1"})"));
    EXPECT_FALSE(parse_outbox_event("dividend", "not json"));
}

TEST(outbox_events, each_kind_renders_its_subscribe_message_in_wechats_field_formats) {
    push_settings settings;
    auto fields = subscribe_fields(outbox_event{sample()}, settings);
    std::map<std::string, std::string> by_name(fields.begin(), fields.end());
    EXPECT_EQ(by_name.at(settings.field_amount), "¥7.68");
    EXPECT_EQ(by_name.at(settings.field_merchant), "茶饮小店");
    EXPECT_EQ(by_name.at(settings.field_time), "2026-11-27 16:00") << "UTC shown in Beijing time";
    EXPECT_EQ(by_name.at(settings.field_customer), "138****5678");
    auto reversal = sample();
    reversal.reversed_fen = 192;
    auto back = subscribe_fields(outbox_event{reversal}, settings);
    std::map<std::string, std::string> reversed(back.begin(), back.end());
    EXPECT_EQ(reversed.at(settings.field_amount), "¥1.92");
    EXPECT_EQ(reversed.at(settings.field_customer), "退款冲回 138****5678");
    EXPECT_EQ(subscribe_thing(std::string(30, 'x')).size(), 20u);
    EXPECT_EQ(subscribe_amount(5), "¥0.05");
}

}  // namespace

namespace {

TEST(outbox_events, a_payout_reads_back_and_renders_what_happened_to_the_withdrawal) {
    const payout_event paid{.payout_id = 42,
                            .merchant_id = 12,
                            .merchant_name = "茶饮小店",
                            .amount_fen = 5000,
                            .state = "succeeded",
                            .reason = "",
                            .at = "2026-12-02T01:30:00Z"};
    const auto payload = to_payload(outbox_event{paid});
    auto json = boost::json::parse(payload).as_object();
    EXPECT_EQ(json.at("type").as_string(), "payout");
    EXPECT_EQ(json.at("payout_id").as_string(), "42");
    EXPECT_FALSE(json.contains("reason")) << "no reason for a paid one";
    auto read = parse_outbox_event("payout", payload);
    ASSERT_TRUE(read);
    const auto& back = std::get<payout_event>(*read);
    EXPECT_EQ(back.amount_fen, 5000);
    EXPECT_EQ(back.state, "succeeded");
    EXPECT_EQ(back.at, paid.at);
    EXPECT_FALSE(parse_outbox_event("payout", R"({"type":"payout","payout_id":"42"})")) << "an amount is required";

    const push_settings settings;
    auto fields = subscribe_fields(outbox_event{paid}, settings);
    ASSERT_EQ(fields.size(), 4u);
    EXPECT_EQ(fields[0].second, "¥50.00");
    EXPECT_EQ(fields[2].second, "2026-12-02 09:30");
    EXPECT_EQ(fields[3].second, "提现已到微信零钱");
    auto failed = paid;
    failed.state = "failed";
    failed.reason = "OVERDUE_CLOSE";
    EXPECT_EQ(subscribe_fields(outbox_event{failed}, settings)[3].second, "提现未成功 金额已退回");
}

}  // namespace

TEST(outbox_events, a_dividends_vouchers_read_back_and_fall_back_to_the_subscribe_message) {
    const vouchers_event original{.dividend_number = 2, .amount_fen = 120, .expires_at = "2027-12-03T09:00:00Z", .at = "2026-12-03T09:00:00Z"};
    const auto payload = to_payload(outbox_event{original});
    auto read = parse_outbox_event("vouchers", payload);
    ASSERT_TRUE(read) << payload;
    const auto& back = std::get<vouchers_event>(*read);
    EXPECT_EQ(back.dividend_number, 2);
    EXPECT_EQ(back.amount_fen, 120);
    EXPECT_EQ(back.expires_at, original.expires_at);
    auto json = boost::json::parse(payload).as_object();
    EXPECT_EQ(json.at("type").as_string(), "vouchers");
    EXPECT_EQ(json.at("dividend").as_int64(), 2);
    EXPECT_TRUE(has_subscribe_message("vouchers")) << "offline holders are told by the subscribe message";
    EXPECT_TRUE(only_when_subscribed("vouchers")) << "a bulk kind: scheduled only for the subscribed";
    EXPECT_FALSE(only_when_subscribed("dividend")) << "the core loop's reminders are scheduled whatever the quota";
    const push_settings settings;
    const auto fields = subscribe_fields(*read, settings);
    ASSERT_EQ(fields.size(), 4u);
    EXPECT_EQ(fields[0], (std::pair<std::string, std::string>{settings.field_amount, "¥1.20"}));
    EXPECT_EQ(fields[1].second, "众店联盟消费券");
    EXPECT_EQ(fields[2].second, "2026-12-03 17:00") << "the crediting, in Beijing time";
    EXPECT_EQ(fields[3].second, "第2次分红 消费券已到账");
    EXPECT_FALSE(parse_outbox_event("vouchers", R"({"type":"vouchers","dividend":2,"amount_fen":0,"expires_at":"x","at":"y"})")) << "nothing credited";
    EXPECT_FALSE(parse_outbox_event("vouchers", R"({"type":"vouchers","amount_fen":5,"expires_at":"x","at":"y"})")) << "no dividend";
}

TEST(outbox_events, vouchers_about_to_expire_read_back_and_fall_back_to_the_subscribe_message) {
    const vouchers_expiring_event original{.amount_fen = 350, .expires_at = "2027-12-03T09:00:00Z", .at = "2027-11-26T09:00:00Z"};
    const auto payload = to_payload(outbox_event{original});
    auto read = parse_outbox_event("vouchers_expiring", payload);
    ASSERT_TRUE(read) << payload;
    const auto& back = std::get<vouchers_expiring_event>(*read);
    EXPECT_EQ(back.amount_fen, 350);
    EXPECT_EQ(back.expires_at, original.expires_at);
    EXPECT_EQ(kind_of(*read), "vouchers_expiring");
    EXPECT_TRUE(has_subscribe_message("vouchers_expiring")) << "it asks the holder to act: offline holders are told too";
    const push_settings settings;
    const auto fields = subscribe_fields(*read, settings);
    ASSERT_EQ(fields.size(), 4u);
    EXPECT_EQ(fields[0].second, "¥3.50");
    EXPECT_EQ(fields[2].second, "2027-12-03 17:00") << "when the first of them ends";
    EXPECT_FALSE(parse_outbox_event("vouchers_expiring", R"({"type":"vouchers_expiring","amount_fen":0,"expires_at":"x","at":"y"})"));
}

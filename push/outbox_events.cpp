#include "push/outbox_events.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>
#include <chrono>
#include <cstdio>

namespace sharedstore {

namespace json = boost::json;

namespace {

template <class... Ts>
struct overloaded : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
overloaded(Ts...) -> overloaded<Ts...>;

json::object payload_of(const dividend_event& e) {
    json::object out{{"type", e.kind()},
                     {"dividend_id", std::to_string(e.dividend_id)},
                     {"order_id", std::to_string(e.order_id)},
                     {"merchant", json::object{{"id", std::to_string(e.merchant_id)}, {"name", e.merchant_name}}},
                     {"customer", e.customer},
                     {"order_amount_fen", e.order_amount_fen},
                     {"dividend_fen", e.dividend_fen},
                     {"state", e.state},
                     {"paid_at", e.paid_at}};
    if (e.reversed_fen) out["reversed_fen"] = *e.reversed_fen;
    return out;
}

json::object payload_of(const payout_event& e) {
    json::object out{{"type", e.kind()},
                     {"payout_id", std::to_string(e.payout_id)},
                     {"merchant", json::object{{"id", std::to_string(e.merchant_id)}, {"name", e.merchant_name}}},
                     {"amount_fen", e.amount_fen},
                     {"state", e.state},
                     {"at", e.at}};
    if (!e.reason.empty()) out["reason"] = e.reason;
    return out;
}

json::object payload_of(const member_frame_event& e) {
    json::object out{{"type", e.type}, {"merchant", json::object{{"id", std::to_string(e.merchant_id)}, {"name", e.merchant_name}}}, {"at", e.at}};
    if (e.type == "level_up") {
        out["level_no"] = e.level_no;
        out["level_name"] = e.level_name;
    } else {
        out["points"] = e.points;
        out["expires_at"] = e.expires_at;
    }
    return out;
}

json::object payload_of(const card_redeemed_event& e) {
    return json::object{{"type", e.kind()},
                        {"redemption_id", std::to_string(e.redemption_id)},
                        {"merchant", json::object{{"id", std::to_string(e.merchant_id)}, {"name", e.merchant_name}}},
                        {"card_title", e.card_title},
                        {"customer", e.customer},
                        {"discount_fen", e.discount_fen},
                        {"at", e.at}};
}

json::object payload_of(const vouchers_event& e) {
    return json::object{{"type", e.kind()}, {"dividend", e.dividend_number}, {"amount_fen", e.amount_fen}, {"expires_at", e.expires_at}, {"at", e.at}};
}

json::object payload_of(const vouchers_expiring_event& e) {
    return json::object{{"type", e.kind()}, {"amount_fen", e.amount_fen}, {"expires_at", e.expires_at}, {"at", e.at}};
}

json::object payload_of(const award_event& e) {
    return json::object{{"type", e.kind()},
                        {"order_id", std::to_string(e.order_id)},
                        {"merchant", json::object{{"id", std::to_string(e.merchant_id)}, {"name", e.merchant_name}}},
                        {"award_kind", e.award_kind},
                        {"medium", e.medium},
                        {"amount", e.amount},
                        {"reversed", e.reversed},
                        {"at", e.at}};
}

json::object payload_of(const card_expiring_event& e) {
    return json::object{{"type", e.kind()},
                        {"card_id", std::to_string(e.card_id)},
                        {"merchant", json::object{{"id", std::to_string(e.merchant_id)}, {"name", e.merchant_name}}},
                        {"card_title", e.card_title},
                        {"amount_off_fen", e.amount_off_fen},
                        {"valid_until", e.valid_until}};
}

std::optional<std::uint64_t> id_in(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v || !v->is_string()) return std::nullopt;
    std::uint64_t id = 0;
    const auto& s = v->as_string();
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return id;
}

std::optional<std::int64_t> fen_in(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_int64() ? std::optional(v->as_int64()) : std::nullopt;
}

std::string text_in(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<dividend_event> dividend_from(const json::object& o, bool reversal) {
    dividend_event e;
    auto dividend = id_in(o, "dividend_id"), order = id_in(o, "order_id");
    auto amount = fen_in(o, "order_amount_fen"), fen = fen_in(o, "dividend_fen");
    const auto* merchant = o.if_contains("merchant");
    if (!dividend || !order || !amount || !fen || !merchant || !merchant->is_object()) return std::nullopt;
    e.dividend_id = *dividend;
    e.order_id = *order;
    e.merchant_id = id_in(merchant->as_object(), "id").value_or(0);
    e.merchant_name = text_in(merchant->as_object(), "name");
    e.customer = text_in(o, "customer");
    e.order_amount_fen = *amount;
    e.dividend_fen = *fen;
    if (reversal) {
        e.reversed_fen = fen_in(o, "reversed_fen");
        if (!e.reversed_fen) return std::nullopt;
    }
    e.state = text_in(o, "state");
    e.paid_at = text_in(o, "paid_at");
    return e;
}

std::optional<payout_event> payout_from(const json::object& o) {
    payout_event e;
    auto id = id_in(o, "payout_id");
    auto amount = fen_in(o, "amount_fen");
    const auto* merchant = o.if_contains("merchant");
    if (!id || !amount || !merchant || !merchant->is_object()) return std::nullopt;
    e.payout_id = *id;
    e.merchant_id = id_in(merchant->as_object(), "id").value_or(0);
    e.merchant_name = text_in(merchant->as_object(), "name");
    e.amount_fen = *amount;
    e.state = text_in(o, "state");
    e.reason = text_in(o, "reason");
    e.at = text_in(o, "at");
    if (e.state.empty()) return std::nullopt;
    return e;
}

std::optional<member_frame_event> member_frame_from(const json::object& o, std::string_view kind) {
    member_frame_event e;
    e.type = std::string(kind);
    const auto* merchant = o.if_contains("merchant");
    if (!merchant || !merchant->is_object()) return std::nullopt;
    e.merchant_id = id_in(merchant->as_object(), "id").value_or(0);
    e.merchant_name = text_in(merchant->as_object(), "name");
    e.at = text_in(o, "at");
    if (kind == "level_up") {
        const auto* level = o.if_contains("level_no");
        if (!level || !level->is_int64()) return std::nullopt;
        e.level_no = static_cast<std::int32_t>(level->as_int64());
        e.level_name = text_in(o, "level_name");
    } else {
        auto points = fen_in(o, "points");
        if (!points) return std::nullopt;
        e.points = *points;
        e.expires_at = text_in(o, "expires_at");
    }
    return e;
}

std::optional<card_redeemed_event> card_redeemed_from(const json::object& o) {
    card_redeemed_event e;
    auto id = id_in(o, "redemption_id");
    auto discount = fen_in(o, "discount_fen");
    const auto* merchant = o.if_contains("merchant");
    if (!id || !discount || !merchant || !merchant->is_object()) return std::nullopt;
    e.redemption_id = *id;
    e.merchant_id = id_in(merchant->as_object(), "id").value_or(0);
    e.merchant_name = text_in(merchant->as_object(), "name");
    e.card_title = text_in(o, "card_title");
    e.customer = text_in(o, "customer");
    e.discount_fen = *discount;
    e.at = text_in(o, "at");
    return e;
}

std::optional<card_expiring_event> card_expiring_from(const json::object& o) {
    card_expiring_event e;
    auto id = id_in(o, "card_id");
    auto amount = fen_in(o, "amount_off_fen");
    const auto* merchant = o.if_contains("merchant");
    if (!id || !amount || !merchant || !merchant->is_object()) return std::nullopt;
    e.card_id = *id;
    e.merchant_id = id_in(merchant->as_object(), "id").value_or(0);
    e.merchant_name = text_in(merchant->as_object(), "name");
    e.card_title = text_in(o, "card_title");
    e.amount_off_fen = *amount;
    e.valid_until = text_in(o, "valid_until");
    if (e.valid_until.empty()) return std::nullopt;
    return e;
}

std::optional<award_event> award_from(const json::object& o) {
    award_event e;
    auto order = id_in(o, "order_id");
    auto amount = fen_in(o, "amount"), reversed = fen_in(o, "reversed");
    const auto* merchant = o.if_contains("merchant");
    if (!order || !amount || !reversed || !merchant || !merchant->is_object()) return std::nullopt;
    e.order_id = *order;
    e.merchant_id = id_in(merchant->as_object(), "id").value_or(0);
    e.merchant_name = text_in(merchant->as_object(), "name");
    e.award_kind = text_in(o, "award_kind");
    e.medium = text_in(o, "medium");
    e.amount = *amount;
    e.reversed = *reversed;
    e.at = text_in(o, "at");
    if (e.award_kind.empty() || (e.medium != "cash" && e.medium != "points")) return std::nullopt;
    return e;
}

std::optional<vouchers_event> vouchers_from(const json::object& o) {
    vouchers_event e;
    auto amount = fen_in(o, "amount_fen");
    const auto* number = o.if_contains("dividend");
    if (!amount || *amount <= 0 || !number || !number->is_int64() || number->as_int64() < 1) return std::nullopt;
    e.dividend_number = static_cast<int>(number->as_int64());
    e.amount_fen = *amount;
    e.expires_at = text_in(o, "expires_at");
    e.at = text_in(o, "at");
    if (e.expires_at.empty()) return std::nullopt;
    return e;
}

std::optional<vouchers_expiring_event> vouchers_expiring_from(const json::object& o) {
    vouchers_expiring_event e;
    auto amount = fen_in(o, "amount_fen");
    if (!amount || *amount <= 0) return std::nullopt;
    e.amount_fen = *amount;
    e.expires_at = text_in(o, "expires_at");
    e.at = text_in(o, "at");
    if (e.expires_at.empty()) return std::nullopt;
    return e;
}

// "2026-11-27T08:00:00Z" -> "2026-11-27 08:00", WeChat's time field.
// WeChat shows the time field as it is: the reader's clock, Beijing time (China keeps no daylight
// saving). Reminders carry UTC ("...Z"); anything else is shown as written.
std::string subscribe_time(std::string at) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0;
    if (at.size() >= 17 && at.back() == 'Z' && std::sscanf(at.c_str(), "%4d-%2d-%2dT%2d:%2d", &y, &mo, &d, &h, &mi) == 5) {
        using namespace std::chrono;
        const auto local = sys_days{year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)}} + hours{h + 8} + minutes{mi};
        const auto date = year_month_day{floor<days>(local)};
        const auto time = hh_mm_ss{local - floor<days>(local)};
        char text[32];
        std::snprintf(text, sizeof text, "%04d-%02u-%02u %02d:%02d", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                      static_cast<unsigned>(date.day()), static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()));
        return text;
    }
    if (at.size() >= 16) at = at.substr(0, 10) + " " + at.substr(11, 5);
    return at;
}

}  // namespace

std::string_view kind_of(const outbox_event& event) {
    return std::visit([](const auto& e) { return e.kind(); }, event);
}

std::string to_payload(const outbox_event& event) {
    return std::visit([](const auto& e) { return json::serialize(payload_of(e)); }, event);
}

std::optional<outbox_event> parse_outbox_event(std::string_view kind, std::string_view payload) {
    boost::system::error_code ec;
    auto value = json::parse(payload, ec);
    if (ec || !value.is_object()) return std::nullopt;
    if (kind == "dividend" || kind == "reversal") {
        if (auto e = dividend_from(value.as_object(), kind == "reversal")) return outbox_event{std::move(*e)};
    }
    if (kind == "payout") {
        if (auto e = payout_from(value.as_object())) return outbox_event{std::move(*e)};
    }
    if (kind == "level_up" || kind == "points_expiring") {
        if (auto e = member_frame_from(value.as_object(), kind)) return outbox_event{std::move(*e)};
    }
    if (kind == "card_redeemed") {
        if (auto e = card_redeemed_from(value.as_object())) return outbox_event{std::move(*e)};
    }
    if (kind == "card_expiring") {
        if (auto e = card_expiring_from(value.as_object())) return outbox_event{std::move(*e)};
    }
    if (kind == "award") {
        if (auto e = award_from(value.as_object())) return outbox_event{std::move(*e)};
    }
    if (kind == "vouchers") {
        if (auto e = vouchers_from(value.as_object())) return outbox_event{std::move(*e)};
    }
    if (kind == "vouchers_expiring") {
        if (auto e = vouchers_expiring_from(value.as_object())) return outbox_event{std::move(*e)};
    }
    return std::nullopt;
}

bool has_subscribe_message(std::string_view kind) {
    return kind != "level_up" && kind != "points_expiring" && kind != "award";
}

bool only_when_subscribed(std::string_view kind) { return kind == "vouchers"; }

std::vector<std::pair<std::string, std::string>> subscribe_fields(const outbox_event& event, const push_settings& settings) {
    return std::visit(overloaded{[&](const dividend_event& e) {
                                     const auto paid_at = subscribe_time(e.paid_at);
                                     const bool reversal = e.reversed_fen.has_value();
                          return std::vector<std::pair<std::string, std::string>>{
                              {settings.field_amount, subscribe_amount(reversal ? *e.reversed_fen : e.dividend_fen)},
                              {settings.field_merchant, subscribe_thing(e.merchant_name)},
                              {settings.field_time, paid_at},
                              {settings.field_customer, subscribe_thing((reversal ? "退款冲回 " : "") + e.customer)}};
                      },
                                 // The same template: the last field says what happened to the withdrawal.
                                 [&](const payout_event& e) {
                                     const bool paid = e.state == "succeeded";
                                     return std::vector<std::pair<std::string, std::string>>{
                                         {settings.field_amount, subscribe_amount(e.amount_fen)},
                                         {settings.field_merchant, subscribe_thing(e.merchant_name)},
                                         {settings.field_time, subscribe_time(e.at)},
                                         {settings.field_customer, subscribe_thing(paid ? "提现已到微信零钱" : "提现未成功 金额已退回")}};
                                 },
                                 // The amount is what the friend saved; the last field names the card.
                                 [&](const card_redeemed_event& e) {
                                     return std::vector<std::pair<std::string, std::string>>{
                                         {settings.field_amount, subscribe_amount(e.discount_fen)},
                                         {settings.field_merchant, subscribe_thing(e.merchant_name)},
                                         {settings.field_time, subscribe_time(e.at)},
                                         {settings.field_customer, subscribe_thing("好友用了你的" + e.card_title)}};
                                 },
                                 // The time is when the card ends.
                                 [&](const card_expiring_event& e) {
                                     return std::vector<std::pair<std::string, std::string>>{
                                         {settings.field_amount, subscribe_amount(e.amount_off_fen)},
                                         {settings.field_merchant, subscribe_thing(e.merchant_name)},
                                         {settings.field_time, subscribe_time(e.valid_until)},
                                         {settings.field_customer, subscribe_thing("即将到期 " + e.card_title)}};
                                 },
                                 [](const member_frame_event&) { return std::vector<std::pair<std::string, std::string>>{}; },
                                 [](const award_event&) { return std::vector<std::pair<std::string, std::string>>{}; },
                                 // The stores' template as vouchers_expiring uses it: the time is the crediting, the
                                 // last field says which dividend it was.
                                 [&](const vouchers_event& e) {
                                     return std::vector<std::pair<std::string, std::string>>{
                                         {settings.field_amount, subscribe_amount(e.amount_fen)},
                                         {settings.field_merchant, subscribe_thing("众店联盟消费券")},
                                         {settings.field_time, subscribe_time(e.at)},
                                         {settings.field_customer, subscribe_thing("第" + std::to_string(e.dividend_number) + "次分红 消费券已到账")}};
                                 },
                                 // The time is when the first of them ends; the "merchant" is the alliance.
                                 [&](const vouchers_expiring_event& e) {
                                     return std::vector<std::pair<std::string, std::string>>{
                                         {settings.field_amount, subscribe_amount(e.amount_fen)},
                                         {settings.field_merchant, subscribe_thing("众店联盟消费券")},
                                         {settings.field_time, subscribe_time(e.expires_at)},
                                         {settings.field_customer, subscribe_thing("消费券即将到期 请尽快使用")}};
                                 }},
                      event);
}

std::string subscribe_thing(std::string_view text) {
    // thing: at most 20 characters (code points), no newlines.
    std::string out;
    std::size_t characters = 0;
    for (std::size_t i = 0; i < text.size() && characters < 20;) {
        const auto c = static_cast<unsigned char>(text[i]);
        const std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
        if (i + length > text.size()) break;
        if (text[i] != '\n' && text[i] != '\r') {
            out.append(text.substr(i, length));
            ++characters;
        }
        i += length;
    }
    return out;
}

std::string subscribe_amount(std::int64_t fen) {
    // "¥7.68": a sign and at most 10 digits; bigger amounts do not fit WeChat's field.
    if (fen < 0) fen = 0;
    if (fen > 9'999'999'999LL) fen = 9'999'999'999LL;
    const auto cents = fen % 100;
    return "¥" + std::to_string(fen / 100) + "." + (cents < 10 ? "0" : "") + std::to_string(cents);
}

}  // namespace sharedstore

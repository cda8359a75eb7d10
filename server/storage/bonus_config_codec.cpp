#include "server/storage/bonus_config_codec.hpp"

#include "server/domain/rfc3339.hpp"

#include <charconv>

namespace sharedstore {

namespace json = boost::json;

namespace {

std::optional<std::int64_t> int_at(const json::object& o, const char* key) {
    auto it = o.find(key);
    if (it == o.end() || !it->value().is_int64()) return std::nullopt;
    return it->value().as_int64();
}
std::optional<bool> bool_at(const json::object& o, const char* key) {
    auto it = o.find(key);
    if (it == o.end() || !it->value().is_bool()) return std::nullopt;
    return it->value().as_bool();
}
std::optional<std::string> text_at(const json::object& o, const char* key) {
    auto it = o.find(key);
    if (it == o.end() || !it->value().is_string()) return std::nullopt;
    return std::string(it->value().as_string());
}
std::optional<std::chrono::system_clock::time_point> time_at(const json::object& o, const char* key) {
    auto text = text_at(o, key);
    if (!text) return std::nullopt;
    return parse_rfc3339(*text);
}

std::optional<project_campaign> campaign_from(const json::value& v) {
    if (!v.is_object()) return std::nullopt;
    const auto& o = v.as_object();
    auto name = text_at(o, "name");
    auto starts = time_at(o, "starts_at"), ends = time_at(o, "ends_at");
    auto goal = parse_project_goal(text_at(o, "goal").value_or(""));
    auto reward = parse_project_reward(text_at(o, "reward").value_or(""));
    auto count = int_at(o, "goal_count"), min_order = int_at(o, "min_order_fen"), award = int_at(o, "award_fen"), award_bp = int_at(o, "award_bp"),
         budget = int_at(o, "budget_fen"), winners = int_at(o, "winner_limit");
    auto product = text_at(o, "product");
    if (!name || !starts || !ends || !goal || !reward || !count || !min_order || !award || !award_bp || !budget || !winners || !product)
        return std::nullopt;
    return project_campaign{.name = *name,
                            .starts_at = *starts,
                            .ends_at = *ends,
                            .goal = *goal,
                            .goal_count = *count,
                            .min_order_fen = *min_order,
                            .product = *product,
                            .reward = *reward,
                            .award_fen = *award,
                            .award_bp = static_cast<std::int32_t>(*award_bp),
                            .budget_fen = *budget,
                            .winner_limit = static_cast<std::int32_t>(*winners)};
}

}  // namespace

json::object campaign_to_json(const project_campaign& c) {
    return json::object{{"name", c.name},
                        {"starts_at", format_rfc3339_seconds(c.starts_at)},
                        {"ends_at", format_rfc3339_seconds(c.ends_at)},
                        {"goal", to_string(c.goal)},
                        {"goal_count", c.goal_count},
                        {"min_order_fen", c.min_order_fen},
                        {"product", c.product},
                        {"reward", to_string(c.reward)},
                        {"award_fen", c.award_fen},
                        {"award_bp", c.award_bp},
                        {"budget_fen", c.budget_fen},
                        {"winner_limit", c.winner_limit}};
}

json::object top_dealer_to_json(const top_dealer_bonus& b) {
    return json::object{{"pool_bp", b.pool_bp}, {"threshold_fen", b.threshold_fen}, {"period", to_string(b.period)}};
}

json::object bonus_config_to_json(const bonus_config& c) {
    json::array projects;
    for (const auto& p : c.projects) projects.push_back(campaign_to_json(p));
    json::value sign_off = nullptr;
    if (c.level2_cash_sign_off)
        sign_off = json::object{{"operator_user_id", std::to_string(c.level2_cash_sign_off->operator_user_id)},
                                {"signed_at", format_rfc3339_seconds(c.level2_cash_sign_off->signed_at)},
                                {"reference", c.level2_cash_sign_off->reference}};
    return json::object{{"level_difference", c.level_difference},
                        {"flat_bp", c.flat_bp},
                        {"projects", std::move(projects)},
                        {"top_dealer", c.top_dealer ? json::value(top_dealer_to_json(*c.top_dealer)) : json::value(nullptr)},
                        {"order_cap_bp", c.order_cap_bp},
                        {"level2_cash", c.level2_cash},
                        {"level2_cash_sign_off", std::move(sign_off)}};
}

std::optional<bonus_config> bonus_config_from_json(const json::value& value) {
    if (!value.is_object()) return std::nullopt;
    const auto& o = value.as_object();
    auto level_difference = bool_at(o, "level_difference"), level2_cash = bool_at(o, "level2_cash");
    auto flat = int_at(o, "flat_bp"), cap = int_at(o, "order_cap_bp");
    auto projects = o.find("projects");
    auto top = o.find("top_dealer");
    auto sign_off = o.find("level2_cash_sign_off");
    if (!level_difference || !level2_cash || !flat || !cap || projects == o.end() || !projects->value().is_array() || top == o.end() ||
        sign_off == o.end())
        return std::nullopt;
    bonus_config c;
    c.level_difference = *level_difference;
    c.flat_bp = static_cast<std::int32_t>(*flat);
    c.order_cap_bp = static_cast<std::int32_t>(*cap);
    c.level2_cash = *level2_cash;
    for (const auto& p : projects->value().as_array()) {
        auto campaign = campaign_from(p);
        if (!campaign) return std::nullopt;
        c.projects.push_back(std::move(*campaign));
    }
    if (!top->value().is_null()) {
        if (!top->value().is_object()) return std::nullopt;
        const auto& t = top->value().as_object();
        auto pool = int_at(t, "pool_bp"), threshold = int_at(t, "threshold_fen");
        auto period = parse_bonus_period(text_at(t, "period").value_or(""));
        if (!pool || !threshold || !period) return std::nullopt;
        c.top_dealer = top_dealer_bonus{.pool_bp = static_cast<std::int32_t>(*pool), .threshold_fen = *threshold, .period = *period};
    }
    if (!sign_off->value().is_null()) {
        if (!sign_off->value().is_object()) return std::nullopt;
        const auto& s = sign_off->value().as_object();
        auto who = text_at(s, "operator_user_id");
        auto at = time_at(s, "signed_at");
        auto reference = text_at(s, "reference");
        std::uint64_t operator_id = 0;
        if (!who || !at || !reference || who->empty() ||
            std::from_chars(who->data(), who->data() + who->size(), operator_id).ptr != who->data() + who->size())
            return std::nullopt;
        c.level2_cash_sign_off = cash_sign_off{.operator_user_id = operator_id, .signed_at = *at, .reference = *reference};
    }
    return c;
}

}  // namespace sharedstore

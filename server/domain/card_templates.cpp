#include "server/domain/card_templates.hpp"

#include "common/utf8.hpp"
#include "server/domain/rfc3339.hpp"

#include <algorithm>

namespace sharedstore {

std::optional<card_kind> parse_card_kind(std::string_view text) {
    if (text == "vip") return card_kind::vip;
    if (text == "treat") return card_kind::treat;
    if (text == "gift") return card_kind::gift;
    return std::nullopt;
}

std::string_view to_string(card_kind kind) {
    switch (kind) {
    case card_kind::vip: return "vip";
    case card_kind::treat: return "treat";
    case card_kind::gift: return "gift";
    }
    return "vip";
}

std::variant<card_template, std::vector<validation_problem>> validate_card_template(const card_template_input& in) {
    std::vector<validation_problem> problems;
    auto kind = parse_card_kind(in.kind);
    if (!kind) problems.push_back({"kind", "invalid_kind", "kind is vip, treat or gift"});
    const auto title_length = utf8_length(in.title);
    if (title_length == 0 || title_length > 32) problems.push_back({"title", "title_length", "a title has 1 to 32 characters"});
    const auto benefit_length = utf8_length(in.benefit);
    if (benefit_length == 0 || benefit_length > 200) problems.push_back({"benefit", "benefit_length", "the benefit text has 1 to 200 characters"});
    auto from = parse_rfc3339(in.valid_from);
    auto until = parse_rfc3339(in.valid_until);
    if (!from) problems.push_back({"valid_from", "invalid_time", "an RFC 3339 time with a zone, e.g. 2026-12-01T00:00:00+08:00"});
    if (!until) problems.push_back({"valid_until", "invalid_time", "an RFC 3339 time with a zone, e.g. 2027-03-01T00:00:00+08:00"});
    if (from && until) {
        if (*until <= *from) problems.push_back({"valid_until", "window_empty", "valid_until must be after valid_from"});
        else if (*until - *from > std::chrono::hours(24 * 366 * 3)) problems.push_back({"valid_until", "window_too_long", "a card is valid for at most 3 years"});
    }
    if (!in.cover_url.empty() && (in.cover_url.rfind("https://", 0) != 0 || in.cover_url.size() > 512 ||
                                  std::any_of(in.cover_url.begin(), in.cover_url.end(), [](unsigned char c) { return c <= ' ' || c == '"'; })))
        problems.push_back({"cover_url", "invalid_url", "the cover image is an https:// URL of at most 512 bytes"});
    auto offer = validate_card_offer(in.offer);
    if (auto* offer_problems = std::get_if<std::vector<validation_problem>>(&offer))
        problems.insert(problems.end(), offer_problems->begin(), offer_problems->end());
    if (in.valid_days && (*in.valid_days < 1 || *in.valid_days > 1096))
        problems.push_back({"valid_days", "valid_days_out_of_range", "a held card is valid for 1 to 1096 days"});
    if (!problems.empty()) return problems;
    std::optional<int> valid_days;
    if (in.valid_days) valid_days = static_cast<int>(*in.valid_days);
    return card_template{*kind, in.title, in.benefit, in.cover_url, *from, *until, std::get<card_offer>(offer), valid_days};
}

}  // namespace sharedstore

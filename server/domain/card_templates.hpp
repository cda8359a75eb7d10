#pragma once
// Electronic cards a store hands out through partners (docs/business-rules.md section 1): kind, title,
// benefit text, validity window, optional cover image. Pure rules, no I/O.
#include "server/domain/card_offers.hpp"
#include "server/domain/validation_problem.hpp"

#include <chrono>
#include <variant>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

enum class card_kind { vip, treat, gift };
std::optional<card_kind> parse_card_kind(std::string_view text);
std::string_view to_string(card_kind kind);

struct card_template_input {
    std::string kind;
    std::string title;
    std::string benefit;
    std::string valid_from;   // RFC 3339
    std::string valid_until;  // RFC 3339
    std::string cover_url;    // optional
    card_offer_input offer;   // absent: described (the benefit text alone)
    std::optional<std::int64_t> valid_days;  // a held card's validity in the store's local days
};

struct card_template {
    card_kind kind;
    std::string title, benefit, cover_url;
    std::chrono::system_clock::time_point valid_from, valid_until;
    card_offer offer;
    std::optional<int> valid_days;  // none: until valid_until
};

// Every problem at once, or the template: kind vip|treat|gift, title 1..32 characters, benefit
// 1..200 characters, a window with from < until lasting at most 3 years, an https cover URL of
// at most 512 bytes, a valid offer (card_offers.hpp), valid_days 1..1096.
std::variant<card_template, std::vector<validation_problem>> validate_card_template(const card_template_input& input);

}  // namespace sharedstore

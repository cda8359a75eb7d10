#pragma once
// One reason an input (a tier set, a card, a setting) is refused; `field` points into the request
// ("tiers[2].ratio_bp"). Rules return every problem at once, so a form can show them all.
#include <string>

namespace sharedstore {

struct validation_problem {
    std::string field;
    std::string code;  // stable: ratio_out_of_range, buy_in_not_positive, duplicate_buy_in, ratio_decreases, ...
    std::string message;
};

}  // namespace sharedstore

#pragma once
// Boost.JSON keeps the last of two equal keys in an object, silently: {"amount_fen":-100,
// "amount_fen":100} reads as 100 while another parser (a log viewer, an auditor's script, a
// proxy's filter) reads -100. Inputs are refused instead; this finds the first such key.
#include <optional>
#include <string>
#include <string_view>

namespace sharedstore {

// The path of the first key that appears twice in one object ("tiers[1].ratio_bp"); nullopt when
// there is none or when `text` is not JSON at all (the caller's parse reports that).
std::optional<std::string> first_duplicate_key(std::string_view text);

}  // namespace sharedstore

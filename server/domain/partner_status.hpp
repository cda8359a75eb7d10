#pragma once
// Where a partnership stands (docs/business-rules.md section 1) and what the store chose for the
// dividends of a partner who is not active. Parsed and formatted only at the SQL and JSON edges.
#include <optional>
#include <string_view>

namespace sharedstore {

enum class partner_status { active, paused, ended };  // ended is final
enum class inactive_dividends { keep_paying, stop };

std::string_view to_string(partner_status status);
std::string_view to_string(inactive_dividends choice);
std::optional<partner_status> parse_partner_status(std::string_view text);
std::optional<inactive_dividends> parse_inactive_dividends(std::string_view text);

}  // namespace sharedstore

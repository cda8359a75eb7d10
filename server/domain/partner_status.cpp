#include "server/domain/partner_status.hpp"

namespace sharedstore {

std::string_view to_string(partner_status status) {
    switch (status) {
    case partner_status::active: return "active";
    case partner_status::paused: return "paused";
    case partner_status::ended: return "ended";
    }
    return "ended";
}

std::string_view to_string(inactive_dividends choice) { return choice == inactive_dividends::stop ? "stop" : "keep_paying"; }

std::optional<partner_status> parse_partner_status(std::string_view text) {
    if (text == "active") return partner_status::active;
    if (text == "paused") return partner_status::paused;
    if (text == "ended") return partner_status::ended;
    return std::nullopt;
}

std::optional<inactive_dividends> parse_inactive_dividends(std::string_view text) {
    if (text == "keep_paying") return inactive_dividends::keep_paying;
    if (text == "stop") return inactive_dividends::stop;
    return std::nullopt;
}

}  // namespace sharedstore

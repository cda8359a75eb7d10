#pragma once
// A bonus configuration as JSON (docs/bonus.md): how a version is stored (config_json) and how the
// API shows it. One shape for both, so what a merchant reads is what the awards run under.
#include "server/domain/bonus_config.hpp"

#include <boost/json.hpp>

#include <optional>

namespace sharedstore {

boost::json::object bonus_config_to_json(const bonus_config& config);
// nullopt when the text is not a configuration this code wrote (a corrupt row is never guessed at).
std::optional<bonus_config> bonus_config_from_json(const boost::json::value& value);

boost::json::object campaign_to_json(const project_campaign& campaign);
boost::json::object top_dealer_to_json(const top_dealer_bonus& bonus);

}  // namespace sharedstore

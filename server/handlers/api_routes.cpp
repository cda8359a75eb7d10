#include "server/handlers/api_routes.hpp"

#include "server/handlers/auth_handlers.hpp"
#include "server/handlers/card_wallet_handlers.hpp"
#include "server/handlers/console_handlers.hpp"
#include "server/handlers/console_static_handlers.hpp"
#include "server/handlers/dashboard_handlers.hpp"
#include "server/handlers/health_handlers.hpp"
#include "server/handlers/alliance_handlers.hpp"
#include "server/handlers/alliance_settlement_handlers.hpp"
#include "server/handlers/alliance_supply_handlers.hpp"
#include "server/handlers/bonus_handlers.hpp"
#include "server/handlers/centre_handlers.hpp"
#include "server/handlers/member_handlers.hpp"
#include "server/handlers/merchant_handlers.hpp"
#include "server/handlers/merchant_refund_handlers.hpp"
#include "server/handlers/order_handlers.hpp"
#include "server/handlers/partner_handlers.hpp"
#include "server/handlers/payout_handlers.hpp"
#include "server/handlers/pos_key_handlers.hpp"
#include "server/handlers/promoter_handlers.hpp"
#include "server/handlers/region_handlers.hpp"
#include "server/handlers/report_handlers.hpp"
#include "server/handlers/share_handlers.hpp"
#include "server/handlers/share_statement_handlers.hpp"
#include "server/handlers/subscription_handlers.hpp"

#include <string>

namespace sharedstore {

std::vector<route> api_routes() {
    std::vector<route> all;
    for (auto area : {health_routes(), auth_routes(), merchant_routes(), partner_routes(), share_routes(), card_wallet_routes(), pos_key_routes(), order_routes(),
                      merchant_refund_routes(), report_routes(), dashboard_routes(), subscription_routes(), payout_routes(), member_routes(), bonus_routes(), alliance_routes(), alliance_supply_routes(), alliance_settlement_routes(),
                      region_routes(), promoter_routes(), centre_routes(), share_statement_routes(), console_routes(),
                      console_static_routes()})
        all.insert(all.end(), area.begin(), area.end());
    return all;
}

void add_api_routes(router& routes, const api_services& services, const authenticator& auth) {
    for (const auto& r : api_routes()) {
        guarded_handler handler = [&services, function = r.handler](http_request& request, const caller& who) {
            return function(services, request, who);
        };
        routes.add(std::string(r.method), std::string(r.pattern), guarded(r.required, auth, std::move(handler)));
    }
}

}  // namespace sharedstore

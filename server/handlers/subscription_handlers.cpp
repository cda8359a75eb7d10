#include "server/handlers/subscription_handlers.hpp"

#include "server/handlers/api_services.hpp"
#include "server/http/body_reader.hpp"
#include "server/services/subscription_service.hpp"

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// What wx.requestSubscribeMessage answered: each "accept" allows one fallback message.
asio::awaitable<http_response> handle_record_subscription(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    auto template_id = body.required_string("template_id", 1, 64);
    const auto accepted = static_cast<int>(body.optional_int("accepted", 1, 50).value_or(1));
    body.finish();
    auto id = template_id;
    const auto remaining = co_await s.subscriptions.record(who.user_id, std::move(id), accepted);
    co_return http_response::json(200, json::object{{"template_id", template_id}, {"remaining", remaining}});
}

constexpr route subscription_table[] = {
    {"POST", "/api/v1/me/subscriptions", route_access::user_session, handle_record_subscription},
};

}  // namespace

std::span<const route> subscription_routes() { return subscription_table; }

}  // namespace sharedstore

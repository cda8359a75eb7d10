#include "wechat/simulator/simulator_handler.hpp"

#include "wechat/simulator/qr_image.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/parse.hpp>

#include <set>

namespace sharedstore::simulator {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::string query_param(const http_request& request, std::string_view name) {
    auto params = boost::urls::parse_query(request.query);
    if (!params) return {};
    for (auto param : *params) {
        if (param.key == name) {
            auto decoded = param.value.decode();
            return decoded;
        }
    }
    return {};
}

json::object body_object(const http_request& request) {
    boost::system::error_code ec;
    auto value = json::parse(request.body, ec);
    if (ec || !value.is_object()) return {};
    return value.as_object();
}

http_response wechat_json(const json::object& answer) { return http_response::json(200, answer); }

http_response control_error(int status, std::string message) {
    return http_response::json(status, json::object{{"error", message}});
}

std::string string_of(const json::object& o, std::string_view key) {
    auto it = o.find(key);
    return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
}

std::int64_t int_of(const json::object& o, std::string_view key, std::int64_t fallback) {
    auto it = o.find(key);
    return it != o.end() && it->value().is_int64() ? it->value().as_int64() : fallback;
}

auto now() { return std::chrono::system_clock::now(); }

}  // namespace

simulator_handler::simulator_handler(simulator_state& state, logger& log, pay_simulator* pay, https_client* notifier,
                                     double retry_scale, transfer_simulator* transfers)
    : state_(state), log_(log), pay_(pay), transfers_(transfers), notifier_(notifier), retry_scale_(retry_scale) {
    add_wechat_routes();
    add_control_routes();
    add_pay_routes();
    add_transfer_routes();
}

// WeChat's retry schedule for notifications that were not answered 2xx (about 24 hours).
static constexpr int retry_schedule_seconds[] = {15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600};

asio::awaitable<void> simulator_handler::deliver(pay_notification notification, std::string subject) {
    const int attempts = 1 + static_cast<int>(std::size(retry_schedule_seconds));
    for (int attempt = 0; attempt < attempts; ++attempt) {
        if (attempt > 0) {
            const auto pause = std::chrono::milliseconds(
                static_cast<long long>(retry_schedule_seconds[attempt - 1] * 1000.0 * retry_scale_));
            auto executor = co_await asio::this_coro::executor;
            asio::steady_timer timer(executor, pause);
            co_await timer.async_wait(asio::use_awaitable);
        }
        const int status = co_await deliver_once(notification, subject, attempt + 1);
        if (status == 200 || status == 204) co_return;  // WeChat: the status decides, whatever the body says
    }
    log_.warn("pay_notification_abandoned", {{"event_type", notification.event_type}});
}

asio::awaitable<int> simulator_handler::deliver_once(const pay_notification& notification, const std::string& subject, int attempt) {
    const bool corrupt = corrupt_next_signatures_ > 0;
    if (corrupt) --corrupt_next_signatures_;
    client_request request;
    request.method = "POST";
    request.url = notification.url;
    request.body = notification.body;
    request.headers = pay_->sign_delivery(notification.body, now(), corrupt);
    request.headers.emplace_back("Content-Type", "application/json");
    int status = 0;
    std::string answer;
    try {
        auto response = co_await notifier_->send(std::move(request));
        status = response.status;
        answer = response.body.substr(0, 200);
    } catch (const std::exception& e) {
        answer = e.what();
    }
    deliveries_.push_back(json::object{{notification.subject_field, subject}, {"event_type", notification.event_type},
                                       {"attempt", attempt}, {"bad_signature", corrupt}, {"status", status}, {"answer", answer}});
    log_.info("pay_notification_delivery", {{"event_type", notification.event_type}, {"attempt", attempt}, {"status", status}});
    co_return status;
}

// Copies of one notification sent at once; the last one to finish wakes the waiting request.
struct simulator_handler::redelivery {
    explicit redelivery(asio::any_io_executor executor, int copies) : remaining(copies), done(executor) {
        done.expires_at(asio::steady_timer::time_point::max());
    }
    int remaining;
    json::array statuses;
    asio::steady_timer done;
};

asio::awaitable<void> simulator_handler::redeliver_once(std::shared_ptr<redelivery> state, pay_notification notification,
                                                       std::string subject) {
    const int status = co_await deliver_once(notification, subject, 1);
    state->statuses.push_back(status);
    if (--state->remaining == 0) state->done.cancel();
}

asio::awaitable<http_response> simulator_handler::redeliver(pay_notification notification, std::string subject, int copies) {
    auto executor = co_await asio::this_coro::executor;
    auto state = std::make_shared<redelivery>(executor, copies);
    for (int i = 0; i < copies; ++i) asio::co_spawn(executor, redeliver_once(state, notification, subject), asio::detached);
    boost::system::error_code ec;
    co_await state->done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    co_return http_response::json(200, json::object{{"statuses", state->statuses}});
}

void simulator_handler::add_pay_routes() {
    auto not_configured = [] {
        return http_response::json(503, json::object{{"code", "SYSTEM_ERROR"}, {"message", "the simulator was started without WeChat Pay keys"}});
    };
    routes_.add("POST", "/v3/pay/transactions/jsapi", [this, not_configured](http_request& r) -> asio::awaitable<http_response> {
        if (!pay_) co_return not_configured();
        state_.count_call("pay_jsapi");
        co_return pay_->jsapi_prepay(r, now());
    });
    routes_.add("GET", "/v3/pay/transactions/out-trade-no/{out_trade_no}", [this, not_configured](http_request& r) -> asio::awaitable<http_response> {
        if (!pay_) co_return not_configured();
        state_.count_call("pay_query");
        co_return pay_->query_transaction(r, r.path_params.at("out_trade_no"), now());
    });
    routes_.add("GET", "/v3/pay/transactions/id/{transaction_id}", [this, not_configured](http_request& r) -> asio::awaitable<http_response> {
        if (!pay_) co_return not_configured();
        state_.count_call("pay_query_by_id");
        co_return pay_->query_by_transaction_id(r, r.path_params.at("transaction_id"), now());
    });
    routes_.add("POST", "/v3/pay/transactions/out-trade-no/{out_trade_no}/close", [this, not_configured](http_request& r) -> asio::awaitable<http_response> {
        if (!pay_) co_return not_configured();
        state_.count_call("pay_close");
        co_return pay_->close_order(r, r.path_params.at("out_trade_no"), now());
    });
    routes_.add("POST", "/v3/refund/domestic/refunds", [this, not_configured](http_request& r) -> asio::awaitable<http_response> {
        if (!pay_) co_return not_configured();
        state_.count_call("pay_refund");
        auto answer = pay_->create_refund(r, now());
        if (answer.notification) {
            last_notification_[answer.out_trade_no] = *answer.notification;
            auto executor = co_await asio::this_coro::executor;
            asio::co_spawn(executor, deliver(std::move(*answer.notification), answer.out_trade_no), asio::detached);
        }
        co_return std::move(answer.response);
    });
    routes_.add("GET", "/v3/refund/domestic/refunds/{out_refund_no}", [this, not_configured](http_request& r) -> asio::awaitable<http_response> {
        if (!pay_) co_return not_configured();
        state_.count_call("pay_refund_query");
        co_return pay_->query_refund(r, r.path_params.at("out_refund_no"), now());
    });
    routes_.add("GET", "/v3/certificates", [this, not_configured](http_request& r) -> asio::awaitable<http_response> {
        if (!pay_) co_return not_configured();
        state_.count_call("pay_certificates");
        co_return pay_->certificates(r, now());
    });
    // How the next refunds are answered: {"answer": "PROCESSING" | "SUCCESS", "notify": bool}.
    routes_.add("POST", "/sim/v1/pay/refund-behaviour", [this, not_configured](http_request& r) -> asio::awaitable<http_response> {
        if (!pay_) co_return not_configured();
        auto body = body_object(r);
        const auto answer = string_of(body, "answer");
        if (answer != "PROCESSING" && answer != "SUCCESS") co_return control_error(400, "answer is PROCESSING or SUCCESS");
        auto notify = body.find("notify");
        pay_->set_refund_behaviour(answer, notify == body.end() || !notify->value().is_bool() || notify->value().as_bool());
        co_return http_response::json(200, json::object{{"ok", true}});
    });
    routes_.add("POST", "/sim/v1/pay/transactions/{out_trade_no}/succeed", [this, not_configured](http_request& r) -> asio::awaitable<http_response> {
        if (!pay_) co_return not_configured();
        const auto out_trade_no = r.path_params.at("out_trade_no");
        auto outcome = pay_->succeed(out_trade_no, now());
        if (auto* problem = std::get_if<std::string>(&outcome)) co_return control_error(409, *problem);
        last_notification_[out_trade_no] = std::get<pay_notification>(outcome);
        auto executor = co_await asio::this_coro::executor;
        asio::co_spawn(executor, deliver(std::get<pay_notification>(std::move(outcome)), out_trade_no), asio::detached);
        co_return http_response::json(200, json::object{{"transaction_id", pay_->find(out_trade_no)->transaction_id}});
    });
    routes_.add("POST", "/sim/v1/pay/refunds", [this, not_configured](http_request& r) -> asio::awaitable<http_response> {
        if (!pay_) co_return not_configured();
        auto body = body_object(r);
        const auto out_trade_no = string_of(body, "out_trade_no");
        auto outcome = pay_->refund(out_trade_no, int_of(body, "amount_fen", 0), now());
        if (auto* problem = std::get_if<std::string>(&outcome)) co_return control_error(409, *problem);
        last_notification_[out_trade_no] = std::get<pay_notification>(outcome);
        auto executor = co_await asio::this_coro::executor;
        asio::co_spawn(executor, deliver(std::get<pay_notification>(std::move(outcome)), out_trade_no), asio::detached);
        co_return http_response::json(200, json::object{{"ok", true}});
    });
    // The last notification of an order sent again, `copies` times at once (each signed afresh,
    // no retries), as WeChat may deliver one notification several times concurrently.
    routes_.add("POST", "/sim/v1/pay/transactions/{out_trade_no}/redeliver", [this, not_configured](http_request& r) -> asio::awaitable<http_response> {
        if (!pay_) co_return not_configured();
        const auto out_trade_no = r.path_params.at("out_trade_no");
        auto last = last_notification_.find(out_trade_no);
        if (last == last_notification_.end()) co_return control_error(409, "no notification of that order yet");
        const int copies = static_cast<int>(int_of(body_object(r), "copies", 1));
        if (copies < 1 || copies > 100) co_return control_error(400, "copies is 1 to 100");
        auto notification = last->second;
        co_return co_await redeliver(std::move(notification), out_trade_no, copies);
    });
    routes_.add("GET", "/sim/v1/pay/deliveries", [this](http_request&) -> asio::awaitable<http_response> {
        co_return http_response::json(200, json::object{{"deliveries", deliveries_}});
    });
    routes_.add("POST", "/sim/v1/pay/faults", [this](http_request& r) -> asio::awaitable<http_response> {
        corrupt_next_signatures_ += static_cast<int>(int_of(body_object(r), "bad_signature", 0));
        co_return http_response::json(200, json::object{{"ok", true}});
    });
}

asio::awaitable<std::optional<http_response>> simulator_handler::apply_fault(const std::string& endpoint) {
    state_.count_call(endpoint);
    auto f = state_.take_fault(endpoint);
    if (!f) co_return std::nullopt;
    if (f->latency.count() > 0) {
        auto executor = co_await asio::this_coro::executor;
        asio::steady_timer pause(executor, f->latency);
        co_await pause.async_wait(asio::use_awaitable);
    }
    if (f->errcode == 0) co_return std::nullopt;
    co_return wechat_json(json::object{{"errcode", f->errcode}, {"errmsg", "simulated fault"}});
}

void simulator_handler::add_wechat_routes() {
    routes_.add("GET", "/sns/jscode2session", [this](http_request& r) -> asio::awaitable<http_response> {
        if (auto faulted = co_await apply_fault("jscode2session")) co_return *faulted;
        co_return wechat_json(state_.jscode2session(query_param(r, "appid"), query_param(r, "secret"), query_param(r, "js_code"),
                                                    query_param(r, "grant_type"), now()));
    });
    routes_.add("POST", "/cgi-bin/stable_token", [this](http_request& r) -> asio::awaitable<http_response> {
        if (auto faulted = co_await apply_fault("stable_token")) co_return *faulted;
        co_return wechat_json(state_.stable_token(body_object(r), now()));
    });
    routes_.add("POST", "/wxa/business/getuserphonenumber", [this](http_request& r) -> asio::awaitable<http_response> {
        if (auto faulted = co_await apply_fault("getuserphonenumber")) co_return *faulted;
        co_return wechat_json(state_.get_user_phone_number(query_param(r, "access_token"), body_object(r), now()));
    });
    routes_.add("POST", "/wxa/getwxacodeunlimit", [this](http_request& r) -> asio::awaitable<http_response> {
        if (auto faulted = co_await apply_fault("getwxacodeunlimit")) co_return *faulted;
        auto body = body_object(r);
        if (auto problem = state_.check_wxacode(query_param(r, "access_token"), body, now())) co_return wechat_json(*problem);
        co_return http_response::text(200, make_qr_png(string_of(body, "scene"), string_of(body, "page")), "image/png");
    });
    routes_.add("POST", "/cgi-bin/message/subscribe/send", [this](http_request& r) -> asio::awaitable<http_response> {
        if (auto faulted = co_await apply_fault("subscribe_send")) co_return *faulted;
        co_return wechat_json(state_.send_subscribe_message(query_param(r, "access_token"), body_object(r), now()));
    });
}

void simulator_handler::add_control_routes() {
    routes_.add("POST", "/sim/v1/login-codes", [this](http_request& r) -> asio::awaitable<http_response> {
        auto body = body_object(r);
        const auto openid = string_of(body, "openid");
        if (openid.empty()) co_return control_error(400, "openid is required");
        co_return http_response::json(200, json::object{{"code", state_.issue_login_code(openid, string_of(body, "unionid"), now())}});
    });
    routes_.add("POST", "/sim/v1/phone-codes", [this](http_request& r) -> asio::awaitable<http_response> {
        auto body = body_object(r);
        const auto openid = string_of(body, "openid"), phone = string_of(body, "phone");
        if (openid.empty() || phone.empty()) co_return control_error(400, "openid and phone are required");
        auto country = string_of(body, "country_code");
        co_return http_response::json(
            200, json::object{{"code", state_.issue_phone_code(openid, phone, country.empty() ? "86" : country, now())}});
    });
    routes_.add("POST", "/sim/v1/subscriptions", [this](http_request& r) -> asio::awaitable<http_response> {
        auto body = body_object(r);
        const auto touser = string_of(body, "touser"), template_id = string_of(body, "template_id");
        if (touser.empty() || template_id.empty()) co_return control_error(400, "touser and template_id are required");
        state_.grant_subscription(touser, template_id, static_cast<int>(int_of(body, "count", 1)));
        co_return http_response::json(200, json::object{{"ok", true}});
    });
    routes_.add("GET", "/sim/v1/subscribe-messages", [this](http_request& r) -> asio::awaitable<http_response> {
        json::array items;
        for (const auto& m : state_.messages_to(query_param(r, "touser"))) {
            json::object data;
            for (const auto& [k, v] : m.data) data[k] = json::object{{"value", v}};
            items.push_back(json::object{{"msgid", m.msgid}, {"touser", m.touser}, {"template_id", m.template_id},
                                         {"page", m.page}, {"miniprogram_state", m.miniprogram_state}, {"lang", m.lang},
                                         {"data", std::move(data)}});
        }
        co_return http_response::json(200, json::object{{"messages", std::move(items)}});
    });
    routes_.add("POST", "/sim/v1/faults", [this](http_request& r) -> asio::awaitable<http_response> {
        auto body = body_object(r);
        const auto endpoint = string_of(body, "endpoint");
        static const std::set<std::string> endpoints{"jscode2session", "stable_token", "getuserphonenumber", "getwxacodeunlimit",
                                                     "subscribe_send"};
        static const std::set<std::string> pay_endpoints{"transfer_create", "transfer_query", "transfer_cancel"};
        if (!endpoints.count(endpoint) && !pay_endpoints.count(endpoint))
            co_return control_error(400, "endpoint must be one of jscode2session, stable_token, getuserphonenumber, getwxacodeunlimit, "
                                         "subscribe_send, transfer_create, transfer_query, transfer_cancel");
        fault f;
        f.errcode = static_cast<int>(int_of(body, "errcode", 0));
        f.latency = std::chrono::milliseconds(int_of(body, "latency_ms", 0));
        if (pay_endpoints.count(endpoint)) {
            // WeChat Pay's shape: {code, status}; the usual codes bring their status.
            static const std::map<std::string, int> statuses{{"NOT_ENOUGH", 403}, {"FREQUENCY_LIMITED", 429}, {"SYSTEM_ERROR", 500},
                                                             {"PARAM_ERROR", 400}, {"INVALID_REQUEST", 400}, {"NO_AUTH", 403}};
            f.code = string_of(body, "code");
            f.status = static_cast<int>(int_of(body, "status", statuses.count(f.code) ? statuses.at(f.code) : 0));
            if (!f.code.empty() && (f.status < 400 || f.status > 599)) co_return control_error(400, "status is 400 to 599 for that code");
            auto after = body.find("after_create");
            f.after_create = after != body.end() && after->value().is_bool() && after->value().as_bool();
            if (f.after_create && endpoint != "transfer_create") co_return control_error(400, "after_create is for transfer_create");
        }
        state_.add_faults(endpoint, f, static_cast<int>(int_of(body, "count", 1)));
        co_return http_response::json(200, json::object{{"ok", true}});
    });
    routes_.add("DELETE", "/sim/v1/faults", [this](http_request&) -> asio::awaitable<http_response> {
        state_.clear_faults();
        co_return http_response::json(200, json::object{{"ok", true}});
    });
    routes_.add("POST", "/sim/v1/access-token/revoke", [this](http_request&) -> asio::awaitable<http_response> {
        state_.revoke_access_token(now());
        co_return http_response::json(200, json::object{{"ok", true}});
    });
    routes_.add("GET", "/sim/v1/stats", [this](http_request&) -> asio::awaitable<http_response> {
        co_return http_response::json(200, state_.stats());
    });
}

asio::awaitable<http_response> simulator_handler::handle(http_request& request) {
    auto match = routes_.match(request.method, request.path);
    http_response response;
    if (match.outcome == route_outcome::found) {
        request.path_params = std::move(match.params);
        response = co_await (*match.handler)(request);
    } else if (pay_ && request.path.rfind("/v3/", 0) == 0) {
        response = pay_->unknown_path(request, match.outcome == route_outcome::not_found ? 404 : 405, now());
    } else {
        response = http_response::json(match.outcome == route_outcome::not_found ? 404 : 405,
                                       json::object{{"errcode", -1}, {"errmsg", "no such API in the simulator"}});
    }
    // Log the path only: queries carry secrets and codes, as WeChat's would.
    log_.info("sim_request", {{"method", request.method}, {"path", request.path}, {"status", response.status}});
    co_return response;
}

http_response simulator_handler::reject(http_request&, int status, std::string_view, std::string_view message) {
    return control_error(status, std::string(message));
}

}  // namespace sharedstore::simulator

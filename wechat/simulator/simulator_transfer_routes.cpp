// The simulator's merchant transfer routes: WeChat Pay's /v3/fund-app/mch-transfer/... and the
// control API that plays the payee (/sim/v1/transfers/...). docs/simulator.md, "Merchant transfers".
#include "wechat/simulator/simulator_handler.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

namespace sharedstore::simulator {

namespace asio = boost::asio;
namespace json = boost::json;
using wechat_pay::transfer_state;

namespace {

auto now() { return std::chrono::system_clock::now(); }

http_response control_error(int status, std::string message) { return http_response::json(status, json::object{{"error", message}}); }

http_response not_configured() {
    return http_response::json(503, json::object{{"code", "SYSTEM_ERROR"}, {"message", "the simulator was started without WeChat Pay keys"}});
}

std::optional<json::object> control_body(const http_request& request) {
    if (request.body.empty()) return json::object{};
    boost::system::error_code ec;
    auto value = json::parse(request.body, ec);
    if (ec || !value.is_object()) return std::nullopt;
    return std::move(value.as_object());
}

std::string string_of(const json::object& o, std::string_view key) {
    auto it = o.find(key);
    return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
}

// The bill a control call names: {"out_bill_no"} or {"package"} (what the mini-program holds).
std::string locator_of(const json::object& body) {
    auto out_bill_no = string_of(body, "out_bill_no");
    return out_bill_no.empty() ? string_of(body, "package") : out_bill_no;
}

http_response events_answer(const std::variant<std::vector<transfer_event>, std::string>& outcome, const transfer_record* bill) {
    if (auto* problem = std::get_if<std::string>(&outcome)) return control_error(409, *problem);
    json::object answer{{"ok", true}};
    if (bill) {
        answer["out_bill_no"] = bill->out_bill_no;
        answer["state"] = wechat_pay::to_string(bill->state);
    }
    return http_response::json(200, answer);
}

}  // namespace

void simulator_handler::deliver_transfer_events(asio::any_io_executor executor, std::vector<transfer_event> events) {
    for (auto& e : events) {
        last_transfer_notification_[e.out_bill_no] = e.notification;
        asio::co_spawn(executor, deliver(std::move(e.notification), e.out_bill_no), asio::detached);
    }
}

asio::awaitable<void> simulator_handler::close_when_due(pay_time_point due) {
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer timer(executor, std::chrono::duration_cast<std::chrono::steady_clock::duration>(due - now()));
    co_await timer.async_wait(asio::use_awaitable);
    // A bill that moved on meanwhile (confirmed, cancelled) is not closed.
    deliver_transfer_events(executor, transfers_->close_expired(now()));
}

asio::awaitable<void> simulator_handler::settle_after(std::string out_bill_no, std::chrono::milliseconds pause) {
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer timer(executor, pause);
    co_await timer.async_wait(asio::use_awaitable);
    auto settled = transfers_->settle(out_bill_no, now());
    if (auto* events = std::get_if<std::vector<transfer_event>>(&settled)) deliver_transfer_events(executor, std::move(*events));
}

asio::awaitable<std::optional<http_response>> simulator_handler::apply_pay_fault(const fault& f, const http_request& request) {
    if (f.latency.count() > 0) {
        auto executor = co_await asio::this_coro::executor;
        asio::steady_timer pause(executor, f.latency);
        co_await pause.async_wait(asio::use_awaitable);
    }
    if (f.code.empty()) co_return std::nullopt;
    co_return pay_->error(f.status, f.code, "simulated fault", now(), request);
}

void simulator_handler::add_transfer_routes() {
    routes_.add("POST", "/v3/fund-app/mch-transfer/transfer-bills", [this](http_request& r) -> asio::awaitable<http_response> {
        if (!transfers_) co_return not_configured();
        state_.count_call("transfer_create");
        auto f = state_.take_fault("transfer_create");
        if (f && !f->after_create)
            if (auto faulted = co_await apply_pay_fault(*f, r)) co_return *faulted;
        auto answer = transfers_->create(r, now());
        auto executor = co_await asio::this_coro::executor;
        deliver_transfer_events(executor, std::move(answer.events));
        if (answer.created) asio::co_spawn(executor, close_when_due(transfers_->find(answer.out_bill_no)->expires_at), asio::detached);
        // The bill exists now; the caller sees the fault (a 5xx, or no answer before its timeout).
        if (f && f->after_create)
            if (auto faulted = co_await apply_pay_fault(*f, r)) co_return *faulted;
        co_return std::move(answer.response);
    });
    auto query = [this](http_request& r, bool by_transfer_bill_no) -> asio::awaitable<http_response> {
        if (!transfers_) co_return not_configured();
        state_.count_call("transfer_query");
        if (auto f = state_.take_fault("transfer_query"))
            if (auto faulted = co_await apply_pay_fault(*f, r)) co_return *faulted;
        auto answer = by_transfer_bill_no ? transfers_->query_by_transfer_bill_no(r, r.path_params.at("transfer_bill_no"), now())
                                          : transfers_->query(r, r.path_params.at("out_bill_no"), now());
        auto executor = co_await asio::this_coro::executor;
        deliver_transfer_events(executor, std::move(answer.events));
        co_return std::move(answer.response);
    };
    routes_.add("GET", "/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}",
                [query](http_request& r) -> asio::awaitable<http_response> { co_return co_await query(r, false); });
    routes_.add("GET", "/v3/fund-app/mch-transfer/transfer-bills/transfer-bill-no/{transfer_bill_no}",
                [query](http_request& r) -> asio::awaitable<http_response> { co_return co_await query(r, true); });
    routes_.add("POST", "/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}/cancel",
                [this](http_request& r) -> asio::awaitable<http_response> {
                    if (!transfers_) co_return not_configured();
                    state_.count_call("transfer_cancel");
                    if (auto f = state_.take_fault("transfer_cancel"))
                        if (auto faulted = co_await apply_pay_fault(*f, r)) co_return *faulted;
                    auto answer = transfers_->cancel(r, r.path_params.at("out_bill_no"), now());
                    auto executor = co_await asio::this_coro::executor;
                    deliver_transfer_events(executor, std::move(answer.events));
                    co_return std::move(answer.response);
                });

    // The payee on the confirm page (wx.requestMerchantTransfer): {"out_bill_no" | "package",
    // "openid"?, "result": "SUCCESS" | "FAIL", "fail_reason"?, "settle_after_ms"?}.
    routes_.add("POST", "/sim/v1/transfers/confirm", [this](http_request& r) -> asio::awaitable<http_response> {
        if (!transfers_) co_return not_configured();
        auto body = control_body(r);
        if (!body) co_return control_error(400, "the body is a JSON object");
        confirmation c;
        c.openid = string_of(*body, "openid");
        const auto result = string_of(*body, "result");
        if (!result.empty()) {
            auto parsed = wechat_pay::parse_transfer_state(result);
            if (!parsed || (*parsed != transfer_state::success && *parsed != transfer_state::fail))
                co_return control_error(400, "result is SUCCESS or FAIL");
            c.result = *parsed;
        }
        if (auto reason = string_of(*body, "fail_reason"); !reason.empty()) c.fail_reason = reason;
        std::int64_t settle_after_ms = 0;
        if (auto it = body->find("settle_after_ms"); it != body->end()) {
            if (!it->value().is_int64() || it->value().as_int64() < 0 || it->value().as_int64() > 86400000)
                co_return control_error(400, "settle_after_ms is 0 to 86400000");
            settle_after_ms = it->value().as_int64();
        }
        c.settle_now = settle_after_ms == 0;
        const auto locator = locator_of(*body);
        auto outcome = transfers_->confirm(locator, c, now());
        auto executor = co_await asio::this_coro::executor;
        if (auto* events = std::get_if<std::vector<transfer_event>>(&outcome)) deliver_transfer_events(executor, std::move(*events));
        const auto* bill = transfers_->find(locator);
        // TRANSFERING for a while, then the outcome the confirmation chose.
        if (!c.settle_now && bill && std::holds_alternative<std::vector<transfer_event>>(outcome))
            asio::co_spawn(executor, settle_after(bill->out_bill_no, std::chrono::milliseconds(settle_after_ms)), asio::detached);
        co_return events_answer(outcome, bill);
    });
    // The payee closed the confirm page without confirming: the bill keeps waiting (WeChat does
    // not cancel it) until it is confirmed, cancelled or closed after 24 h.
    routes_.add("POST", "/sim/v1/transfers/decline", [this](http_request& r) -> asio::awaitable<http_response> {
        if (!transfers_) co_return not_configured();
        auto body = control_body(r);
        if (!body) co_return control_error(400, "the body is a JSON object");
        const auto locator = locator_of(*body);
        auto outcome = transfers_->decline(locator, now());
        auto executor = co_await asio::this_coro::executor;
        if (auto* events = std::get_if<std::vector<transfer_event>>(&outcome)) deliver_transfer_events(executor, std::move(*events));
        co_return events_answer(outcome, transfers_->find(locator));
    });
    // WeChat's 24 h close, now: the waiting bill ends as FAIL and is notified.
    routes_.add("POST", "/sim/v1/transfers/expire", [this](http_request& r) -> asio::awaitable<http_response> {
        if (!transfers_) co_return not_configured();
        auto body = control_body(r);
        if (!body) co_return control_error(400, "the body is a JSON object");
        const auto locator = locator_of(*body);
        auto outcome = transfers_->expire(locator, now());
        auto executor = co_await asio::this_coro::executor;
        if (auto* events = std::get_if<std::vector<transfer_event>>(&outcome)) deliver_transfer_events(executor, std::move(*events));
        co_return events_answer(outcome, transfers_->find(locator));
    });
    // How creates answer: {"answer": "WAIT_USER_CONFIRM" | "ACCEPTED"}.
    routes_.add("POST", "/sim/v1/transfers/behaviour", [this](http_request& r) -> asio::awaitable<http_response> {
        if (!transfers_) co_return not_configured();
        auto body = control_body(r);
        auto state = body ? wechat_pay::parse_transfer_state(string_of(*body, "answer")) : std::nullopt;
        if (!state || (*state != transfer_state::accepted && *state != transfer_state::wait_user_confirm))
            co_return control_error(400, "answer is WAIT_USER_CONFIRM or ACCEPTED");
        transfers_->set_answer_state(*state);
        co_return http_response::json(200, json::object{{"ok", true}});
    });
    routes_.add("GET", "/sim/v1/transfers", [this](http_request&) -> asio::awaitable<http_response> {
        if (!transfers_) co_return not_configured();
        co_return http_response::json(200, json::object{{"bills", transfers_->list()}});
    });
    // The bill's last notification again, `copies` times at once (each signed afresh, no retries).
    routes_.add("POST", "/sim/v1/transfers/{out_bill_no}/redeliver", [this](http_request& r) -> asio::awaitable<http_response> {
        if (!transfers_) co_return not_configured();
        auto last = last_transfer_notification_.find(r.path_params.at("out_bill_no"));
        if (last == last_transfer_notification_.end()) co_return control_error(409, "no notification of that bill yet");
        auto body = control_body(r);
        if (!body) co_return control_error(400, "the body is a JSON object");
        const auto copies_value = body->contains("copies") && body->at("copies").is_int64() ? body->at("copies").as_int64() : 1;
        if (copies_value < 1 || copies_value > 100) co_return control_error(400, "copies is 1 to 100");
        const int copies = static_cast<int>(copies_value);
        auto notification = last->second;
        auto subject = last->first;
        co_return co_await redeliver(std::move(notification), std::move(subject), copies);
    });
}

}  // namespace sharedstore::simulator

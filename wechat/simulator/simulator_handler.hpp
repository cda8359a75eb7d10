#pragma once
// The simulator's HTTP face: WeChat's endpoints (same paths, parameters and answers as
// api.weixin.qq.com) plus its own control API under /sim/v1/ (docs/simulator.md).
// Runs on a single-threaded io_context, so the state needs no lock.
#include "common/http/http_server.hpp"
#include "common/http/router.hpp"
#include "common/log.hpp"
#include "wechat/https_client.hpp"
#include "wechat/simulator/pay_simulator.hpp"
#include "wechat/simulator/simulator_state.hpp"

#include <boost/json/array.hpp>

#include <map>
#include <memory>

namespace sharedstore::simulator {

class simulator_handler : public http_handler {
public:
    // `pay` may be null (no WeChat Pay keys given): then /v3/... answers 503. Notifications are
    // delivered with `notifier`, retried on WeChat's schedule multiplied by `retry_scale`.
    simulator_handler(simulator_state& state, logger& log, pay_simulator* pay = nullptr, https_client* notifier = nullptr,
                      double retry_scale = 1.0);

    boost::asio::awaitable<http_response> handle(http_request& request) override;
    http_response reject(http_request& partial, int status, std::string_view code, std::string_view message) override;

private:
    void add_wechat_routes();
    void add_control_routes();
    void add_pay_routes();
    // Posts a notification to the merchant until it answers 2xx or WeChat's schedule runs out.
    boost::asio::awaitable<void> deliver(pay_notification notification, std::string out_trade_no);
    // One delivery attempt (signed afresh); returns the merchant's HTTP status (0: no answer).
    boost::asio::awaitable<int> deliver_once(const pay_notification& notification, const std::string& out_trade_no, int attempt);
    struct redelivery;
    boost::asio::awaitable<void> redeliver_once(std::shared_ptr<redelivery> state, pay_notification notification, std::string out_trade_no);
    // Counts the call, then applies the next queued fault: waits its latency and, if it has an
    // errcode, answers that instead of the real thing.
    boost::asio::awaitable<std::optional<http_response>> apply_fault(const std::string& endpoint);

    simulator_state& state_;
    logger& log_;
    router routes_;
    pay_simulator* pay_;
    https_client* notifier_;
    double retry_scale_;
    int corrupt_next_signatures_ = 0;
    boost::json::array deliveries_;  // every delivery attempt, for tests and for people
    std::map<std::string, pay_notification> last_notification_;  // by out_trade_no, for redelivery
};

}  // namespace sharedstore::simulator

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
#include "wechat/simulator/transfer_simulator.hpp"

#include <boost/json/array.hpp>

#include <map>
#include <memory>

namespace sharedstore::simulator {

class simulator_handler : public http_handler {
public:
    // `pay` may be null (no WeChat Pay keys given): then /v3/... answers 503; `transfers` is the
    // merchant transfer API beside it. Notifications are delivered with `notifier`, retried on
    // WeChat's schedule multiplied by `retry_scale` (the simulator's time scale).
    simulator_handler(simulator_state& state, logger& log, pay_simulator* pay = nullptr, https_client* notifier = nullptr,
                      double retry_scale = 1.0, transfer_simulator* transfers = nullptr);

    boost::asio::awaitable<http_response> handle(http_request& request) override;
    http_response reject(http_request& partial, int status, std::string_view code, std::string_view message) override;

private:
    void add_wechat_routes();
    void add_control_routes();
    void add_pay_routes();
    void add_transfer_routes();  // simulator_transfer_routes.cpp
    // Posts a notification to the merchant until it answers 2xx or WeChat's schedule runs out.
    // `subject` is the order's out_trade_no or the bill's out_bill_no (notification.subject_field).
    boost::asio::awaitable<void> deliver(pay_notification notification, std::string subject);
    // One delivery attempt (signed afresh); returns the merchant's HTTP status (0: no answer).
    boost::asio::awaitable<int> deliver_once(const pay_notification& notification, const std::string& subject, int attempt);
    struct redelivery;
    boost::asio::awaitable<void> redeliver_once(std::shared_ptr<redelivery> state, pay_notification notification, std::string subject);
    // `copies` deliveries of `notification` at once, no retries: the merchant's statuses.
    boost::asio::awaitable<http_response> redeliver(pay_notification notification, std::string subject, int copies);
    // Transfer bills' notifications: remembered for redelivery and delivered.
    void deliver_transfer_events(boost::asio::any_io_executor executor, std::vector<transfer_event> events);
    // The 24 h close of a new bill, when its window passes.
    boost::asio::awaitable<void> close_when_due(pay_time_point due);
    // A confirmed bill held TRANSFERING ends after `pause`.
    boost::asio::awaitable<void> settle_after(std::string out_bill_no, std::chrono::milliseconds pause);
    // A WeChat Pay-shaped fault (a transfer_* endpoint's): waits its latency, then its error, if any.
    boost::asio::awaitable<std::optional<http_response>> apply_pay_fault(const fault& f, const http_request& request);
    // Counts the call, then applies the next queued fault: waits its latency and, if it has an
    // errcode, answers that instead of the real thing.
    boost::asio::awaitable<std::optional<http_response>> apply_fault(const std::string& endpoint);

    simulator_state& state_;
    logger& log_;
    router routes_;
    pay_simulator* pay_;
    transfer_simulator* transfers_;
    https_client* notifier_;
    double retry_scale_;
    int corrupt_next_signatures_ = 0;
    boost::json::array deliveries_;  // every delivery attempt, for tests and for people
    std::map<std::string, pay_notification> last_notification_;  // by out_trade_no, for redelivery
    std::map<std::string, pay_notification> last_transfer_notification_;  // by out_bill_no
};

}  // namespace sharedstore::simulator

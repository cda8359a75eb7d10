#pragma once
// The simulator's HTTP face: WeChat's endpoints (same paths, parameters and answers as
// api.weixin.qq.com) plus its own control API under /sim/v1/ (docs/simulator.md).
// Runs on a single-threaded io_context, so the state needs no lock.
#include "common/http/http_server.hpp"
#include "common/http/router.hpp"
#include "common/log.hpp"
#include "wechat/simulator/simulator_state.hpp"

namespace sharedstore::simulator {

class simulator_handler : public http_handler {
public:
    simulator_handler(simulator_state& state, logger& log);

    boost::asio::awaitable<http_response> handle(http_request& request) override;
    http_response reject(http_request& partial, int status, std::string_view code, std::string_view message) override;

private:
    void add_wechat_routes();
    void add_control_routes();
    // Counts the call, then applies the next queued fault: waits its latency and, if it has an
    // errcode, answers that instead of the real thing.
    boost::asio::awaitable<std::optional<http_response>> apply_fault(const std::string& endpoint);

    simulator_state& state_;
    logger& log_;
    router routes_;
};

}  // namespace sharedstore::simulator

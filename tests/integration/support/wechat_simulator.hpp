#pragma once
// A wechat-sim process of the test's own (its own appid, so Redis keys never collide with other
// tests'), and its control API, spoken over HTTPS verified against the test CA.
#include "tests/integration/support/child_process.hpp"
#include "tests/support/io_thread.hpp"
#include "wechat/https_client.hpp"

#include <boost/json/object.hpp>

#include <memory>
#include <string>

namespace sharedstore::test_support {

std::string test_keys_dir();  // SHAREDSTORE_TEST_KEYS_DIR, set by scripts/test
inline constexpr const char* test_mchid = "1900000001";

class simulator_process {
public:
    explicit simulator_process(std::vector<std::string> extra_args = {});
    ~simulator_process();

    int port() const { return port_; }
    const std::string& appid() const { return appid_; }
    std::string base_url() const { return "https://127.0.0.1:" + std::to_string(port_); }
    void kill();
    // Environment for a server_process that talks to this simulator. WeChat Pay notifications
    // need the server's port ahead of time: give one (free_tcp_port()) to have them delivered.
    environment_changes server_environment(int server_port = 0) const;

    std::string login_code(const std::string& openid, const std::string& unionid = "");
    std::string phone_code(const std::string& openid, const std::string& phone);
    void fault(const std::string& endpoint, int errcode, int count, int latency_ms = 0);
    void revoke_access_token();
    boost::json::object stats();
    long long calls(const std::string& endpoint);

    // Any request to the simulator (WeChat or control API).
    client_response send(const std::string& method, const std::string& path, const std::string& body = "");

private:
    std::string appid_;
    int port_ = 0;
    std::unique_ptr<child_process> process_;
    io_thread io_;
    std::unique_ptr<https_client> client_;
};

// Waits for a child's {"event":"listening","port":N} log line; throws with its output otherwise.
int wait_for_listening_port(child_process& process, const std::string& what);

}  // namespace sharedstore::test_support

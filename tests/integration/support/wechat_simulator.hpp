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
// The id WeChat Pay gives its public key (the key pair is wechatpay-pubkey-*.pem in the keys dir).
inline const std::string test_public_key_id = "PUB_KEY_ID_0119000000012026112700000000000001";

// How the simulator signs for WeChat Pay in this run: SHAREDSTORE_TEST_PAY_MODE = certificate
// (default), public_key, or both (a migration); ctest runs the payment suites in each.
std::string pay_mode();
// The simulator's arguments for that mode.
std::vector<std::string> pay_mode_arguments(const std::string& mode);

class simulator_process {
public:
    // In pay_mode() unless `extra_args` say otherwise (later arguments win).
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
    std::string mode_;  // the WeChat Pay signing mode it was started in
    int port_ = 0;
    std::unique_ptr<child_process> process_;
    io_thread io_;
    std::unique_ptr<https_client> client_;
};

// Waits for a child's {"event":"listening","port":N} log line; throws with its output otherwise.
int wait_for_listening_port(child_process& process, const std::string& what);

}  // namespace sharedstore::test_support

#include "tests/integration/support/wechat_simulator.hpp"

#include "common/random_token.hpp"
#include "tests/integration/support/test_environment.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <csignal>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace sharedstore::test_support {

namespace json = boost::json;

std::string test_keys_dir() {
    const char* dir = std::getenv("SHAREDSTORE_TEST_KEYS_DIR");
    if (!dir || !*dir) throw std::runtime_error("SHAREDSTORE_TEST_KEYS_DIR is not set: run the tests through scripts/test");
    return dir;
}

std::string pay_mode() {
    const char* mode = std::getenv("SHAREDSTORE_TEST_PAY_MODE");
    const std::string m = mode && *mode ? mode : "certificate";
    if (m != "certificate" && m != "public_key" && m != "both")
        throw std::runtime_error("SHAREDSTORE_TEST_PAY_MODE must be certificate, public_key or both, not " + m);
    return m;
}

std::vector<std::string> pay_mode_arguments(const std::string& mode) {
    const auto keys = test_keys_dir();
    std::vector<std::string> args{"--pay-signing", mode == "public_key" ? "public-key" : mode};
    if (mode != "certificate")
        args.insert(args.end(), {"--wechatpay-public-key-private", keys + "/wechatpay-pubkey-private.pem", "--wechatpay-public-key-id",
                                 test_public_key_id});
    return args;
}

int wait_for_listening_port(child_process& process, const std::string& what) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
        std::istringstream lines(process.output());
        std::string line;
        while (std::getline(lines, line))
            if (line.find("\"event\":\"listening\"") != std::string::npos)
                return static_cast<int>(json::parse(line).at("port").as_int64());
        if (!process.running()) throw std::runtime_error(what + " exited at start-up:\n" + process.output());
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error(what + " did not start listening within 15 s:\n" + process.output());
}

simulator_process::simulator_process(std::vector<std::string> extra_args) : appid_("wxtest" + random_hex(5)) {
    const auto keys = test_keys_dir();
    std::vector<std::string> args{WECHAT_SIM_BINARY, "--appid", appid_, "--app-secret-file", keys + "/wechat-app-secret",
                                  "--port", "0", "--tls-cert", keys + "/wechat-sim.pem", "--tls-key", keys + "/wechat-sim.key",
                                  // WeChat Pay, with WeChat's notification retry schedule 100 times faster.
                                  "--mchid", test_mchid, "--merchant-cert", keys + "/merchant-cert.pem",
                                  "--platform-key", keys + "/wechatpay-platform-private.pem",
                                  "--platform-cert", keys + "/wechatpay-platform-cert.pem",
                                  "--apiv3-key-file", keys + "/wechatpay-apiv3-key", "--notify-retry-scale", "0.01"};
    mode_ = pay_mode();
    for (std::size_t i = 0; i + 1 < extra_args.size(); ++i)
        if (extra_args[i] == "--pay-signing") mode_ = extra_args[i + 1] == "public-key" ? "public_key" : extra_args[i + 1];
    auto mode_args = pay_mode_arguments(pay_mode());
    args.insert(args.end(), mode_args.begin(), mode_args.end());
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    process_ = std::make_unique<child_process>(std::move(args), environment_changes{}, make_temp_dir("sim") + "/sim.log");
    port_ = wait_for_listening_port(*process_, "wechat-sim");
    client_ = std::make_unique<https_client>(io_.io().get_executor(), https_client_config{keys + "/wechat-ca.pem"});
}

simulator_process::~simulator_process() { client_.reset(); }

void simulator_process::kill() {
    process_->send_signal(SIGKILL);
    process_->wait_exit(std::chrono::seconds(10));
}

environment_changes simulator_process::server_environment(int server_port) const {
    environment_changes env{{"SHAREDSTORE_WECHAT_API_BASE_URL", base_url()},
                            {"SHAREDSTORE_WECHAT_APPID", appid_},
                            {"SHAREDSTORE_WECHAT_PAY_API_BASE_URL", base_url()},
                            {"SHAREDSTORE_WECHAT_PAY_MCHID", std::string(test_mchid)},
                            {"SHAREDSTORE_AUTH_LOGIN_LIMIT_PER_IP", std::string("100000")}};
    // The keys a merchant in that mode holds: in public-key mode no platform certificate at all, so
    // only the public-key path can verify; during a migration both.
    const auto keys = test_keys_dir();
    if (mode_ == "public_key") env.emplace_back("SHAREDSTORE_WECHAT_PAY_PLATFORM_CERTIFICATE_FILE", std::string());
    if (mode_ != "certificate") {
        env.emplace_back("SHAREDSTORE_WECHAT_PAY_PUBLIC_KEY_FILE", keys + "/wechatpay-pubkey-public.pem");
        env.emplace_back("SHAREDSTORE_WECHAT_PAY_PUBLIC_KEY_ID", test_public_key_id);
    }
    if (server_port != 0) {
        env.emplace_back("SHAREDSTORE_HTTP_PORT", std::to_string(server_port));
        env.emplace_back("SHAREDSTORE_WECHAT_PAY_NOTIFY_URL", "http://127.0.0.1:" + std::to_string(server_port) + "/api/v1/wechat/pay/notify");
        env.emplace_back("SHAREDSTORE_PAYOUTS_NOTIFY_URL", "http://127.0.0.1:" + std::to_string(server_port) + "/api/v1/wechat/pay/transfer-notify");
    }
    return env;
}

client_response simulator_process::send(const std::string& method, const std::string& path, const std::string& body) {
    client_request request;
    request.method = method;
    request.url = base_url() + path;
    request.body = body;
    if (!body.empty()) request.headers = {{"Content-Type", "application/json"}};
    return io_.run(client_->send(std::move(request)));
}

namespace {
std::string code_of(const client_response& r) {
    if (r.status != 200) throw std::runtime_error("simulator control call failed: " + r.body);
    return std::string(json::parse(r.body).at("code").as_string());
}
}  // namespace

std::string simulator_process::login_code(const std::string& openid, const std::string& unionid) {
    return code_of(send("POST", "/sim/v1/login-codes", json::serialize(json::object{{"openid", openid}, {"unionid", unionid}})));
}

std::string simulator_process::phone_code(const std::string& openid, const std::string& phone) {
    return code_of(send("POST", "/sim/v1/phone-codes", json::serialize(json::object{{"openid", openid}, {"phone", phone}})));
}

void simulator_process::fault(const std::string& endpoint, int errcode, int count, int latency_ms) {
    auto r = send("POST", "/sim/v1/faults",
                  json::serialize(json::object{{"endpoint", endpoint}, {"errcode", errcode}, {"count", count}, {"latency_ms", latency_ms}}));
    if (r.status != 200) throw std::runtime_error("fault not accepted: " + r.body);
}

void simulator_process::revoke_access_token() { send("POST", "/sim/v1/access-token/revoke"); }

json::object simulator_process::stats() { return json::parse(send("GET", "/sim/v1/stats").body).as_object(); }

long long simulator_process::calls(const std::string& endpoint) {
    auto s = stats();
    const auto& calls = s.at("calls").as_object();
    auto it = calls.find(endpoint);
    return it == calls.end() ? 0 : it->value().as_int64();
}

}  // namespace sharedstore::test_support

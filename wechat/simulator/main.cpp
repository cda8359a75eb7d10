// wechat-sim: a local stand-in for WeChat's servers (docs/simulator.md).
#include "common/http/http_server.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"
#include "wechat/https_client.hpp"
#include "wechat/pay/pay_crypto.hpp"
#include "wechat/simulator/pay_simulator.hpp"
#include "wechat/simulator/simulator_handler.hpp"
#include "wechat/simulator/transfer_simulator.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>

namespace asio = boost::asio;
using namespace sharedstore;

namespace {

constexpr const char* usage =
    "usage: wechat-sim --appid ID --app-secret-file FILE [--listen ADDR] [--port N]\n"
    "                  [--tls-cert PEM --tls-key PEM] [--token-lifetime-s N]\n"
    "                  [--mchid ID --merchant-cert PEM --platform-key PEM --platform-cert PEM\n"
    "                   --apiv3-key-file FILE [--time-scale X] [--transfer-max-fen N]\n"
    "                   [--pay-signing certificate|public-key|both\n"
    "                    --wechatpay-public-key-private PEM --wechatpay-public-key-id PUB_KEY_ID_...]]\n"
    "Serves WeChat's mini-program APIs and a control API (/sim/v1/...) on one port; HTTPS when a\n"
    "certificate is given. Port 0 picks a free one (logged in the 'listening' line).\n"
    "--time-scale X multiplies WeChat Pay's clocks: the notification retry schedule and the 24 h\n"
    "close of unconfirmed transfer bills (--notify-retry-scale is its older name).\n";

std::string read_trimmed(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::stringstream s;
    s << in.rdbuf();
    auto text = s.str();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);
    std::map<std::string, std::string> options{{"--listen", "127.0.0.1"}, {"--port", "8090"}, {"--token-lifetime-s", "7200"}};
    for (int i = 1; i < argc; ++i) {
        std::string key = argv[i];
        if (key == "--help") {
            std::fputs(usage, stdout);
            return 0;
        }
        if (key.rfind("--", 0) != 0 || i + 1 >= argc) {
            std::fprintf(stderr, "wechat-sim: bad argument %s\n%s", key.c_str(), usage);
            return 2;
        }
        options[key] = argv[++i];
    }
    try {
        if (!options.count("--appid") || !options.count("--app-secret-file")) throw std::runtime_error("--appid and --app-secret-file are required");
        logger log(log_level::info);
        simulator::simulator_config config{options["--appid"], read_trimmed(options["--app-secret-file"]),
                                           std::chrono::seconds(std::stoi(options["--token-lifetime-s"]))};
        simulator::simulator_state state(config);
        asio::io_context io(1);  // one thread: the simulator's state is not shared between threads

        // WeChat Pay, when its keys are given. Notifications go to the merchant's notify_url,
        // over plain HTTP on loopback or HTTPS verified against the system's trust store.
        std::unique_ptr<simulator::pay_simulator> pay;
        std::unique_ptr<simulator::transfer_simulator> transfers;
        std::unique_ptr<https_client> notifier;
        const auto scale_option = options.count("--time-scale") ? options["--time-scale"] : options["--notify-retry-scale"];
        const double time_scale = scale_option.empty() ? 1.0 : std::stod(scale_option);
        if (!(time_scale > 0)) throw std::runtime_error("--time-scale must be positive");
        if (options.count("--mchid")) {
            for (const char* required : {"--merchant-cert", "--platform-key", "--platform-cert", "--apiv3-key-file"})
                if (!options.count(required)) throw std::runtime_error(std::string("--mchid needs ") + required);
            auto apiv3_key = read_trimmed(options["--apiv3-key-file"]);
            if (apiv3_key.size() != 32) throw std::runtime_error("the API v3 key must be 32 characters");
            simulator::pay_config pay_config{config.appid, options["--mchid"], wechat_pay::certificate_serial(options["--merchant-cert"]),
                                             wechat_pay::public_key::load_pem_file(options["--merchant-cert"]),
                                             wechat_pay::private_key::load_pem_file(options["--platform-key"]),
                                             wechat_pay::certificate_serial(options["--platform-cert"]), apiv3_key};
            pay_config.platform_certificate_pem = read_trimmed(options["--platform-cert"]) + "\n";
            std::tie(pay_config.certificate_not_before, pay_config.certificate_not_after) =
                wechat_pay::certificate_validity(options["--platform-cert"]);
            const auto signing = options.count("--pay-signing") ? options["--pay-signing"] : "certificate";
            if (signing == "public-key") pay_config.signing = simulator::signing_mode::public_key;
            else if (signing == "both") pay_config.signing = simulator::signing_mode::both;
            else if (signing != "certificate") throw std::runtime_error("--pay-signing is certificate, public-key or both");
            if (pay_config.signing != simulator::signing_mode::certificate) {
                if (!options.count("--wechatpay-public-key-private") || options["--wechatpay-public-key-id"].rfind("PUB_KEY_ID_", 0) != 0)
                    throw std::runtime_error("--pay-signing " + signing + " needs --wechatpay-public-key-private and --wechatpay-public-key-id PUB_KEY_ID_...");
                pay_config.public_key_signer = wechat_pay::private_key::load_pem_file(options["--wechatpay-public-key-private"]);
                pay_config.public_key_id = options["--wechatpay-public-key-id"];
            }
            pay = std::make_unique<simulator::pay_simulator>(std::move(pay_config));
            simulator::transfer_settings transfer_settings;
            transfer_settings.confirm_window = std::chrono::milliseconds(static_cast<long long>(24.0 * 3600 * 1000 * time_scale));
            if (options.count("--transfer-max-fen")) transfer_settings.max_fen = std::stoll(options["--transfer-max-fen"]);
            transfers = std::make_unique<simulator::transfer_simulator>(*pay, transfer_settings);
            https_client_config notify_config;
            notify_config.connect_timeout = std::chrono::seconds(3);
            notify_config.request_timeout = std::chrono::seconds(5);  // WeChat waits 5 s for an answer
            notifier = std::make_unique<https_client>(io.get_executor(), notify_config);
        }
        simulator::simulator_handler handler(state, log, pay.get(), notifier.get(), time_scale, transfers.get());
        metrics_registry metrics;
        std::unique_ptr<asio::ssl::context> tls;
        if (options.count("--tls-cert")) {
            tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
            tls->use_certificate_chain_file(options["--tls-cert"]);
            tls->use_private_key_file(options.count("--tls-key") ? options["--tls-key"] : options["--tls-cert"], asio::ssl::context::pem);
        }
        http_config http;
        http.listen_address = options["--listen"];
        http.port = std::stoi(options["--port"]);
        http_server server(io, http, handler, log, metrics, tls.get());
        server.start();
        log.info("listening", {{"address", http.listen_address}, {"port", server.bound_port()}, {"tls", tls != nullptr},
                               {"wechat_pay", pay != nullptr},
                               {"time_scale", time_scale},
                               {"pay_signing", options.count("--pay-signing") ? options["--pay-signing"] : "certificate"}});
        asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&](const boost::system::error_code&, int) {
            server.begin_shutdown();
            io.stop();
        });
        io.run();
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "wechat-sim: %s\n", e.what());
        return 1;
    }
}

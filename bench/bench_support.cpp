#include "bench/bench_support.hpp"

#include "common/random_token.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace sharedstore::bench {

namespace json = boost::json;

client_request json_request(const std::string& method, const std::string& url, const json::value& body, const std::string& token) {
    client_request r;
    r.method = method;
    r.url = url;
    if (!body.is_null()) {
        r.body = json::serialize(body);
        r.headers.emplace_back("Content-Type", "application/json");
    }
    if (!token.empty()) r.headers.emplace_back("Authorization", "Bearer " + token);
    return r;
}

boost::asio::awaitable<json::value> call_json(https_client& http, client_request request) {
    const auto what = request.method + " " + request.url;
    auto response = co_await http.send(std::move(request));
    if (response.status >= 300) throw std::runtime_error(what + " -> " + std::to_string(response.status) + " " + response.body);
    co_return response.body.empty() ? json::value(nullptr) : json::parse(response.body);
}

boost::asio::awaitable<signed_in_user> sign_in(https_client& http, std::string sim, std::string server) {
    auto code_request = json_request("POST", sim + "/sim/v1/login-codes", json::object{{"openid", "ob" + random_hex(10)}});
    auto code = co_await call_json(http, std::move(code_request));
    auto login_request = json_request("POST", server + "/api/v1/auth/wechat/login", json::object{{"code", code.at("code")}});
    auto login = co_await call_json(http, std::move(login_request));
    co_return signed_in_user{std::string(login.at("token").as_string()), std::string(login.at("user").at("id").as_string())};
}

boost::asio::awaitable<std::optional<signed_in_user>> sign_in_retrying(https_client& http, std::string sim, std::string server, int attempts,
                                                                       std::string& error) {
    for (int attempt = 1; attempt <= attempts; ++attempt) {
        try {
            auto s = sim, srv = server;
            auto user = co_await sign_in(http, std::move(s), std::move(srv));
            co_return user;
        } catch (const std::exception& e) {
            error = e.what();
        }
    }
    co_return std::nullopt;
}

std::string readable_json(const json::value& v) {
    char text[64];
    switch (v.kind()) {
    case json::kind::double_:
        std::snprintf(text, sizeof text, "%.1f", v.as_double());
        return text;
    case json::kind::int64:
    case json::kind::uint64:
        std::snprintf(text, sizeof text, "%lld", static_cast<long long>(v.to_number<double>()));
        return text;
    case json::kind::array: {
        std::string out = "[";
        for (const auto& item : v.as_array()) out += (out.size() > 1 ? "," : "") + readable_json(item);
        return out + "]";
    }
    case json::kind::object: {
        std::string out = "{";
        for (const auto& [k, item] : v.as_object()) out += (out.size() > 1 ? "," : "") + json::serialize(json::value(k)) + ":" + readable_json(item);
        return out + "}";
    }
    default:
        return json::serialize(v);
    }
}

double percentile(std::vector<double>& values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

std::int64_t epoch_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

boost::asio::awaitable<void> sleep_seconds(double seconds) {
    boost::asio::steady_timer t(co_await boost::asio::this_coro::executor);
    t.expires_after(std::chrono::microseconds(static_cast<long long>(seconds * 1e6)));
    co_await t.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
}

std::string run_to_end(boost::asio::io_context& io, boost::asio::awaitable<void> work) {
    std::string failure;
    boost::asio::co_spawn(io, std::move(work), [&failure](std::exception_ptr e) {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            failure = ex.what();
        }
    });
    io.run();
    return failure;
}

double process_cpu_seconds(int pid) {
    if (pid <= 0) return 0;
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = text.rfind(')');  // the name may hold spaces and parentheses
    if (close == std::string::npos) return 0;
    std::istringstream fields(text.substr(close + 2));
    std::string f;
    long long utime = 0, stime = 0;
    // Fields 3.. after the name: state is the first; utime and stime are fields 14 and 15.
    for (int i = 3; i <= 15 && fields >> f; ++i) {
        if (i == 14) utime = std::atoll(f.c_str());
        if (i == 15) stime = std::atoll(f.c_str());
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long long process_rss_kib(int pid) {
    if (pid <= 0) return -1;
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::atoll(line.c_str() + 6);
    return -1;
}

std::vector<std::string> environment_with(const std::vector<std::string>& changes) {
    // Replaced, not appended: getenv would find the first of two.
    std::vector<std::string> environment;
    for (char** e = environ; *e; ++e) {
        const std::string entry(*e);
        const auto name = entry.substr(0, entry.find('=') + 1);
        bool replaced = false;
        for (const auto& mine : changes) replaced = replaced || mine.rfind(name, 0) == 0;
        if (!replaced) environment.push_back(entry);
    }
    environment.insert(environment.end(), changes.begin(), changes.end());
    return environment;
}

int spawn_process(const std::vector<std::string>& argv, const std::vector<std::string>& env, const std::string& log) {
    const auto environment = environment_with(env);
    std::vector<char*> args, envp;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (const auto& e : environment) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid = 0;
    const int failed = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (failed != 0) throw std::runtime_error("cannot start " + argv[0]);
    return pid;
}

dividend_event sample_dividend_event() {
    dividend_event e;
    e.dividend_id = 311;
    e.order_id = 877;
    e.merchant_id = 12;
    e.merchant_name = "茶饮小店";
    e.customer = "138****5678";
    e.order_amount_fen = 12800;
    e.dividend_fen = 768;
    e.state = "pending";
    e.paid_at = "2026-11-27T08:00:00Z";
    return e;
}

std::uint64_t reminder_id(std::string_view text) {
    for (auto at = text.find("\"id\":\""); at != std::string_view::npos; at = text.find("\"id\":\"", at + 1)) {
        std::uint64_t id = 0;
        const char* begin = text.data() + at + 6;
        const auto [end, ec] = std::from_chars(begin, text.data() + text.size(), id);
        if (ec == std::errc() && text.substr(static_cast<std::size_t>(end - text.data())).substr(0, 3) == "-0\"") return id;
    }
    return 0;
}

void print_summary(const std::string& title, const json::object& summary, const std::vector<std::string>& skip) {
    std::printf("%-36s %s\n", "mode", title.c_str());
    for (const auto& [key, value] : summary) {
        const std::string name(key);
        if (name == "mode" || std::find(skip.begin(), skip.end(), name) != skip.end()) continue;
        std::printf("%-36s %s\n", name.c_str(), readable_json(value).c_str());
    }
    std::printf("%s\n", readable_json(summary).c_str());
}

}  // namespace sharedstore::bench

#include "bench/bench_support.hpp"

#include "common/random_token.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

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

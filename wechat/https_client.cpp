#include "wechat/https_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>

#include <cctype>
#include <map>
#include <mutex>

namespace sharedstore {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct parsed_url {
    bool tls = true;
    std::string host;
    std::string port;
    std::string target;
    std::string origin;  // scheme://host:port, the key of the connection pool
};

parsed_url parse_url(const std::string& text) {
    auto parsed = boost::urls::parse_uri(text);
    if (!parsed) throw std::invalid_argument("not an absolute URL");
    const auto& u = *parsed;
    parsed_url out;
    if (u.scheme() == "https") out.tls = true;
    else if (u.scheme() == "http") out.tls = false;
    else throw std::invalid_argument("URL scheme must be http or https");
    out.host = std::string(u.encoded_host());
    if (out.host.empty()) throw std::invalid_argument("URL has no host");
    out.port = u.has_port() ? std::string(u.port()) : (out.tls ? "443" : "80");
    out.target = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
    if (u.has_query()) out.target += "?" + std::string(u.encoded_query());
    out.origin = std::string(u.scheme()) + "://" + out.host + ":" + out.port;
    return out;
}

bool is_ip_address(const std::string& host) {
    boost::system::error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

struct connection {
    std::string origin;
    std::unique_ptr<beast::tcp_stream> plain;
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
    beast::flat_buffer buffer;
    std::chrono::steady_clock::time_point idle_since{};

    beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
};

}  // namespace

std::optional<std::string_view> client_response::header(std::string_view lower_case_name) const {
    for (const auto& [name, value] : headers)
        if (name == lower_case_name) return std::string_view(value);
    return std::nullopt;
}

struct https_client::impl {
    impl(asio::any_io_executor ex, https_client_config cfg) : executor(std::move(ex)), config(std::move(cfg)) {
        tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
        if (config.verify_peer) {
            tls.set_verify_mode(asio::ssl::verify_peer);
            boost::system::error_code ec;
            if (config.ca_file.empty()) tls.set_default_verify_paths(ec);
            else tls.load_verify_file(config.ca_file, ec);
            if (ec) throw std::runtime_error("cannot load CA file " + config.ca_file + ": " + ec.message());
        } else {
            tls.set_verify_mode(asio::ssl::verify_none);
        }
    }

    asio::any_io_executor executor;
    https_client_config config;
    asio::ssl::context tls{asio::ssl::context::tls_client};
    std::mutex mutex;
    std::map<std::string, std::vector<std::unique_ptr<connection>>> idle;

    std::unique_ptr<connection> take_idle(const std::string& origin) {
        std::lock_guard lock(mutex);
        auto& list = idle[origin];
        const auto now = std::chrono::steady_clock::now();
        while (!list.empty()) {
            auto c = std::move(list.back());
            list.pop_back();
            if (now - c->idle_since < config.idle_reuse_limit) return c;
        }
        return nullptr;
    }

    void give_back(std::unique_ptr<connection> c) {
        c->idle_since = std::chrono::steady_clock::now();
        std::lock_guard lock(mutex);
        auto& list = idle[c->origin];
        if (static_cast<int>(list.size()) < config.max_idle_per_origin) list.push_back(std::move(c));
    }

    asio::awaitable<std::unique_ptr<connection>> open(const parsed_url& url) {
        tcp::resolver resolver(executor);
        auto [resolve_ec, endpoints] = co_await resolver.async_resolve(url.host, url.port, use_tuple);
        if (resolve_ec) throw transport_error("cannot resolve " + url.host + ": " + resolve_ec.message());
        auto c = std::make_unique<connection>();
        c->origin = url.origin;
        if (url.tls) c->secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(executor, tls);
        else c->plain = std::make_unique<beast::tcp_stream>(executor);
        c->lowest().expires_after(config.connect_timeout);
        auto [connect_ec, endpoint] = co_await c->lowest().async_connect(endpoints, use_tuple);
        if (connect_ec) throw transport_error("cannot connect to " + url.origin + ": " + connect_ec.message());
        if (c->secure) {
            // SNI for names (not for IP literals), and the certificate must be for this host.
            if (!is_ip_address(url.host)) SSL_set_tlsext_host_name(c->secure->native_handle(), url.host.c_str());
            if (config.verify_peer) c->secure->set_verify_callback(asio::ssl::host_name_verification(url.host));
            auto [handshake_ec] = co_await c->secure->async_handshake(asio::ssl::stream_base::client, use_tuple);
            if (handshake_ec) throw transport_error("TLS handshake with " + url.origin + " failed: " + handshake_ec.message());
        }
        co_return c;
    }

    template <class Stream>
    asio::awaitable<boost::system::error_code> exchange(Stream& stream, connection& c, http::request<http::string_body>& request,
                                                         client_response& out, bool& keep_alive) {
        c.lowest().expires_after(config.request_timeout);
        auto [write_ec, written] = co_await http::async_write(stream, request, use_tuple);
        if (write_ec) co_return write_ec;
        http::response_parser<http::string_body> parser;
        parser.body_limit(config.response_limit_bytes);
        auto [read_ec, read] = co_await http::async_read(stream, c.buffer, parser, use_tuple);
        if (read_ec) co_return read_ec;
        c.lowest().expires_never();
        auto response = parser.release();
        out.status = static_cast<int>(response.result_int());
        for (const auto& field : response) {
            std::string name(field.name_string());
            for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            out.headers.emplace_back(std::move(name), std::string(field.value()));
        }
        out.body = std::move(response.body());
        keep_alive = response.keep_alive();
        co_return boost::system::error_code{};
    }
};

https_client::https_client(asio::any_io_executor executor, https_client_config config)
    : impl_(std::make_shared<impl>(std::move(executor), std::move(config))) {}

https_client::~https_client() = default;

asio::awaitable<client_response> https_client::send(client_request request) {
    auto self = impl_;
    const auto url = parse_url(request.url);
    http::request<http::string_body> message;
    message.method(http::string_to_verb(request.method));
    if (message.method() == http::verb::unknown) throw std::invalid_argument("unknown HTTP method");
    message.target(url.target);
    message.version(11);
    const bool default_port = (url.tls && url.port == "443") || (!url.tls && url.port == "80");
    message.set(http::field::host, default_port ? url.host : url.host + ":" + url.port);
    message.set(http::field::user_agent, "sharedstore/1");
    for (const auto& [name, value] : request.headers) message.set(name, value);
    message.body() = std::move(request.body);
    message.keep_alive(true);
    message.prepare_payload();

    // A reused keep-alive connection may have been closed by the peer meanwhile: then, and only
    // then, try once more on a fresh connection.
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto c = self->take_idle(url.origin);
        const bool reused = c != nullptr;
        if (!c) c = co_await self->open(url);
        client_response response;
        bool keep_alive = false;
        boost::system::error_code ec;
        if (c->secure) ec = co_await self->exchange(*c->secure, *c, message, response, keep_alive);
        else ec = co_await self->exchange(*c->plain, *c, message, response, keep_alive);
        if (!ec) {
            if (keep_alive) self->give_back(std::move(c));
            co_return response;
        }
        const bool stale = ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
                           ec == asio::error::broken_pipe || ec == asio::ssl::error::stream_truncated;
        if (!(reused && stale)) {
            if (ec == beast::error::timeout) throw transport_error("no answer from " + url.origin + " in time");
            throw transport_error("exchange with " + url.origin + " failed: " + ec.message());
        }
    }
    throw transport_error("exchange with " + url.origin + " failed");
}

}  // namespace sharedstore

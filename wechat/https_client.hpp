#pragma once
// An HTTP(S) client for WeChat's APIs on Beast + OpenSSL (Beast stays in the .cpp): certificate
// and host name verification on by default, connect and request timeouts, keep-alive connections
// reused per origin. It knows nothing of WeChat: wechat_api adds errcodes and retries.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sharedstore {

struct https_client_config {
    std::string ca_file;     // PEM bundle to trust; empty: the system's trust store
    bool verify_peer = true;  // off only for experiments; never in production
    std::chrono::milliseconds connect_timeout{3000};  // TCP connect plus TLS handshake
    std::chrono::milliseconds request_timeout{5000};  // writing the request and reading the whole response
    std::size_t response_limit_bytes = 8 * 1024 * 1024;
    int max_idle_per_origin = 8;
    std::chrono::seconds idle_reuse_limit{30};  // an idle connection older than this is not reused
};

struct client_request {
    std::string method = "GET";
    std::string url;  // absolute: https://host[:port]/path?query
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

struct client_response {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
    std::string body;
    std::optional<std::string_view> header(std::string_view lower_case_name) const;
};

// The peer could not be reached or did not answer in time, TLS failed, or the answer was not HTTP.
// The message never holds the URL (WeChat URLs carry secrets and codes in their query).
class transport_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class https_client {
public:
    // Throws std::runtime_error if the CA file cannot be loaded.
    https_client(boost::asio::any_io_executor executor, https_client_config config);
    ~https_client();
    https_client(const https_client&) = delete;
    https_client& operator=(const https_client&) = delete;

    // Throws transport_error; any HTTP status is a response, not an error.
    boost::asio::awaitable<client_response> send(client_request request);

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

}  // namespace sharedstore

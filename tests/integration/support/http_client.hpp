#pragma once
// A deliberately plain HTTP/1.1 client on a blocking socket: tests must be able to send half a
// request, or garbage, which a real client library would not let them do.
#include <boost/json/value.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sharedstore::test_support {

struct http_reply {
    int status = 0;
    std::map<std::string, std::string> headers;  // names in lower case (a repeated header: its last line)
    std::vector<std::pair<std::string, std::string>> header_lines;  // every line, in order (Set-Cookie comes several times)
    std::string body;
    boost::json::value json() const;
    std::string header(const std::string& lower_case_name) const;
    std::vector<std::string> headers_named(const std::string& lower_case_name) const;
};

class tcp_connection {
public:
    explicit tcp_connection(int port, const std::string& host = "127.0.0.1");
    ~tcp_connection();
    tcp_connection(const tcp_connection&) = delete;
    tcp_connection& operator=(const tcp_connection&) = delete;

    // Returns false if the peer has closed the connection.
    bool send(std::string_view bytes);
    // Reads one response (Content-Length framing); nullopt on timeout or close before a whole one.
    // `head`: the answer to a HEAD request, whose Content-Length announces a body never sent.
    std::optional<http_reply> read_reply(std::chrono::milliseconds timeout = std::chrono::seconds(10), bool head = false);
    // True if the peer closes the connection (EOF or reset) within `within`; bytes it sends first are skipped.
    bool closed_by_peer_within(std::chrono::milliseconds within);

private:
    int fd_ = -1;
    std::string buffer_;
};

std::string build_request(const std::string& method, const std::string& path, const std::string& body = {},
                          const std::vector<std::pair<std::string, std::string>>& headers = {}, bool keep_alive = false);

// One request on a fresh connection. Throws std::runtime_error when no whole reply arrives within
// `timeout` (long-polls wait longer than the default).
http_reply http_call(int port, const std::string& method, const std::string& path, const std::string& body = {},
                     const std::vector<std::pair<std::string, std::string>>& headers = {},
                     std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace sharedstore::test_support

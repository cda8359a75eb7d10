#include "common/http/http_server.hpp"

#include "common/http/websocket_frames.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/asio/ssl/context.hpp>

#include <array>
#include <atomic>
#include <cctype>
#include <list>
#include <mutex>

namespace sharedstore {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// What the shutdown path needs to reach one connection: close it if it is idle.
struct connection_handle {
    asio::any_io_executor executor;  // the session's: its loop, or its strand
    beast::tcp_stream* stream = nullptr;  // valid while the session coroutine runs
    bool idle = true;                     // waiting for (the start of) a request
};

http_request to_request(http::request<http::string_body>&& in, const std::string& remote) {
    http_request out;
    out.method = std::string(in.method_string());
    out.target = std::string(in.target());
    auto question = out.target.find('?');
    out.path = out.target.substr(0, question);
    if (question != std::string::npos) out.query = out.target.substr(question + 1);
    out.headers.reserve(std::distance(in.begin(), in.end()));
    for (const auto& field : in) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    out.body = std::move(in.body());
    out.remote_address = remote;
    return out;
}

// `head`: the answer to a HEAD request: the headers a GET would get, Content-Length included,
// and no body (RFC 9110 section 9.3.2).
http::response<http::string_body> to_beast(http_response&& in, unsigned version, bool keep_alive, bool head = false) {
    http::response<http::string_body> out{static_cast<http::status>(in.status), version};
    out.set(http::field::server, "sharedstore");
    out.set(http::field::content_type, in.content_type);
    out.set(http::field::cache_control, "no-store");
    for (auto& [name, value] : in.headers) {
        // Set-Cookie is the one header that may come several times (RFC 6265 section 3).
        if (beast::iequals(name, "set-cookie")) out.insert(name, value);
        else out.set(name, value);
    }
    out.keep_alive(keep_alive);
    if (head) {
        // 1xx, 204 and 304 carry no Content-Length at all (RFC 9110 section 8.6).
        if (in.status >= 200 && in.status != 204 && in.status != 304) out.content_length(in.body.size());
        return out;
    }
    out.body() = std::move(in.body);
    out.prepare_payload();
    return out;
}

// An upgrade the endpoint accepted, handed from serve() to run_websocket() once serve() has
// returned: its frame (parser, HTTP read buffer, request copies: some 3 KB) is gone by then, which
// matters when every idle WebSocket keeps its coroutines for hours.
struct websocket_upgrade {
    http::request<http::string_body> message;  // for Beast's handshake
    http_request request;                       // for the endpoint
    std::string subprotocol;
};

// RFC 9112 section 6: a request whose framing two parties could read differently is refused and
// its connection closed, so nothing after it can be taken as a second request (request
// smuggling). Empty: the framing is unambiguous.
template <class Fields>
std::string framing_problem(const http::request_header<Fields>& header) {
    std::size_t encodings = 0, lengths = 0, hosts = 0;
    std::string encoding;
    for (const auto& field : header) {
        if (field.name() == http::field::transfer_encoding) {
            ++encodings;
            encoding = std::string(field.value());
        } else if (field.name() == http::field::content_length) {
            ++lengths;
        } else if (field.name() == http::field::host) {
            ++hosts;
        }
    }
    if (encodings > 0) {
        if (header.version() < 11) return "Transfer-Encoding is not allowed in HTTP/1.0";
        if (encodings > 1 || !beast::iequals(encoding, "chunked")) return "the only Transfer-Encoding accepted is chunked";
        if (lengths > 0) return "Transfer-Encoding and Content-Length together are refused";
    }
    if (header.version() >= 11 && hosts != 1) return hosts == 0 ? "HTTP/1.1 requires a Host header" : "more than one Host header";
    return {};
}

}  // namespace

// The connection behind websocket_connection, for either stream type.
struct websocket_connection::impl {
    virtual ~impl() = default;
    virtual asio::awaitable<std::optional<websocket_message>> read(std::size_t max_bytes) = 0;
    virtual void start_write(std::string text, std::chrono::milliseconds timeout, std::function<void(bool)> done) = 0;
    virtual bool ping() = 0;
    virtual asio::awaitable<void> close(std::uint16_t code, std::string reason) = 0;
    virtual void abort() = 0;
    virtual bool closing() const = 0;

    asio::any_io_executor executor;
    std::string remote;
    std::atomic<std::int64_t> last_received_ns{0};

    void touch() { last_received_ns = std::chrono::steady_clock::now().time_since_epoch().count(); }
};

namespace {

namespace websocket = beast::websocket;
namespace frames = websocket_frames;

// A connection past its handshake: frames read and written by websocket_frames over the stream.
// Plain TCP waits for readability (async_wait) and reads into the thread's stack, so an idle
// connection holds no read buffer and no pending read operation's state; TLS reads into a buffer
// of its own (the TLS layer buffers anyway). Writes go one at a time: control frames (pongs,
// pings, the close) before the next data frame; after the close frame, nothing more.
template <class Stream>
struct websocket_impl final : websocket_connection::impl, std::enable_shared_from_this<websocket_impl<Stream>> {
    static constexpr bool plain = std::is_same_v<Stream, beast::tcp_stream>;

    websocket_impl(Stream& next, asio::any_io_executor ex, std::string peer) : stream(next), watchdog(ex), signal(ex) {
        // Never expires: waiters wake when it is cancelled (cancel() wakes all of them; setting the
        // expiry again would cancel the others' waits).
        signal.expires_at(asio::steady_timer::time_point::max());
        executor = std::move(ex);
        remote = std::move(peer);
        touch();
        if constexpr (plain) {
            boost::system::error_code ignored;
            stream.socket().non_blocking(true, ignored);
        }
    }

    auto& writable() {
        if constexpr (plain) return stream.socket();
        else return stream;
    }

    // What a read found: a message (or too_large), the end, or nothing yet (read on).
    enum class outcome { more, message, end };

    // Feeds bytes to the frame reader; answers pings; on a message returns it and keeps the bytes
    // after it for the next read.
    outcome consume(std::string_view data, std::optional<websocket_message>& out) {
        while (!data.empty()) {
            std::size_t used = 0;
            auto e = reader.feed(data, used);
            data.remove_prefix(used);
            using kind = frames::client_event::kind;
            switch (e.what) {
                case kind::none:
                    break;
                case kind::ping:
                    touch();
                    queue_control(frames::opcode::pong, e.payload);
                    break;
                case kind::pong:
                    touch();
                    break;
                case kind::message:
                    touch();
                    out = websocket_message{std::move(e.payload), e.binary, false};
                    pending_in.assign(data.data(), data.size());
                    return outcome::message;
                case kind::too_large:
                    pending_in.clear();
                    out = websocket_message{{}, e.binary, true};
                    return outcome::message;
                case kind::close:
                    // The peer's close: answered with its code (RFC 6455 section 5.5.1), then the end.
                    touch();
                    peer_closed = true;
                    queue_close(e.close_code == 0 ? close_code::normal : e.close_code, {});
                    return outcome::end;
                case kind::fail:
                    queue_close(e.close_code, e.why);
                    return outcome::end;
            }
        }
        return outcome::more;
    }

    asio::awaitable<std::optional<websocket_message>> read(std::size_t max_bytes) override {
        reader.set_limit(max_bytes);
        std::optional<websocket_message> out;
        if (reader.stopped() || dead) co_return out;
        ++reading;
        struct done_reading {
            websocket_impl& self;
            ~done_reading() {
                if (--self.reading == 0 && self.close_queued) self.signal.cancel();  // a close waits for the reader
            }
        } guard{*this};
        auto r = outcome::more;
        if (!pending_in.empty()) {
            std::string held;
            held.swap(pending_in);
            r = consume(held, out);
        }
        // The loop is receive()'s, written out here: every idle connection waits inside read(), and
        // a nested coroutine would cost each of them its frame (~0.5 KiB measured).
        auto take = [&](std::string_view bytes) {
            r = consume(bytes, out);
            return r != outcome::more;
        };
        while (r == outcome::more) {
            if (dead) co_return std::nullopt;
            if constexpr (plain) {
                boost::system::error_code ec;
                if (read_turn(take, ec)) break;
                if (!ec) {
                    co_await asio::post(executor, asio::use_awaitable);  // a peer sending without pause
                    continue;
                }
                if (ec != asio::error::would_block) co_return std::nullopt;  // EOF, reset or aborted
                auto [wait_ec] = co_await stream.socket().async_wait(tcp::socket::wait_read, use_tuple);
                if (wait_ec) co_return std::nullopt;
            } else {
                if (!tls_in) tls_in = std::make_unique<std::array<char, 4096>>();
                auto [ec, n] = co_await stream.async_read_some(asio::buffer(*tls_in), use_tuple);
                if (ec) co_return std::nullopt;
                take(std::string_view(tls_in->data(), n));
            }
        }
        if (r == outcome::message) co_return out;
        // The peer closed, or sent what the protocol forbids: our close frame goes out before the
        // caller drops the connection.
        co_await finish_close(true);
        co_return std::nullopt;
    }

    // Once the close frame is queued: it goes out, then (unless the peer closed first) what the
    // peer still sends is read and dropped until its close frame or EOF, so that closing the socket
    // with unread input (an RST) cannot destroy our close frame on its way; within one second,
    // then the connection is dropped whatever happened. `by_reader`: called from read() (else a
    // pending read is left to see the end).
    asio::awaitable<void> finish_close(bool by_reader) {
        if (dead) co_return;
        auto self = this->shared_from_this();
        asio::steady_timer bound(executor);
        bound.expires_after(std::chrono::seconds(1));
        bound.async_wait([self](boost::system::error_code ec) {
            if (!ec) self->abort();
        });
        while (!dead && !close_written) co_await signal.async_wait(use_tuple);
        if (!dead && !peer_closed) {
            boost::system::error_code ignored;
            beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_send, ignored);
            if (!by_reader && reading > 0) {
                while (!dead && reading > 0) co_await signal.async_wait(use_tuple);
            } else {
                co_await drain();
            }
        }
        bound.cancel();
    }

    // After our close frame: what still arrives is read and dropped until the peer's close frame
    // or EOF (whatever ends the connection first: the caller's bound aborts it).
    asio::awaitable<void> drain() {
        if (!pending_in.empty()) {
            std::string held;
            held.swap(pending_in);
            if (discard(held)) co_return;
        }
        auto take = [this](std::string_view bytes) { return discard(bytes); };
        co_await receive(take);
    }

    // Hands what the peer sends to `take`, as it arrives, until `take` returns true (then true) or
    // the connection ends (false). For the closing path; read() has the same loop inline.
    template <class Take>
    asio::awaitable<bool> receive(Take& take) {
        while (!dead) {
            if constexpr (plain) {
                // Everything already in the socket first: the reactor signals only new data.
                boost::system::error_code ec;
                if (read_turn(take, ec)) co_return true;
                if (!ec) {
                    // A peer sending without pause: let the loop's other connections run.
                    co_await asio::post(executor, asio::use_awaitable);
                    continue;
                }
                if (ec != asio::error::would_block) co_return false;
                auto [wait_ec] = co_await stream.socket().async_wait(tcp::socket::wait_read, use_tuple);
                if (wait_ec) co_return false;
            } else {
                if (!tls_in) tls_in = std::make_unique<std::array<char, 4096>>();
                auto [ec, n] = co_await stream.async_read_some(asio::buffer(*tls_in), use_tuple);
                if (ec) co_return false;
                if (take(std::string_view(tls_in->data(), n))) co_return true;
            }
        }
        co_return false;
    }

    // True once the peer's close frame (or a frame that stops the reader) went by.
    bool discard(std::string_view data) {
        while (!data.empty() && !reader.stopped()) {
            std::size_t used = 0;
            const auto e = reader.feed(data, used);
            data.remove_prefix(used);
            if (e.what == frames::client_event::kind::close) return true;
        }
        return false;  // a stopped reader (a message too large) drops the bytes until EOF
    }

    // At most this many reads of 16 KiB in a row before the loop's other connections get a turn.
    static constexpr int reads_per_turn = 8;

    // Plain TCP: reads what the socket holds into this thread's stack and hands it to `take` until
    // `take` returns true (then true), the socket would block or fails (`ec`), or the turn ends
    // (`ec` clear). Not a coroutine, so the buffer is never part of a connection's frame.
    template <class Take>
    bool read_turn(Take& take, boost::system::error_code& ec) {
        std::array<char, 16 * 1024> chunk;
        for (int round = 0; round < reads_per_turn; ++round) {
            const auto n = stream.socket().read_some(asio::buffer(chunk), ec);
            if (ec) return false;
            if (take(std::string_view(chunk.data(), n))) return true;
        }
        ec = {};
        return false;
    }

    void start_write(std::string text, std::chrono::milliseconds timeout, std::function<void(bool)> done) override {
        if (close_queued || dead) {
            asio::post(executor, [done = std::move(done)] { done(false); });
            return;
        }
        // A peer that stops reading fills the socket buffers and the write never ends: drop it.
        // One watchdog per connection, not one per write: it is armed when a write starts and
        // none is armed, and when it fires it drops the connection only if the write under way
        // began `timeout` ago (else it waits for that one's deadline, or for the next write).
        const auto now = std::chrono::steady_clock::now();
        write_started = now;
        write_timeout = timeout;
        data_pending = true;
        if (!watchdog_armed) arm_watchdog(now + timeout);
        outgoing = std::move(text);  // the bytes live here until the write ends
        header_size = frames::server_frame_header(frames::opcode::text, outgoing.size(), header);
        data_done = std::move(done);
        pump();
    }

    void queue_control(frames::opcode op, std::string_view payload) {
        if (close_queued || dead) return;  // nothing after the close frame
        // A peer that pings and never reads would make the pongs pile up here: drop it.
        if (control_out.size() > 4096) {
            abort();
            return;
        }
        control_out += frames::server_frame(op, payload);
        pump();
    }

    void queue_close(std::uint16_t code, std::string_view reason) {
        if (close_queued || dead) return;
        control_out += frames::server_frame(frames::opcode::close, frames::close_payload(code, reason));
        close_queued = true;
        pump();
    }

    // Starts the next write if none is under way: control frames first, then the data frame.
    void pump() {
        if (writing || dead) return;
        if (!control_out.empty()) {
            writing = true;
            control_sending.swap(control_out);
            control_out.clear();
            const bool carries_close = close_queued && !close_written;
            asio::async_write(writable(), asio::buffer(control_sending),
                              [self = this->shared_from_this(), carries_close](boost::system::error_code ec, std::size_t) {
                                  self->writing = false;
                                  std::string().swap(self->control_sending);
                                  if (carries_close && !ec) self->close_written = true;
                                  self->signal.cancel();  // a close, or the end of the connection, waits for this
                                  if (ec) self->abort();
                                  self->pump();
                              });
            return;
        }
        if (data_pending && !close_queued) {
            data_pending = false;
            writing = true;
            std::array<asio::const_buffer, 2> buffers{asio::buffer(header, header_size), asio::buffer(outgoing)};
            // `this` alone: the session waits for `done` before the connection may go.
            asio::async_write(writable(), buffers, [this](boost::system::error_code ec, std::size_t) {
                writing = false;
                signal.cancel();
                std::string().swap(outgoing);  // an idle connection keeps no frame's bytes
                auto done = std::move(data_done);
                data_done = nullptr;
                done(!ec);
                pump();
            });
            return;
        }
        if (data_pending && close_queued) fail_pending_data();
    }

    void fail_pending_data() {
        if (!data_pending) return;
        data_pending = false;
        std::string().swap(outgoing);
        asio::post(executor, [done = std::move(data_done)] { done(false); });
        data_done = nullptr;
    }

    void arm_watchdog(std::chrono::steady_clock::time_point at) {
        watchdog_armed = true;
        watchdog.expires_at(at);
        watchdog.async_wait([weak = this->weak_from_this(), this](boost::system::error_code ec) {
            // Cancelled (the connection is gone), or fired just before it went: touch nothing.
            if (ec || weak.expired()) return;
            watchdog_armed = false;
            if (!data_done) return;  // no data frame waiting or being written
            const auto due = write_started + write_timeout;
            if (std::chrono::steady_clock::now() >= due) abort();
            else arm_watchdog(due);
        });
    }

    bool ping() override {
        if (close_queued || dead) return false;
        queue_control(frames::opcode::ping, {});
        return true;
    }

    asio::awaitable<void> close(std::uint16_t code, std::string reason) override {
        queue_close(code, reason);
        co_await finish_close(false);
        abort();
    }

    bool closing() const override { return close_queued && !dead; }

    // After abort(): the writes under way end (their handlers run, aborted) before the stream goes.
    asio::awaitable<void> writes_ended() {
        while (writing) co_await signal.async_wait(use_tuple);
    }

    void abort() override {
        if (dead) return;
        dead = true;
        boost::system::error_code ignored;
        beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
        beast::get_lowest_layer(stream).socket().close(ignored);
        signal.cancel();
        fail_pending_data();
    }

    Stream& stream;
    frames::client_frame_reader reader{64 * 1024};
    std::string pending_in;  // bytes read after the last message returned (rare: several frames at once)
    std::unique_ptr<std::array<char, 4096>> tls_in;
    std::string outgoing;  // the data frame being written
    unsigned char header[10]{};
    std::size_t header_size = 0;
    std::function<void(bool)> data_done;  // set from start_write until that frame is written or failed
    std::string control_out, control_sending;
    asio::steady_timer watchdog;
    asio::steady_timer signal;  // wakes a close: its frame written, the reader ended, the connection dropped
    std::chrono::steady_clock::time_point write_started;
    std::chrono::milliseconds write_timeout{0};
    int reading = 0;
    bool writing = false, data_pending = false, watchdog_armed = false;
    bool close_queued = false, close_written = false, peer_closed = false, dead = false;
};

}  // namespace

asio::awaitable<std::optional<websocket_message>> websocket_connection::read(std::size_t max_bytes) { return impl_->read(max_bytes); }
void websocket_connection::start_write(std::string text, std::chrono::milliseconds timeout, std::function<void(bool)> done) {
    impl_->start_write(std::move(text), timeout, std::move(done));
}
bool websocket_connection::ping() { return impl_->ping(); }
asio::awaitable<void> websocket_connection::close(std::uint16_t code, std::string reason) { return impl_->close(code, std::move(reason)); }
void websocket_connection::abort() { impl_->abort(); }
bool websocket_connection::closing() const { return impl_->closing(); }
asio::any_io_executor websocket_connection::executor() const { return impl_->executor; }
std::chrono::steady_clock::time_point websocket_connection::last_received() const {
    return std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(impl_->last_received_ns.load()));
}
const std::string& websocket_connection::remote() const { return impl_->remote; }

struct http_server::state : std::enable_shared_from_this<http_server::state> {
    state(asio::io_context& io_context, const http_config& cfg, http_handler& h, logger& lg, metrics_registry& m,
          asio::ssl::context* tls_context)
        : io(io_context), config(cfg), pipeline(h), log(lg), metrics(m), tls(tls_context), acceptor(io_context) {}

    asio::io_context& io;
    http_config config;
    http_handler& pipeline;
    logger& log;
    metrics_registry& metrics;
    asio::ssl::context* tls;  // null: plain HTTP
    websocket_endpoint* websocket_handler = nullptr;
    std::vector<asio::io_context*> loops;  // empty: a strand of `io` per connection
    std::size_t next_loop = 0;             // touched by the accept loop only
    tcp::acceptor acceptor;
    std::atomic<bool> stopping{false};
    std::atomic<int> open{0};
    std::mutex connections_mutex;
    std::list<std::shared_ptr<connection_handle>> connections;

    asio::awaitable<void> accept_loop() {
        auto self = shared_from_this();
        for (;;) {
            // The connection's executor: a loop of its own thread, or a strand (named: docs/coroutines.md).
            asio::any_io_executor session_executor =
                loops.empty() ? asio::any_io_executor(asio::make_strand(io)) : asio::any_io_executor(loops[next_loop++ % loops.size()]->get_executor());
            auto [ec, socket] = co_await acceptor.async_accept(session_executor, use_tuple);
            if (stopping) co_return;
            if (ec) {
                if (ec == asio::error::operation_aborted) co_return;
                // EMFILE and friends: log, pause briefly, keep serving the connections we have.
                log.error("accept_failed", {{"error", ec.message()}});
                asio::steady_timer pause(io, std::chrono::milliseconds(50));
                co_await pause.async_wait(use_tuple);
                continue;
            }
            if (open.load() >= config.max_connections) {
                log.warn("connection_refused", {{"reason", "max_connections"}, {"limit", config.max_connections}});
                boost::system::error_code ignored;
                socket.close(ignored);
                continue;
            }
            auto executor = socket.get_executor();
            asio::co_spawn(executor, run_session(std::move(socket)), asio::detached);
        }
    }

    asio::awaitable<void> run_session(tcp::socket socket) {
        auto self = shared_from_this();
        ++open;
        std::string remote;
        {
            boost::system::error_code ec;
            auto endpoint = socket.remote_endpoint(ec);
            if (!ec) remote = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
        }
        auto handle = std::make_shared<connection_handle>(connection_handle{socket.get_executor(), nullptr, true});
        beast::tcp_stream stream(std::move(socket));
        handle->stream = &stream;
        std::list<std::shared_ptr<connection_handle>>::iterator registered;
        {
            std::lock_guard lock(connections_mutex);
            registered = connections.insert(connections.end(), handle);
        }
        try {
            if (tls) {
                beast::ssl_stream<beast::tcp_stream&> secure(stream, *tls);
                stream.expires_after(config.header_timeout);
                auto [ec] = co_await secure.async_handshake(asio::ssl::stream_base::server, use_tuple);
                if (ec) {
                    log.debug("tls_handshake_failed", {{"remote", remote}, {"error", ec.message()}});
                } else if (auto upgrade = co_await serve(secure, *handle, remote)) {
                    co_await run_websocket(secure, std::move(upgrade), remote);
                }
            } else if (auto upgrade = co_await serve(stream, *handle, remote)) {
                co_await run_websocket(stream, std::move(upgrade), remote);
            }
        } catch (const std::exception& e) {
            log.error("session_failed", {{"remote", remote}, {"error", e.what()}});
        }
        {
            std::lock_guard lock(connections_mutex);
            connections.erase(registered);
        }
        handle->stream = nullptr;
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream.socket().close(ignored);
        --open;
    }

    template <class Stream>
    asio::awaitable<void> write(Stream& stream, http_response&& response, unsigned version, bool keep_alive, bool head = false) {
        auto message = to_beast(std::move(response), version, keep_alive, head);
        beast::get_lowest_layer(stream).expires_after(config.write_timeout);
        co_await http::async_write(stream, message, use_tuple);
    }

    // HTTP requests until the connection closes, or a WebSocket upgrade the endpoint accepted,
    // which is returned for run_websocket.
    template <class Stream>
    asio::awaitable<std::unique_ptr<websocket_upgrade>> serve(Stream& stream, connection_handle& handle, const std::string& remote) {
        beast::flat_buffer buffer;
        bool first = true;
        while (!stopping) {
            http::request_parser<http::string_body> parser;
            parser.body_limit(config.body_limit_bytes);
            parser.header_limit(static_cast<std::uint32_t>(config.header_limit_bytes));

            // A new connection gets the header timeout; an idle keep-alive one the keep-alive timeout.
            handle.idle = true;
            beast::get_lowest_layer(stream).expires_after(first ? config.header_timeout : config.keepalive_timeout);
            auto [header_ec, header_bytes] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
            handle.idle = false;
            if (header_ec) {
                co_await answer_unreadable(stream, header_ec, parser, remote);
                co_return nullptr;
            }
            if (auto problem = framing_problem(parser.get()); !problem.empty()) {
                std::string code = "malformed_request";  // named: docs/coroutines.md
                co_await refuse_and_close(stream, parser, remote, 400, std::move(code), std::move(problem));
                co_return nullptr;
            }
            if (!parser.is_done()) {
                auto expect = parser.get()[http::field::expect];
                if (beast::iequals(expect, "100-continue")) {
                    http::response<http::empty_body> proceed{http::status::continue_, parser.get().version()};
                    beast::get_lowest_layer(stream).expires_after(config.write_timeout);
                    auto [ec, n] = co_await http::async_write(stream, proceed, use_tuple);
                    if (ec) co_return nullptr;
                }
                beast::get_lowest_layer(stream).expires_after(config.body_timeout);
                auto [body_ec, body_bytes] = co_await http::async_read(stream, buffer, parser, use_tuple);
                if (body_ec) {
                    co_await answer_unreadable(stream, body_ec, parser, remote);
                    co_return nullptr;
                }
            }
            beast::get_lowest_layer(stream).expires_never();
            auto message = parser.release();
            const unsigned version = message.version();
            const bool client_keeps_alive = message.keep_alive();
            const bool head = message.method() == http::verb::head;
            if (websocket_handler && websocket::is_upgrade(message)) {
                auto upgrade = to_request(http::request<http::string_body>(message), remote);
                if (websocket_handler->handles(upgrade)) {
                    const auto started = std::chrono::steady_clock::now();
                    pipeline.identify(upgrade);
                    std::string subprotocol;
                    auto refusal = co_await websocket_handler->authorize(upgrade, subprotocol);
                    if (refusal) {
                        upgrade.route = upgrade.path;
                        pipeline.record(upgrade, *refusal, started);
                        co_await write(stream, std::move(*refusal), version, false);
                        co_return nullptr;
                    }
                    handle.idle = false;  // the endpoint, not the HTTP shutdown, closes it
                    co_return std::make_unique<websocket_upgrade>(websocket_upgrade{std::move(message), std::move(upgrade), std::move(subprotocol)});
                }
            }
            auto request = to_request(std::move(message), remote);
            auto response = co_await pipeline.handle(request);
            const bool keep_alive = client_keeps_alive && !stopping;
            co_await write(stream, std::move(response), version, keep_alive, head);
            if (!keep_alive) co_return nullptr;
            first = false;
        }
        co_return nullptr;
    }

    template <class Stream>
    asio::awaitable<void> run_websocket(Stream& stream, std::unique_ptr<websocket_upgrade> upgrade, const std::string& remote) {
        {
            // Beast does the handshake on a stream of its own, freed once it is done (an idle
            // connection would otherwise keep its read buffer and state: see websocket_impl).
            auto handshake = std::make_unique<websocket::stream<Stream&>>(stream);
            websocket::stream_base::timeout timeouts{config.header_timeout, websocket::stream_base::none(), false};
            handshake->set_option(timeouts);
            handshake->set_option(websocket::stream_base::decorator([subprotocol = upgrade->subprotocol](websocket::response_type& response) {
                response.set(http::field::server, "sharedstore");
                if (!subprotocol.empty()) response.set(http::field::sec_websocket_protocol, subprotocol);
            }));
            auto [ec] = co_await handshake->async_accept(upgrade->message, use_tuple);
            if (ec) {
                log.debug("websocket_handshake_failed", {{"remote", remote}, {"error", ec.message()}});
                co_return;
            }
        }
        auto connection = std::make_shared<websocket_impl<Stream>>(stream, beast::get_lowest_layer(stream).get_executor(), remote);
        auto request = std::move(upgrade->request);
        upgrade.reset();  // the handshake's copy of the request is not needed any more
        websocket_connection accepted(connection);  // named: docs/coroutines.md
        co_await websocket_handler->run(std::move(accepted), std::move(request));
        // The stream goes when this returns: nothing may start on it after, and no write of ours
        // (a pong, a ping, a close frame) may still be using it (TLS's write refers to the stream).
        connection->abort();
        co_await connection->writes_ended();
    }

    // Answers a request that could not be read, when an answer makes sense, then the caller closes.
    template <class Stream>
    asio::awaitable<void> answer_unreadable(Stream& stream, boost::system::error_code ec,
                                            http::request_parser<http::string_body>& parser, const std::string& remote) {
        if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted || ec == asio::error::eof ||
            ec == asio::error::connection_reset || ec == asio::ssl::error::stream_truncated)
            co_return;
        if (ec == beast::error::timeout) {
            log.info("connection_timed_out", {{"remote", remote}, {"stage", parser.is_header_done() ? "body" : "header"}});
            co_return;
        }
        // Named, then moved: docs/coroutines.md (no temporary inside a co_await).
        int status = 400;
        std::string code = "malformed_request", message = "the request is not valid HTTP/1.1";
        if (ec == http::error::body_limit) {
            status = 413;
            code = "body_too_large";
            message = "request body exceeds " + std::to_string(config.body_limit_bytes) + " bytes";
        } else if (ec == http::error::header_limit) {
            status = 431;
            code = "headers_too_large";
            message = "request headers are too large";
        }
        co_await refuse_and_close(stream, parser, remote, status, std::move(code), std::move(message));
    }

    // An error answer from the pipeline (request id, log line), then the connection closes.
    template <class Stream>
    asio::awaitable<void> refuse_and_close(Stream& stream, http::request_parser<http::string_body>& parser, const std::string& remote,
                                           int status, std::string code, std::string message) {
        http_request partial;
        partial.remote_address = remote;
        if (parser.is_header_done()) {
            const auto& header = parser.get();
            partial.method = std::string(header.method_string());
            partial.target = std::string(header.target());
            partial.path = partial.target.substr(0, partial.target.find('?'));
            if (auto id = header.find("X-Request-Id"); id != header.end()) partial.headers.emplace_back("x-request-id", std::string(id->value()));
        }
        auto response = pipeline.reject(partial, status, code, message);
        co_await write(stream, std::move(response), 11, false);
        co_await linger_close(beast::get_lowest_layer(stream));
    }

    // Closing a socket with unread input makes the kernel send RST, which can destroy the error
    // response before the client reads it (a client still uploading a too-large body). So: stop
    // sending, then read and drop what still arrives, for at most 1 s and 4 MiB.
    asio::awaitable<void> linger_close(beast::tcp_stream& stream) {
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        std::array<char, 16 * 1024> sink;
        std::size_t drained = 0;
        stream.expires_after(std::chrono::seconds(1));
        while (drained < 4 * 1024 * 1024) {
            auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), use_tuple);
            if (ec) break;
            drained += n;
        }
    }

    void close_idle_connections() {
        std::lock_guard lock(connections_mutex);
        for (auto& handle : connections) {
            asio::post(handle->executor, [handle] {
                if (handle->idle && handle->stream) handle->stream->cancel();
            });
        }
    }
};

http_server::http_server(asio::io_context& io, const http_config& config, http_handler& handler, logger& log,
                         metrics_registry& metrics, asio::ssl::context* tls)
    : state_(std::make_shared<state>(io, config, handler, log, metrics, tls)) {
    auto weak = std::weak_ptr<state>(state_);
    metrics.describe_gauge("sharedstore_http_open_connections", "HTTP connections open now.", [weak] {
        std::vector<std::pair<metric_labels, double>> out;
        if (auto s = weak.lock()) out.push_back({{}, static_cast<double>(s->open.load())});
        return out;
    });
}

http_server::~http_server() = default;

void http_server::set_websocket_endpoint(websocket_endpoint* endpoint) { state_->websocket_handler = endpoint; }
void http_server::set_connection_loops(std::vector<asio::io_context*> loops) { state_->loops = std::move(loops); }

void http_server::start() {
    auto& acceptor = state_->acceptor;
    tcp::endpoint endpoint(asio::ip::make_address(state_->config.listen_address), static_cast<unsigned short>(state_->config.port));
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    asio::co_spawn(acceptor.get_executor(), state_->accept_loop(), asio::detached);
}

unsigned short http_server::bound_port() const { return state_->acceptor.local_endpoint().port(); }

void http_server::begin_shutdown() {
    if (state_->stopping.exchange(true)) return;
    asio::post(state_->acceptor.get_executor(), [s = state_] {
        boost::system::error_code ignored;
        s->acceptor.close(ignored);
    });
    state_->close_idle_connections();
}

int http_server::open_connections() const { return state_->open.load(); }

}  // namespace sharedstore

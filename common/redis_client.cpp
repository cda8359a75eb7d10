#include "common/redis_client.hpp"

#include "common/dependency_error.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <functional>
#include <new>
#include <optional>

namespace sharedstore {

namespace asio = boost::asio;

namespace {

using strand_type = asio::strand<asio::any_io_executor>;

// hiredis builds its replies through these (redisReplyObjectFunctions): straight into our
// redis_reply tree, instead of hiredis's own objects copied afterwards, which cost two
// allocations and a copy per element (a poke of 500 frames has 1,000). The root is allocated here
// and freed by hiredis through free_reply after the callback; an element lives inside its parent's
// `elements`, sized when the array is created, so the pointers handed back stay valid.
redis_reply* reply_slot(const redisReadTask* task) {
    if (!task->parent) return new (std::nothrow) redis_reply;
    auto* parent = static_cast<redis_reply*>(task->parent->obj);
    return &parent->elements[static_cast<std::size_t>(task->idx)];
}

redis_reply::kind kind_of(int type) {
    switch (type) {
    case REDIS_REPLY_STATUS: return redis_reply::kind::status;
    case REDIS_REPLY_ERROR: return redis_reply::kind::error;
    case REDIS_REPLY_INTEGER: return redis_reply::kind::integer;
    case REDIS_REPLY_STRING: return redis_reply::kind::string;
    case REDIS_REPLY_ARRAY: return redis_reply::kind::array;
    default: return redis_reply::kind::nil;
    }
}

// No exception may cross hiredis's C frames: an allocation that fails (a hostile `*2147483647`)
// returns null, which hiredis reports as out of memory and the connection is dropped.
void* create_string(const redisReadTask* task, char* text, size_t length) noexcept {
    try {
        auto* r = reply_slot(task);
        if (!r) return nullptr;
        r->type = kind_of(task->type);
        r->str.assign(text, length);
        return r;
    } catch (...) {
        return nullptr;
    }
}

void* create_array(const redisReadTask* task, int elements) noexcept {
    try {
        auto* r = reply_slot(task);
        if (!r) return nullptr;
        r->type = redis_reply::kind::array;
        r->elements.resize(static_cast<std::size_t>(std::max(0, elements)));
        return r;
    } catch (...) {
        return nullptr;
    }
}

void* create_integer(const redisReadTask* task, long long value) {
    auto* r = reply_slot(task);
    if (!r) return nullptr;
    r->type = redis_reply::kind::integer;
    r->integer = value;
    return r;
}

void* create_nil(const redisReadTask* task) {
    auto* r = reply_slot(task);
    if (!r) return nullptr;
    r->type = redis_reply::kind::nil;
    return r;
}

void free_reply(void* reply) { delete static_cast<redis_reply*>(reply); }

// Never written (hiredis's field is not const).
redisReplyObjectFunctions reply_functions{&create_string, &create_array, &create_integer, &create_nil, &free_reply};

std::exception_ptr unavailable(const std::string& why) {
    return std::make_exception_ptr(dependency_unavailable("redis", "redis: " + why));
}

// One command waiting for its reply. Lives until both hiredis's callback and our timer are done
// with it; `done` makes the first of reply, timeout or disconnect win. Touched on the strand only.
struct pending_command {
    std::function<void(std::exception_ptr, redis_reply)> complete;
    std::optional<asio::steady_timer> timer;
    bool done = false;

    void finish(std::exception_ptr error, redis_reply reply) {
        if (done) return;
        done = true;
        if (timer) timer->cancel();
        auto callback = std::move(complete);
        complete = nullptr;
        callback(error, std::move(reply));
    }
};

// Bridges hiredis's event hooks (ev.addRead ...) to Asio readiness waits on the socket.
// hiredis owns and closes the fd: cleanup() releases it from Asio before that happens.
struct fd_watcher : std::enable_shared_from_this<fd_watcher> {
    asio::posix::stream_descriptor descriptor;
    redisAsyncContext* context;
    bool want_read = false, want_write = false;
    bool read_armed = false, write_armed = false;

    fd_watcher(strand_type& strand, redisAsyncContext* ctx) : descriptor(strand, ctx->c.fd), context(ctx) {}

    static void add_read(void* p) { auto* w = static_cast<fd_watcher*>(p); w->want_read = true; w->arm(true); }
    static void del_read(void* p) { static_cast<fd_watcher*>(p)->want_read = false; }
    static void add_write(void* p) { auto* w = static_cast<fd_watcher*>(p); w->want_write = true; w->arm(false); }
    static void del_write(void* p) { static_cast<fd_watcher*>(p)->want_write = false; }
    static void cleanup(void* p) {
        auto* w = static_cast<fd_watcher*>(p);
        w->context = nullptr;
        w->want_read = w->want_write = false;
        if (w->descriptor.is_open()) w->descriptor.release();  // cancels waits; hiredis closes the fd
    }

    void arm(bool read) {
        bool& armed = read ? read_armed : write_armed;
        if (armed || !context) return;
        armed = true;
        descriptor.async_wait(read ? asio::posix::descriptor_base::wait_read : asio::posix::descriptor_base::wait_write,
                              [self = shared_from_this(), read](boost::system::error_code ec) {
                                  (read ? self->read_armed : self->write_armed) = false;
                                  // The context may be gone (cleanup ran) or no longer interested.
                                  if (ec || !self->context) return;
                                  if (read ? !self->want_read : !self->want_write) return;
                                  if (read) redisAsyncHandleRead(self->context);
                                  else redisAsyncHandleWrite(self->context);
                                  if (self->context && (read ? self->want_read : self->want_write)) self->arm(read);
                              });
    }
};

}  // namespace

struct redis_client::impl {
    impl(asio::any_io_executor executor, redis_config cfg, logger& lg)
        : strand(asio::make_strand(executor)), config(std::move(cfg)), log(lg), reconnect_timer(strand),
          connect_timer(strand) {}

    strand_type strand;
    redis_config config;
    logger& log;
    asio::steady_timer reconnect_timer;
    asio::steady_timer connect_timer;
    redisAsyncContext* context = nullptr;
    std::shared_ptr<fd_watcher> watcher;
    std::atomic<bool> connected{false};
    bool stopped = false;
    bool was_connected = false;
    std::chrono::milliseconds backoff{100};
    std::weak_ptr<redis_client> owner;

    void connect() {
        if (stopped || context) return;
        redisAsyncContext* c = redisAsyncConnect(config.host.c_str(), config.port);
        if (!c) {
            schedule_reconnect("allocation failed");
            return;
        }
        if (c->err) {
            std::string why = c->errstr;
            redisAsyncFree(c);
            schedule_reconnect(why);
            return;
        }
        c->data = this;
        c->c.reader->fn = &reply_functions;  // before any reply: every one is a redis_reply
        watcher = std::make_shared<fd_watcher>(strand, c);
        c->ev.data = watcher.get();
        c->ev.addRead = &fd_watcher::add_read;
        c->ev.delRead = &fd_watcher::del_read;
        c->ev.addWrite = &fd_watcher::add_write;
        c->ev.delWrite = &fd_watcher::del_write;
        c->ev.cleanup = &fd_watcher::cleanup;
        context = c;
        // Set after the hooks: it arms the first write wait, which is how connect completion shows.
        redisAsyncSetConnectCallback(c, &impl::on_connect);
        redisAsyncSetDisconnectCallback(c, &impl::on_disconnect);
        connect_timer.expires_after(config.connect_timeout);
        connect_timer.async_wait([this, c, keep = owner.lock()](boost::system::error_code ec) {
            if (ec || context != c || connected) return;
            context = nullptr;
            redisAsyncFree(c);  // no callbacks of ours fire for a never-connected context
            schedule_reconnect("connect timed out");
        });
    }

    static void on_connect(const redisAsyncContext* c, int status) {
        auto* self = static_cast<impl*>(c->data);
        self->connect_timer.cancel();
        if (status != REDIS_OK) {
            std::string why = c->errstr ? c->errstr : "connect failed";
            self->context = nullptr;  // hiredis frees it when we return
            self->schedule_reconnect(why);
            return;
        }
        self->connected = true;
        self->backoff = std::chrono::milliseconds(100);
        self->log.info(self->was_connected ? "redis_reconnected" : "redis_connected",
                       {{"host", self->config.host}, {"port", self->config.port}});
        self->was_connected = true;
        // AUTH and SELECT go first on the pipeline, so every later command runs after them.
        if (!self->config.password.empty()) self->send_setup({"AUTH", self->config.password});
        if (self->config.database != 0) self->send_setup({"SELECT", std::to_string(self->config.database)});
        // Always one reply awaited from the start: an error Redis sends unprompted on connect
        // (max clients, protected mode) is then this command's, and disconnects us cleanly.
        if (self->config.password.empty() && self->config.database == 0) self->send_setup({"PING"});
    }

    static void on_disconnect(const redisAsyncContext* c, int status) {
        auto* self = static_cast<impl*>(c->data);
        self->context = nullptr;
        self->connected = false;
        if (self->stopped) return;
        self->log.warn("redis_disconnected", {{"reason", c->errstr && *c->errstr ? c->errstr : "closed"}});
        self->schedule_reconnect({});
    }

    void send_setup(std::vector<std::string> argv) {
        std::vector<const char*> args;
        std::vector<size_t> lengths;
        for (auto& a : argv) {
            args.push_back(a.data());
            lengths.push_back(a.size());
        }
        redisAsyncCommandArgv(context, &impl::on_setup_reply, this, static_cast<int>(args.size()), args.data(), lengths.data());
    }

    static void on_setup_reply(redisAsyncContext* c, void* reply, void* privdata) {
        auto* self = static_cast<impl*>(privdata);
        auto* r = static_cast<redis_reply*>(reply);
        if (r && r->is_error()) {
            // Wrong password or database: the error text is Redis's own and holds no secret.
            self->log.error("redis_setup_failed", {{"error", r->str}});
            redisAsyncDisconnect(c);
        }
    }

    void schedule_reconnect(const std::string& why) {
        if (stopped) return;
        if (!why.empty()) log.warn("redis_connect_failed", {{"reason", why}, {"retry_in_ms", backoff.count()}});
        reconnect_timer.expires_after(backoff);
        backoff = std::min(backoff * 2, config.reconnect_max_backoff);
        reconnect_timer.async_wait([this, keep = owner.lock()](boost::system::error_code ec) {
            if (!ec) connect();
        });
    }

    void issue(const std::shared_ptr<pending_command>& op, const std::vector<std::string>& argv) {
        if (!context || !connected) {
            op->finish(unavailable("not connected"), {});
            return;
        }
        std::vector<const char*> args;
        std::vector<size_t> lengths;
        args.reserve(argv.size());
        lengths.reserve(argv.size());
        for (const auto& a : argv) {
            args.push_back(a.data());
            lengths.push_back(a.size());
        }
        auto* holder = new std::shared_ptr<pending_command>(op);
        if (redisAsyncCommandArgv(context, &impl::on_reply, holder, static_cast<int>(args.size()), args.data(),
                                  lengths.data()) != REDIS_OK) {
            delete holder;
            op->finish(unavailable("connection closing"), {});
            return;
        }
        op->timer.emplace(strand);
        op->timer->expires_after(config.command_timeout);
        op->timer->async_wait([op](boost::system::error_code ec) {
            if (!ec) op->finish(unavailable("command timed out"), {});
        });
    }

    static void on_reply(redisAsyncContext*, void* reply, void* privdata) {
        std::unique_ptr<std::shared_ptr<pending_command>> holder(static_cast<std::shared_ptr<pending_command>*>(privdata));
        if (!reply) {
            (*holder)->finish(unavailable("connection lost"), {});
            return;
        }
        // Moved out: hiredis frees the husk (free_reply) when this returns.
        (*holder)->finish(nullptr, std::move(*static_cast<redis_reply*>(reply)));
    }

    void shutdown() {
        stopped = true;
        reconnect_timer.cancel();
        connect_timer.cancel();
        if (context) {
            auto* c = context;
            context = nullptr;
            connected = false;
            redisAsyncFree(c);  // pending commands complete with "connection lost"
        }
    }
};

redis_client::redis_client(asio::any_io_executor executor, redis_config config, logger& log)
    : impl_(std::make_unique<impl>(std::move(executor), std::move(config), log)) {}

std::shared_ptr<redis_client> redis_client::create(asio::any_io_executor executor, redis_config config, logger& log) {
    std::shared_ptr<redis_client> client(new redis_client(std::move(executor), std::move(config), log));
    client->impl_->owner = client;
    return client;
}

redis_client::~redis_client() {
    // Only reached when no handler holds us any more; free a context that stop() did not.
    if (impl_->context) {
        impl_->stopped = true;
        auto* c = impl_->context;
        impl_->context = nullptr;
        redisAsyncFree(c);
    }
}

bool redis_client::connected() const { return impl_->connected.load(std::memory_order_relaxed); }

void redis_client::start() {
    asio::dispatch(impl_->strand, [self = shared_from_this()] { self->impl_->connect(); });
}

void redis_client::stop() {
    asio::dispatch(impl_->strand, [self = shared_from_this()] { self->impl_->shutdown(); });
}

asio::awaitable<redis_reply> redis_client::command(std::vector<std::string> argv) {
    auto self = shared_from_this();
    // Named, then moved: docs/coroutines.md explains why no temporary may sit in a co_await.
    auto initiation = [self, argv = std::move(argv)](auto handler) mutable {
            auto shared_handler = std::make_shared<decltype(handler)>(std::move(handler));
            auto handler_executor = asio::get_associated_executor(*shared_handler);
            auto op = std::make_shared<pending_command>();
            // Outstanding work on the caller's executor until answered (the client's strand answers).
            op->complete = [shared_handler, handler_executor, working = asio::make_work_guard(handler_executor)](std::exception_ptr error,
                                                                                                                redis_reply reply) {
                asio::dispatch(handler_executor, [shared_handler, error, reply = std::move(reply)]() mutable {
                    std::move (*shared_handler)(error, std::move(reply));
                });
            };
            asio::dispatch(self->impl_->strand,
                           [self, op, argv = std::move(argv)] { self->impl_->issue(op, argv); });
        };
    co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(std::exception_ptr, redis_reply)>(
        std::move(initiation), asio::use_awaitable);
}

}  // namespace sharedstore

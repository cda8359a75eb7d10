#include "server/config.hpp"

#include "server/storage/secret_box.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

namespace sharedstore {

namespace json = boost::json;

namespace {

enum class key_kind { text, path, integer, milliseconds, level, boolean };

// One configuration key: where it lives in server_config, its type, its range, and whether a
// file must give it. The table below is the single list of keys (the docs mirror it).
struct key_spec {
    std::string name;
    key_kind kind;
    bool required;
    long long min = 0;
    long long max = 0;
    std::function<void(server_config&, long long)> set_integer;  // booleans too: 0 or 1
    std::function<void(server_config&, std::string)> set_text;
    std::function<std::string(const server_config&)> get;
};

template <class Access>
key_spec text_key(std::string name, bool required, Access access) {
    key_spec k{std::move(name), key_kind::text, required, 0, 0, {}, {}, {}};
    k.set_text = [access](server_config& c, std::string v) { access(c) = std::move(v); };
    k.get = [access](const server_config& c) { return access(const_cast<server_config&>(c)); };
    return k;
}

template <class Access>
key_spec path_key(std::string name, bool required, Access access) {
    auto k = text_key(std::move(name), required, access);
    k.kind = key_kind::path;
    return k;
}

template <class Access>
key_spec integer_key(std::string name, bool required, long long min, long long max, Access access) {
    key_spec k{std::move(name), key_kind::integer, required, min, max, {}, {}, {}};
    k.set_integer = [access](server_config& c, long long v) { access(c) = static_cast<std::remove_reference_t<decltype(access(c))>>(v); };
    k.get = [access](const server_config& c) { return std::to_string(access(const_cast<server_config&>(c))); };
    return k;
}

template <class Access>
key_spec boolean_key(std::string name, Access access) {
    key_spec k{std::move(name), key_kind::boolean, false, 0, 1, {}, {}, {}};
    k.set_integer = [access](server_config& c, long long v) { access(c) = v != 0; };
    k.get = [access](const server_config& c) { return std::string(access(const_cast<server_config&>(c)) ? "true" : "false"); };
    return k;
}

template <class Access>
key_spec ms_key(std::string name, long long min, long long max, Access access) {
    key_spec k{std::move(name), key_kind::milliseconds, false, min, max, {}, {}, {}};
    k.set_integer = [access](server_config& c, long long v) { access(c) = std::chrono::milliseconds(v); };
    k.get = [access](const server_config& c) { return std::to_string(access(const_cast<server_config&>(c)).count()); };
    return k;
}

const std::vector<key_spec>& key_table() {
    static const std::vector<key_spec> keys = [] {
        constexpr long long hour_ms = 3'600'000;
        std::vector<key_spec> k;
        k.push_back(text_key("http.listen_address", false, [](server_config& c) -> std::string& { return c.http.listen_address; }));
        k.push_back(integer_key("http.port", true, 0, 65535, [](server_config& c) -> int& { return c.http.port; }));
        k.push_back(integer_key("http.body_limit_bytes", false, 1024, 64LL << 20, [](server_config& c) -> std::size_t& { return c.http.body_limit_bytes; }));
        k.push_back(integer_key("http.header_limit_bytes", false, 1024, 1 << 20, [](server_config& c) -> std::size_t& { return c.http.header_limit_bytes; }));
        k.push_back(ms_key("http.header_timeout_ms", 100, hour_ms, [](server_config& c) -> std::chrono::milliseconds& { return c.http.header_timeout; }));
        k.push_back(ms_key("http.body_timeout_ms", 100, hour_ms, [](server_config& c) -> std::chrono::milliseconds& { return c.http.body_timeout; }));
        k.push_back(ms_key("http.keepalive_timeout_ms", 100, hour_ms, [](server_config& c) -> std::chrono::milliseconds& { return c.http.keepalive_timeout; }));
        k.push_back(ms_key("http.write_timeout_ms", 100, hour_ms, [](server_config& c) -> std::chrono::milliseconds& { return c.http.write_timeout; }));
        k.push_back(integer_key("http.max_connections", false, 1, 1'000'000, [](server_config& c) -> int& { return c.http.max_connections; }));
        k.push_back(integer_key("server.io_threads", false, 1, 256, [](server_config& c) -> int& { return c.io_threads; }));
        k.push_back(ms_key("server.shutdown_grace_ms", 0, hour_ms, [](server_config& c) -> std::chrono::milliseconds& { return c.shutdown_grace; }));
        k.push_back(text_key("mysql.host", true, [](server_config& c) -> std::string& { return c.mysql.host; }));
        k.push_back(integer_key("mysql.port", true, 1, 65535, [](server_config& c) -> int& { return c.mysql.port; }));
        k.push_back(text_key("mysql.user", true, [](server_config& c) -> std::string& { return c.mysql.user; }));
        k.push_back(text_key("mysql.password", true, [](server_config& c) -> std::string& { return c.mysql.password; }));
        k.push_back(text_key("mysql.database", true, [](server_config& c) -> std::string& { return c.mysql.database; }));
        k.push_back(integer_key("mysql.pool_size", false, 1, 512, [](server_config& c) -> int& { return c.mysql.pool_size; }));
        k.push_back(integer_key("mysql.statement_cache_size", false, 0, 4096,
                                [](server_config& c) -> int& { return c.mysql.statement_cache_size; }));
        k.push_back(integer_key("mysql.queue_limit", false, 1, 1'000'000, [](server_config& c) -> int& { return c.mysql.queue_limit; }));
        k.push_back(ms_key("mysql.queue_timeout_ms", 1, hour_ms, [](server_config& c) -> std::chrono::milliseconds& { return c.mysql.queue_timeout; }));
        k.push_back(ms_key("mysql.connect_timeout_ms", 1000, hour_ms, [](server_config& c) -> std::chrono::milliseconds& { return c.mysql.connect_timeout; }));
        k.push_back(ms_key("mysql.read_timeout_ms", 1000, hour_ms, [](server_config& c) -> std::chrono::milliseconds& { return c.mysql.read_timeout; }));
        k.push_back(ms_key("mysql.write_timeout_ms", 1000, hour_ms, [](server_config& c) -> std::chrono::milliseconds& { return c.mysql.write_timeout; }));
        k.push_back(ms_key("mysql.job_timeout_ms", 1, hour_ms, [](server_config& c) -> std::chrono::milliseconds& { return c.mysql.job_timeout; }));
        k.push_back(integer_key("mysql.circuit_failures", false, 1, 1'000'000, [](server_config& c) -> int& { return c.mysql.circuit_failures; }));
        k.push_back(ms_key("mysql.circuit_open_ms", 1, hour_ms, [](server_config& c) -> std::chrono::milliseconds& { return c.mysql.circuit_open; }));
        k.push_back(ms_key("mysql.probe_timeout_ms", 1000, hour_ms, [](server_config& c) -> std::chrono::milliseconds& { return c.mysql.probe_timeout; }));
        k.push_back(text_key("redis.host", true, [](server_config& c) -> std::string& { return c.redis.host; }));
        k.push_back(integer_key("redis.port", true, 1, 65535, [](server_config& c) -> int& { return c.redis.port; }));
        k.push_back(text_key("redis.password", false, [](server_config& c) -> std::string& { return c.redis.password; }));
        k.push_back(integer_key("redis.database", false, 0, 15, [](server_config& c) -> int& { return c.redis.database; }));
        k.push_back(ms_key("redis.connect_timeout_ms", 10, hour_ms, [](server_config& c) -> std::chrono::milliseconds& { return c.redis.connect_timeout; }));
        k.push_back(ms_key("redis.command_timeout_ms", 10, hour_ms, [](server_config& c) -> std::chrono::milliseconds& { return c.redis.command_timeout; }));
        k.push_back(ms_key("redis.reconnect_max_backoff_ms", 100, hour_ms, [](server_config& c) -> std::chrono::milliseconds& { return c.redis.reconnect_max_backoff; }));
        k.push_back(text_key("wechat.appid", true, [](server_config& c) -> std::string& { return c.wechat.appid; }));
        k.push_back(path_key("wechat.app_secret_file", true, [](server_config& c) -> std::string& { return c.wechat.app_secret_file; }));
        k.push_back(text_key("wechat.api_base_url", false, [](server_config& c) -> std::string& { return c.wechat.api_base_url; }));
        k.push_back(path_key("wechat.ca_file", false, [](server_config& c) -> std::string& { return c.wechat.ca_file; }));
        k.push_back(ms_key("wechat.connect_timeout_ms", 100, hour_ms, [](server_config& c) -> std::chrono::milliseconds& { return c.wechat.connect_timeout; }));
        k.push_back(ms_key("wechat.request_timeout_ms", 100, hour_ms, [](server_config& c) -> std::chrono::milliseconds& { return c.wechat.request_timeout; }));
        k.push_back(integer_key("wechat.max_attempts", false, 1, 10, [](server_config& c) -> int& { return c.wechat.max_attempts; }));
        k.push_back(ms_key("wechat.retry_backoff_ms", 0, 60000, [](server_config& c) -> std::chrono::milliseconds& { return c.wechat.retry_backoff; }));
        k.push_back(ms_key("wechat.total_timeout_ms", 100, hour_ms, [](server_config& c) -> std::chrono::milliseconds& { return c.wechat.total_timeout; }));
        key_spec ttl{"auth.session_ttl_s", key_kind::integer, false, 60, 90LL * 24 * 3600, {}, {}, {}};
        ttl.set_integer = [](server_config& c, long long v) { c.auth.session_ttl = std::chrono::seconds(v); };
        ttl.get = [](const server_config& c) { return std::to_string(c.auth.session_ttl.count()); };
        k.push_back(std::move(ttl));
        k.push_back(integer_key("auth.login_limit_per_ip", false, 1, 1'000'000, [](server_config& c) -> int& { return c.auth.login_limit_per_ip; }));
        k.push_back(integer_key("auth.login_limit_per_openid", false, 1, 1'000'000, [](server_config& c) -> int& { return c.auth.login_limit_per_openid; }));
        k.push_back(text_key("wechat_pay.mchid", false, [](server_config& c) -> std::string& { return c.wechat_pay.mchid; }));
        k.push_back(text_key("wechat_pay.api_base_url", false, [](server_config& c) -> std::string& { return c.wechat_pay.api_base_url; }));
        k.push_back(path_key("wechat_pay.merchant_private_key_file", false, [](server_config& c) -> std::string& { return c.wechat_pay.merchant_private_key_file; }));
        k.push_back(path_key("wechat_pay.merchant_certificate_file", false, [](server_config& c) -> std::string& { return c.wechat_pay.merchant_certificate_file; }));
        k.push_back(path_key("wechat_pay.platform_certificate_file", false, [](server_config& c) -> std::string& { return c.wechat_pay.platform_certificate_file; }));
        k.push_back(path_key("wechat_pay.public_key_file", false, [](server_config& c) -> std::string& { return c.wechat_pay.public_key_file; }));
        k.push_back(text_key("wechat_pay.public_key_id", false, [](server_config& c) -> std::string& { return c.wechat_pay.public_key_id; }));
        k.push_back(path_key("wechat_pay.apiv3_key_file", false, [](server_config& c) -> std::string& { return c.wechat_pay.apiv3_key_file; }));
        k.push_back(text_key("wechat_pay.notify_url", false, [](server_config& c) -> std::string& { return c.wechat_pay.notify_url; }));
        k.push_back(integer_key("wechat_pay.reconcile_after_s", false, 10, 7 * 24 * 3600, [](server_config& c) -> int& { return c.wechat_pay.reconcile_after_s; }));
        k.push_back(integer_key("wechat_pay.close_unpaid_after_s", false, 0, 2 * 24 * 3600, [](server_config& c) -> int& { return c.wechat_pay.close_unpaid_after_s; }));
        k.push_back(text_key("payouts.transfer_scene_id", false, [](server_config& c) -> std::string& { return c.payouts.transfer_scene_id; }));
        k.push_back(text_key("payouts.notify_url", false, [](server_config& c) -> std::string& { return c.payouts.notify_url; }));
        k.push_back(text_key("payouts.transfer_remark", false, [](server_config& c) -> std::string& { return c.payouts.transfer_remark; }));
        k.push_back(text_key("payouts.user_recv_perception", false, [](server_config& c) -> std::string& { return c.payouts.user_recv_perception; }));
        k.push_back(text_key("payouts.report_position", false, [](server_config& c) -> std::string& { return c.payouts.report_position; }));
        k.push_back(text_key("payouts.report_description", false, [](server_config& c) -> std::string& { return c.payouts.report_description; }));
        k.push_back(integer_key("payouts.recheck_after_s", false, 1, 24 * 3600, [](server_config& c) -> int& { return c.payouts.recheck_after_s; }));
        k.push_back(integer_key("payouts.confirm_check_every_s", false, 1, 24 * 3600, [](server_config& c) -> int& { return c.payouts.confirm_check_every_s; }));
        k.push_back(integer_key("payouts.unconfirmed_lifetime_s", false, 10, 7 * 24 * 3600,
                                [](server_config& c) -> int& { return c.payouts.unconfirmed_lifetime_s; }));
        k.push_back(ms_key("push.ping_interval_ms", 1000, hour_ms, [](server_config& c) -> std::chrono::milliseconds& { return c.push.ping_interval; }));
        k.push_back(ms_key("push.idle_timeout_ms", 2000, hour_ms, [](server_config& c) -> std::chrono::milliseconds& { return c.push.idle_timeout; }));
        k.push_back(integer_key("push.max_frame_bytes", false, 256, 65536, [](server_config& c) -> std::size_t& { return c.push.max_frame_bytes; }));
        k.push_back(integer_key("push.send_queue_limit", false, 1, 100000, [](server_config& c) -> std::size_t& { return c.push.send_queue_limit; }));
        k.push_back(ms_key("push.write_timeout_ms", 100, hour_ms, [](server_config& c) -> std::chrono::milliseconds& { return c.push.write_timeout; }));
        k.push_back(ms_key("push.resume_window_ms", 0, 60000, [](server_config& c) -> std::chrono::milliseconds& { return c.push.resume_window; }));
        k.push_back(integer_key("push.inbox_max_events", false, 10, 1'000'000, [](server_config& c) -> int& { return c.push.inbox_max_events; }));
        k.push_back(integer_key("jobs.reconcile_payments_every_s", false, 0, 24 * 3600, [](server_config& c) -> int& { return c.jobs.reconcile_payments_every_s; }));
        k.push_back(integer_key("jobs.prune_outbox_every_s", false, 0, 7 * 24 * 3600, [](server_config& c) -> int& { return c.jobs.prune_outbox_every_s; }));
        // At least a day: a phone's resume and a Redis that lost its tail read relayed events back.
        k.push_back(integer_key("jobs.prune_outbox_retention_s", false, 24 * 3600, 10 * 365 * 24 * 3600,
                                [](server_config& c) -> int& { return c.jobs.prune_outbox_retention_s; }));
        k.push_back(integer_key("jobs.settle_dividends_every_s", false, 0, 24 * 3600, [](server_config& c) -> int& { return c.jobs.settle_dividends_every_s; }));
        k.push_back(integer_key("jobs.check_payouts_every_s", false, 0, 24 * 3600, [](server_config& c) -> int& { return c.jobs.check_payouts_every_s; }));
        k.push_back(integer_key("jobs.vest_member_orders_every_s", false, 0, 24 * 3600,
                                [](server_config& c) -> int& { return c.jobs.vest_member_orders_every_s; }));
        k.push_back(integer_key("jobs.vest_alliance_lots_every_s", false, 0, 24 * 3600,
                                [](server_config& c) -> int& { return c.jobs.vest_alliance_lots_every_s; }));
        k.push_back(integer_key("jobs.expire_alliance_vouchers_every_s", false, 0, 24 * 3600,
                                [](server_config& c) -> int& { return c.jobs.expire_alliance_vouchers_every_s; }));
        k.push_back(integer_key("jobs.remind_expiring_vouchers_every_s", false, 0, 24 * 3600,
                                [](server_config& c) -> int& { return c.jobs.remind_expiring_vouchers_every_s; }));
        k.push_back(integer_key("jobs.issue_alliance_statements_every_s", false, 0, 24 * 3600,
                                [](server_config& c) -> int& { return c.jobs.issue_alliance_statements_every_s; }));
        k.push_back(integer_key("jobs.issue_share_statements_every_s", false, 0, 24 * 3600,
                                [](server_config& c) -> int& { return c.jobs.issue_share_statements_every_s; }));
        k.push_back(integer_key("jobs.voucher_expiry_notice_s", false, 3600, 90 * 24 * 3600,
                                [](server_config& c) -> int& { return c.jobs.voucher_expiry_notice_s; }));
        k.push_back(integer_key("jobs.release_voucher_reservations_every_s", false, 0, 24 * 3600,
                                [](server_config& c) -> int& { return c.jobs.release_voucher_reservations_every_s; }));
        k.push_back(integer_key("jobs.pay_alliance_dividends_every_s", false, 0, 24 * 3600,
                                [](server_config& c) -> int& { return c.jobs.pay_alliance_dividends_every_s; }));
        // A chunk's ledger entries and inserts must stay under the 65,535 placeholders MariaDB allows a statement.
        k.push_back(integer_key("jobs.alliance_dividend_chunk_lots", false, 1, 10000,
                                [](server_config& c) -> int& { return c.jobs.alliance_dividend_chunk_lots; }));
        k.push_back(integer_key("jobs.alliance_dividend_chunk_pause_ms", false, 0, 60000,
                                [](server_config& c) -> int& { return c.jobs.alliance_dividend_chunk_pause_ms; }));
        k.push_back(integer_key("jobs.alliance_dividend_outbox_backlog", false, 0, 1'000'000,
                                [](server_config& c) -> int& { return c.jobs.alliance_dividend_outbox_backlog; }));
        k.push_back(integer_key("jobs.alliance_dividend_outbox_wait_s", false, 1, 24 * 3600,
                                [](server_config& c) -> int& { return c.jobs.alliance_dividend_outbox_wait_s; }));
        k.push_back(integer_key("jobs.expire_member_points_every_s", false, 0, 24 * 3600,
                                [](server_config& c) -> int& { return c.jobs.expire_member_points_every_s; }));
        k.push_back(integer_key("jobs.member_level_retention_every_s", false, 0, 24 * 3600,
                                [](server_config& c) -> int& { return c.jobs.member_level_retention_every_s; }));
        k.push_back(integer_key("jobs.remind_expiring_cards_every_s", false, 0, 24 * 3600,
                                [](server_config& c) -> int& { return c.jobs.remind_expiring_cards_every_s; }));
        k.push_back(integer_key("jobs.award_top_dealers_every_s", false, 0, 24 * 3600,
                                [](server_config& c) -> int& { return c.jobs.award_top_dealers_every_s; }));
        k.push_back(integer_key("jobs.card_expiry_notice_s", false, 3600, 30 * 24 * 3600, [](server_config& c) -> int& { return c.jobs.card_expiry_notice_s; }));
        k.push_back(integer_key("jobs.prune_outbox_batch", false, 10, 100000, [](server_config& c) -> int& { return c.jobs.prune_outbox_batch; }));
        key_spec replay{"push.redis_loss_replay_s", key_kind::integer, false, 0, 7 * 24 * 3600, {}, {}, {}};
        replay.set_integer = [](server_config& c, long long v) { c.push.redis_loss_replay = std::chrono::seconds(v); };
        replay.get = [](const server_config& c) { return std::to_string(c.push.redis_loss_replay.count()); };
        k.push_back(std::move(replay));
        k.push_back(ms_key("push.relay_interval_ms", 5, 60000, [](server_config& c) -> std::chrono::milliseconds& { return c.push.relay_interval; }));
        k.push_back(ms_key("push.ack_timeout_ms", 100, hour_ms, [](server_config& c) -> std::chrono::milliseconds& { return c.push.ack_timeout; }));
        k.push_back(text_key("push.subscribe_template_id", false, [](server_config& c) -> std::string& { return c.push.subscribe_template_id; }));
        k.push_back(text_key("push.subscribe_page", false, [](server_config& c) -> std::string& { return c.push.subscribe_page; }));
        k.push_back(text_key("push.subscribe_miniprogram_state", false, [](server_config& c) -> std::string& { return c.push.subscribe_miniprogram_state; }));
        k.push_back(text_key("push.field_amount", false, [](server_config& c) -> std::string& { return c.push.field_amount; }));
        k.push_back(text_key("push.field_merchant", false, [](server_config& c) -> std::string& { return c.push.field_merchant; }));
        k.push_back(text_key("push.field_time", false, [](server_config& c) -> std::string& { return c.push.field_time; }));
        k.push_back(text_key("push.field_customer", false, [](server_config& c) -> std::string& { return c.push.field_customer; }));
        k.push_back(text_key("share.page", false, [](server_config& c) -> std::string& { return c.share.page; }));
        k.push_back(text_key("share.qr_env_version", false, [](server_config& c) -> std::string& { return c.share.qr_env_version; }));
        k.push_back(text_key("share.public_base_url", false, [](server_config& c) -> std::string& { return c.share.public_base_url; }));
        k.push_back(text_key("server.environment", false, [](server_config& c) -> std::string& { return c.environment; }));
        k.push_back(path_key("console.static_dir", false, [](server_config& c) -> std::string& { return c.console.static_dir; }));
        k.push_back(integer_key("console.session_idle_s", false, 1, 7 * 24 * 3600, [](server_config& c) -> int& { return c.console.session_idle_s; }));
        k.push_back(integer_key("console.session_absolute_s", false, 1, 30 * 24 * 3600,
                                [](server_config& c) -> int& { return c.console.session_absolute_s; }));
        k.push_back(boolean_key("console.cookie_secure", [](server_config& c) -> bool& { return c.console.cookie_secure; }));
        k.push_back(integer_key("console.ticket_ttl_s", false, 5, 600, [](server_config& c) -> int& { return c.console.ticket_ttl_s; }));
        // Below the 60 s a proxy usually gives a response (nginx's proxy_read_timeout).
        k.push_back(integer_key("console.long_poll_s", false, 1, 55, [](server_config& c) -> int& { return c.console.long_poll_s; }));
        k.push_back(text_key("console.login_page", false, [](server_config& c) -> std::string& { return c.console.login_page; }));
        k.push_back(path_key("security.data_key_file", true, [](server_config& c) -> std::string& { return c.security.data_key_file; }));
        key_spec level{"log.level", key_kind::level, false, 0, 0, {}, {}, {}};
        level.set_text = [](server_config& c, std::string v) { parse_log_level(v, c.log_min_level); };
        level.get = [](const server_config& c) {
            switch (c.log_min_level) {
            case log_level::debug: return std::string("debug");
            case log_level::info: return std::string("info");
            case log_level::warn: return std::string("warn");
            case log_level::error: return std::string("error");
            }
            return std::string("info");
        };
        k.push_back(std::move(level));
        return k;
    }();
    return keys;
}

[[noreturn]] void fail(const key_spec& key, const std::string& expected, const std::string& got, const std::string& source) {
    throw config_error("config key " + key.name + ": expected " + expected + ", got " + got + " (" + source + ")");
}

std::string expectation(const key_spec& key) {
    switch (key.kind) {
    case key_kind::text: return "a string";
    case key_kind::path: return "a file path (string)";
    case key_kind::level: return "one of \"debug\", \"info\", \"warn\", \"error\"";
    case key_kind::boolean: return "true or false";
    case key_kind::integer:
        return "an integer from " + std::to_string(key.min) + " to " + std::to_string(key.max);
    case key_kind::milliseconds:
        return "milliseconds from " + std::to_string(key.min) + " to " + std::to_string(key.max);
    }
    return "a value";
}

void apply_integer(server_config& config, const key_spec& key, long long value, const std::string& got, const std::string& source) {
    if (value < key.min || value > key.max) fail(key, expectation(key), got, source);
    key.set_integer(config, value);
}

void apply_json(server_config& config, const key_spec& key, const json::value& value, const std::string& source,
                const std::string& base_dir) {
    const std::string got = json::serialize(value);
    switch (key.kind) {
    case key_kind::text:
        if (!value.is_string()) fail(key, expectation(key), got, source);
        key.set_text(config, std::string(value.as_string()));
        return;
    case key_kind::path: {
        if (!value.is_string()) fail(key, expectation(key), got, source);
        std::string path(value.as_string());
        if (!path.empty() && path.front() != '/' && !base_dir.empty()) path = base_dir + "/" + path;
        key.set_text(config, path);
        return;
    }
    case key_kind::level: {
        log_level ignored;
        if (!value.is_string() || !parse_log_level(value.as_string(), ignored)) fail(key, expectation(key), got, source);
        key.set_text(config, std::string(value.as_string()));
        return;
    }
    case key_kind::boolean:
        if (!value.is_bool()) fail(key, expectation(key), got, source);
        key.set_integer(config, value.as_bool() ? 1 : 0);
        return;
    case key_kind::integer:
    case key_kind::milliseconds:
        if (value.is_int64()) apply_integer(config, key, value.as_int64(), got, source);
        else if (value.is_uint64() && value.as_uint64() <= static_cast<std::uint64_t>(key.max)) apply_integer(config, key, static_cast<long long>(value.as_uint64()), got, source);
        else fail(key, expectation(key), got, source);
        return;
    }
}

void apply_text(server_config& config, const key_spec& key, const std::string& text, const std::string& source) {
    switch (key.kind) {
    case key_kind::text:
    case key_kind::path:
        key.set_text(config, text);
        return;
    case key_kind::level: {
        log_level ignored;
        if (!parse_log_level(text, ignored)) fail(key, expectation(key), "\"" + text + "\"", source);
        key.set_text(config, text);
        return;
    }
    case key_kind::boolean:
        if (text != "true" && text != "false") fail(key, expectation(key), "\"" + text + "\"", source);
        key.set_integer(config, text == "true" ? 1 : 0);
        return;
    case key_kind::integer:
    case key_kind::milliseconds: {
        long long value = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (text.empty() || ec != std::errc() || end != text.data() + text.size())
            fail(key, expectation(key), "\"" + text + "\"", source);
        apply_integer(config, key, value, "\"" + text + "\"", source);
        return;
    }
    }
}

// Flattens {"a":{"b":1}} into {"a.b": 1}. Keys starting with "//" are comments (JSON has none),
// which is how conf/production.example.json documents every key in place.
void flatten(const json::object& object, const std::string& prefix, std::map<std::string, json::value>& out) {
    for (const auto& [key, value] : object) {
        if (key.starts_with("//")) continue;
        std::string name = prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
        if (value.is_object()) flatten(value.as_object(), name, out);
        else out.emplace(std::move(name), value);
    }
}

}  // namespace

environment_lookup process_environment() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (!value) return std::nullopt;
        return std::string(value);
    };
}

std::string environment_name_for(const std::string& dotted_key) {
    std::string out = "SHAREDSTORE_";
    for (char c : dotted_key) out.push_back(c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    return out;
}

server_config parse_config(const std::string& json_text, const environment_lookup& env, const std::string& base_dir) {
    boost::system::error_code ec;
    json::value root = json::parse(json_text, ec);
    if (ec) throw config_error("config file is not valid JSON: " + ec.message());
    if (!root.is_object()) throw config_error("config file must hold a JSON object");

    std::map<std::string, json::value> flat;
    flatten(root.as_object(), "", flat);

    server_config config;
    std::set<std::string> known;
    for (const auto& key : key_table()) {
        known.insert(key.name);
        const std::string env_name = environment_name_for(key.name);
        if (auto overridden = env(env_name)) {
            apply_text(config, key, *overridden, "from " + env_name);
        } else if (auto it = flat.find(key.name); it != flat.end()) {
            apply_json(config, key, it->second, "from the config file", base_dir);
        } else if (key.required) {
            throw config_error("config key " + key.name + " is missing (set it in the file or in " + env_name + ")");
        }
    }
    // A misspelt key would otherwise silently fall back to a default.
    for (const auto& [name, value] : flat)
        if (!known.contains(name)) throw config_error("config key " + name + " is unknown");
    // WeChat Pay on: everything it needs, named now rather than at the first order.
    const auto& pay = config.wechat_pay;
    if (!pay.mchid.empty()) {
        for (const auto& [key, value] : {std::pair{"merchant_private_key_file", pay.merchant_private_key_file},
                                         {"merchant_certificate_file", pay.merchant_certificate_file},
                                         {"apiv3_key_file", pay.apiv3_key_file},
                                         {"notify_url", pay.notify_url}})
            if (value.empty()) throw config_error(std::string("config key wechat_pay.") + key + " is needed when wechat_pay.mchid is set");
        if (pay.platform_certificate_file.empty() && pay.public_key_file.empty())
            throw config_error("config key wechat_pay.platform_certificate_file or wechat_pay.public_key_file is needed when wechat_pay.mchid is set");
        if (!pay.public_key_file.empty() && pay.public_key_id.rfind("PUB_KEY_ID_", 0) != 0)
            throw config_error("config key wechat_pay.public_key_id: the PUB_KEY_ID_... of wechat_pay.public_key_file, got " + pay.public_key_id);
        if (pay.notify_url.rfind("https://", 0) != 0 && pay.notify_url.rfind("http://", 0) != 0)
            throw config_error("config key wechat_pay.notify_url: an absolute URL, got " + pay.notify_url);
    }
    if (config.push.idle_timeout <= config.push.ping_interval)
        throw config_error("config key push.idle_timeout_ms must be longer than push.ping_interval_ms");
    const auto& state = config.push.subscribe_miniprogram_state;
    if (state != "developer" && state != "trial" && state != "formal")
        throw config_error("config key push.subscribe_miniprogram_state: expected developer, trial or formal, got " + state);
    // Values WeChat would refuse later, refused now.
    const auto& share = config.share;
    if (share.qr_env_version != "release" && share.qr_env_version != "trial" && share.qr_env_version != "develop")
        throw config_error("config key share.qr_env_version: expected release, trial or develop, got " + share.qr_env_version);
    if (share.page.empty() || share.page.front() == '/' || share.page.find('?') != std::string::npos)
        throw config_error("config key share.page: a page path without a leading '/' or a query, got " + share.page);
    if (!share.public_base_url.empty() && share.public_base_url.back() == '/')
        throw config_error("config key share.public_base_url: no trailing '/', got " + share.public_base_url);
    if (config.environment != "development" && config.environment != "production")
        throw config_error("config key server.environment: expected development or production, got " + config.environment);
    const auto& login_page = config.console.login_page;
    if (login_page.empty() || login_page.front() == '/' || login_page.find('?') != std::string::npos)
        throw config_error("config key console.login_page: a page path without a leading '/' or a query, got " + login_page);
    return config;
}

// A secret file holds the secret alone; surrounding white space is not part of it.
static std::string read_secret_file(const std::string& path, const std::string& key) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw config_error("config key " + key + ": cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    std::string secret = text.str();
    const auto first = secret.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) throw config_error("config key " + key + ": " + path + " is empty");
    secret = secret.substr(first, secret.find_last_not_of(" \t\r\n") - first + 1);
    return secret;
}

server_config load_config_file(const std::string& path, const environment_lookup& env, bool read_secrets) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw config_error("cannot read config file " + path);
    std::ostringstream text;
    text << in.rdbuf();
    const auto slash = path.find_last_of('/');
    auto config = parse_config(text.str(), env, slash == std::string::npos ? "." : path.substr(0, slash));
    if (read_secrets) {
        config.wechat.app_secret = read_secret_file(config.wechat.app_secret_file, "wechat.app_secret_file");
        // The message never quotes the file's content: it is a key.
        auto data_key = parse_data_key_hex(read_secret_file(config.security.data_key_file, "security.data_key_file"));
        if (!data_key)
            throw config_error("config key security.data_key_file: " + config.security.data_key_file +
                               " must hold 64 hex characters (32 bytes), e.g. from `openssl rand -hex 32`");
        config.security.data_key = std::move(*data_key);
        if (!config.wechat_pay.mchid.empty()) {
            config.wechat_pay.apiv3_key = read_secret_file(config.wechat_pay.apiv3_key_file, "wechat_pay.apiv3_key_file");
            if (config.wechat_pay.apiv3_key.size() != 32)
                throw config_error("config key wechat_pay.apiv3_key_file: " + config.wechat_pay.apiv3_key_file + " must hold the 32-character API v3 key");
        }
    }
    return config;
}

std::optional<std::string> config_value_text(const server_config& config, const std::string& dotted_key) {
    for (const auto& key : key_table())
        if (key.name == dotted_key) return key.get(config);
    return std::nullopt;
}

}  // namespace sharedstore

#pragma once
// The server's whole configuration: one typed struct, read from a JSON file at start-up and
// overridden by SHAREDSTORE_* environment variables, then passed down. No globals.
#include "common/http/http_server.hpp"
#include "common/log.hpp"
#include "common/mysql_pool.hpp"
#include "push/push_settings.hpp"
#include "common/redis_client.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

namespace sharedstore {

struct wechat_config {
    std::string appid;
    std::string app_secret_file;  // the secret itself is read at start-up into app_secret
    std::string app_secret;       // never logged, never returned
    std::string api_base_url = "https://api.weixin.qq.com";
    std::string ca_file;  // empty: the system's trust store
    std::chrono::milliseconds connect_timeout{3000};
    std::chrono::milliseconds request_timeout{5000};
    int max_attempts = 3;
    std::chrono::milliseconds retry_backoff{200};
    std::chrono::milliseconds total_timeout{8000};
};

// WeChat Pay API v3. Off when mchid is empty: wechat orders are then refused.
struct wechat_pay_settings {
    std::string mchid;
    std::string api_base_url = "https://api.mch.weixin.qq.com";
    std::string merchant_private_key_file;   // signs our requests and wx.requestPayment's paySign
    std::string merchant_certificate_file;   // its serial is named in every request
    std::string platform_certificate_file;   // verifies WeChat Pay (certificate mode), optional
    std::string public_key_file;             // verifies WeChat Pay (public key mode), optional
    std::string public_key_id;               // PUB_KEY_ID_...: the Wechatpay-Serial of that key
    std::string apiv3_key_file;              // the 32-byte API v3 key, read at start-up into apiv3_key
    std::string apiv3_key;                   // never logged
    std::string notify_url;                  // our /api/v1/wechat/pay/notify as WeChat Pay reaches it
    int reconcile_after_s = 300;             // reconcile-payments queries orders unpaid this long
    int close_unpaid_after_s = 7200;         // ... and closes those unpaid this long (0: never)
};

// Payouts to partners through WeChat Pay's merchant transfer (docs/payouts.md). Off unless
// wechat_pay is on and transfer_scene_id is set.
struct payouts_settings {
    std::string transfer_scene_id;         // granted in the merchant platform; partner dividends fit 1005 (佣金报酬)
    std::string notify_url;                // our /api/v1/wechat/pay/transfer-notify as WeChat Pay reaches it
    std::string transfer_remark = "分红提现";  // shown to the partner (<= 32 characters)
    std::string user_recv_perception = "劳务报酬";  // one of the scene's documented values
    std::string report_position = "兼职导购";       // scene 1005 report info 岗位类型
    std::string report_description = "门店分红";    // scene 1005 report info 报酬说明
    int recheck_after_s = 60;             // a bill in an unclear or moving state is asked about again after this
    int confirm_check_every_s = 600;      // an unconfirmed bill is asked about this often
    int unconfirmed_lifetime_s = 24 * 3600;  // then the server cancels it
};

struct auth_config {
    std::chrono::seconds session_ttl{7 * 24 * 3600};
    int login_limit_per_ip = 30;      // logins a minute from one address
    int login_limit_per_openid = 10;  // logins a minute of one WeChat user
};

// Share links (partner_handlers, share_service).
struct share_settings {
    std::string page = "pages/share/index";  // mini-program page opening a share (no leading '/')
    std::string qr_env_version = "release";  // getwxacodeunlimit env_version: release | trial | develop
    std::string public_base_url;             // prefix of qr_url ("https://api.example.com"); empty: a path
};

struct security_config {
    std::string data_key_file;  // 64 hex characters; read at start-up into data_key
    std::string data_key;       // 32 bytes: seals secrets the server must read back (POS API keys); never logged
};

// Batch jobs (server/jobs/, docs/configuration.md "jobs"): `*_every_s` 0 runs a job only on
// demand (`sharedstore run-job NAME`); otherwise `serve` runs it that often, one instance at a time.
struct jobs_settings {
    int reconcile_payments_every_s = 0;
    int prune_outbox_every_s = 0;
    int prune_outbox_retention_s = 30 * 24 * 3600;  // relayed reminders kept this long
    int prune_outbox_batch = 1000;                  // rows per transaction
    int settle_dividends_every_s = 0;
    int check_payouts_every_s = 0;
    int vest_member_orders_every_s = 0;
    int vest_alliance_lots_every_s = 0;  // vest-alliance-lots (docs/alliance.md)
    int pay_alliance_dividends_every_s = 0;     // pay-alliance-dividends (docs/alliance.md "Dividends")
    int release_voucher_reservations_every_s = 0;  // release-voucher-reservations (docs/alliance.md "At the desk")
    int expire_alliance_vouchers_every_s = 0;      // expire-alliance-vouchers (docs/alliance.md "Expiry")
    int remind_expiring_vouchers_every_s = 0;      // remind-expiring-vouchers
    int issue_alliance_statements_every_s = 0;     // issue-alliance-statements (docs/alliance.md "Settlement")
    int issue_share_statements_every_s = 0;        // issue-share-statements (docs/promoters-and-centres.md "Settlement")
    int voucher_expiry_notice_s = 7 * 24 * 3600;   // vouchers ending within this get their one reminder
    int alliance_dividend_chunk_lots = 2000;  // lots planned or credited per transaction
    int alliance_dividend_chunk_pause_ms = 0;   // a pause between chunks, so payments keep the database
    int alliance_dividend_outbox_backlog = 2000;  // chunks wait while this many reminders await the relay (0: never)
    int alliance_dividend_outbox_wait_s = 60;     // a run waiting longer stops; the next run resumes
    int expire_member_points_every_s = 0;
    int member_level_retention_every_s = 0;
    int remind_expiring_cards_every_s = 0;
    int award_top_dealers_every_s = 0;
    int card_expiry_notice_s = 3 * 24 * 3600;  // a card ending within this gets its one reminder
};

// The merchant console: its files and its login (docs/console-login.md).
struct console_settings {
    std::string static_dir;               // the built console (index.html, assets/); empty: /console/ is not served
    int session_idle_s = 30 * 60;         // a console session unused this long ends
    int session_absolute_s = 12 * 3600;   // and ends this long after its login whatever its use
    bool cookie_secure = true;            // cookies carry Secure (the console is reached over https)
    int ticket_ttl_s = 120;               // a login ticket (its QR code) lives this long
    int long_poll_s = 25;                 // GET .../tickets/{ticket} holds at most this long
    std::string login_page = "pages/console-login/index";  // mini-program page the QR code opens
};

struct server_config {
    http_config http;
    int io_threads = 2;
    // "development" (conf/dev.json: development helpers such as console-confirm work) or
    // "production" (the default: they refuse).
    std::string environment = "production";
    std::chrono::milliseconds shutdown_grace{10000};
    mysql_config mysql;
    redis_config redis;
    wechat_config wechat;
    auth_config auth;
    wechat_pay_settings wechat_pay;
    payouts_settings payouts;
    share_settings share;
    push_settings push;
    security_config security;
    jobs_settings jobs;
    console_settings console;
    log_level log_min_level = log_level::info;
};

// Start-up refuses a bad configuration with one line naming the key.
class config_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

using environment_lookup = std::function<std::optional<std::string>(const std::string& name)>;

// Reads the process environment.
environment_lookup process_environment();

// Parses the JSON text of a config file, then applies environment overrides. Every key is
// required in the file unless it has a default (documented in conf/production.example.json).
// Relative file paths given in the file are resolved against `base_dir` (the file's folder);
// paths from environment variables are taken as given.
server_config parse_config(const std::string& json_text, const environment_lookup& env, const std::string& base_dir = "");
// Also reads the secret files (wechat.app_secret_file, security.data_key_file) and refuses a
// missing or empty one, or a data key that is not 64 hex characters.
// `read_secrets` false is for `config-get`, which scripts call before the key files exist.
server_config load_config_file(const std::string& path, const environment_lookup& env, bool read_secrets = true);

// The environment variable that overrides a dotted key: "mysql.port" -> SHAREDSTORE_MYSQL_PORT.
std::string environment_name_for(const std::string& dotted_key);

// The resolved value of one key as text (for scripts: `sharedstore config-get`); secrets included,
// since scripts need the database password: never log this.
std::optional<std::string> config_value_text(const server_config& config, const std::string& dotted_key);

}  // namespace sharedstore

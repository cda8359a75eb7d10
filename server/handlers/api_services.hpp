#pragma once
// What the handlers reach, built once by `serve`: services by reference, and the few settings
// a handler reads. Forward declarations only: each handler file includes what it uses.
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace sharedstore {

class auth_service;
class card_wallet_service;
class console_auth_service;
class dashboard_service;
class logger;
class merchant_refund_service;
class member_service;
class bonus_service;
class alliance_service;
class alliance_supply_service;
class alliance_settlement_service;
class region_service;
class promoter_service;
class centre_service;
class share_settlement_service;
class merchant_service;
class metrics_registry;
class mysql_pool;
class order_service;
class partner_service;
class payout_service;
class pos_key_service;
class pos_service;
class redis_client;
class report_service;
class session_store;
class share_service;
class subscription_service;
class tier_preview_service;
namespace wechat_pay {
class signature_verifier;
}

// Called after a sign-out removed the session (its WebSockets close); may throw dependency_unavailable.
using session_end_signal = std::function<boost::asio::awaitable<void>(std::uint64_t user_id, std::string session_id)>;

struct api_services {
    // Health: readiness's own MariaDB check, Redis, and what /metrics renders.
    mysql_pool& database;
    std::shared_ptr<redis_client> redis;
    metrics_registry& metrics;

    auth_service& auth;
    session_store& sessions;
    session_end_signal signed_out;  // may be empty
    // Whether this instance's reminders listen yet (push_runtime::listening); empty: no such check.
    std::function<bool()> push_listening;
    merchant_service& merchants;
    tier_preview_service& tier_previews;
    partner_service& partners;
    share_service& shares;
    std::string public_base_url;  // prefixes a share's qr_url (empty: the path alone)
    pos_key_service& pos_keys;
    order_service& orders;
    pos_service& pos;
    card_wallet_service& cards;
    const wechat_pay::signature_verifier* pay_verifier;  // null: WeChat Pay is off
    merchant_refund_service& merchant_refunds;
    report_service& reports;
    dashboard_service& dashboard;
    subscription_service& subscriptions;
    payout_service& payouts;
    member_service& members;
    bonus_service& bonuses;
    alliance_service& alliance;
    alliance_supply_service& supply;
    alliance_settlement_service& settlement;
    region_service& regions;
    promoter_service& promoters;
    centre_service& centres;
    share_settlement_service& payee_statements;
    logger& log;

    // The merchant console: its login and sessions, its cookies (Secure or not), the folder its
    // files are served from (empty: not served), and whether the login page may say how to sign
    // in without a phone (server.environment is development: `sharedstore console-confirm` works).
    console_auth_service& console;
    bool console_cookies_secure = true;
    std::string console_static_dir;
    bool development = false;
};

}  // namespace sharedstore

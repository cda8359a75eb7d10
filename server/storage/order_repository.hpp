#pragma once
// Orders, refunds, dividends, reversals, the outbox and payment anomalies in MariaDB. Blocking:
// call through mysql_pool, inside the transaction that applies the event (services/order_payments).
#include "common/mysql_connection.hpp"
#include "server/domain/dividends.hpp"
#include "server/domain/order_vocabulary.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

struct order_record {
    std::uint64_t id = 0;
    std::uint64_t merchant_id = 0;
    payment_source source = payment_source::pos;
    order_kind kind = order_kind::purchase;
    std::string out_trade_no, merchant_order_id, pos_content_sha256;
    std::optional<std::uint64_t> customer_user_id;
    std::string description, category;
    std::int64_t amount_fen = 0;
    std::optional<std::int64_t> pos_profit_fen;
    order_status status = order_status::created;
    std::string prepay_id, transaction_id;
    std::optional<std::chrono::system_clock::time_point> paid_at;  // until paid: none
    std::optional<std::int64_t> profit_fen;
    bool dividend_due = false;
    std::int64_t refunded_fen = 0;
    std::chrono::system_clock::time_point created_at;
    order_member_terms member;
    std::optional<std::chrono::system_clock::time_point> member_vested_at;  // growth, points and stage granted
    std::optional<std::uint64_t> card_redemption_id;  // the card it was placed with
    std::int64_t card_discount_fen = 0;               // that card's discount (off the profit)
    std::optional<std::chrono::system_clock::time_point> closed_at;  // closed unpaid
    std::int64_t voucher_fen = 0;  // the part alliance vouchers pay, beside amount_fen (docs/alliance.md)
};

struct new_order {
    std::uint64_t merchant_id = 0;
    payment_source source = payment_source::pos;
    order_kind kind = order_kind::purchase;
    std::string out_trade_no, merchant_order_id, pos_content_sha256;  // empty: NULL
    std::optional<std::uint64_t> customer_user_id;
    std::string description, category;
    std::int64_t amount_fen = 0;
    std::optional<std::int64_t> pos_profit_fen;
    order_member_terms member;
    std::optional<std::uint64_t> card_redemption_id;
    std::int64_t card_discount_fen = 0;
    std::int64_t voucher_fen = 0;
};

struct dividend_record {
    std::uint64_t id = 0;
    std::uint64_t order_id = 0;
    std::uint64_t merchant_id = 0;
    std::string merchant_name;
    std::uint64_t partner_id = 0;
    std::uint64_t partner_user_id = 0;
    std::uint64_t customer_user_id = 0;
    std::string customer_phone;  // whole; views mask it
    std::string tier_name;
    std::int32_t ratio_bp = 0;
    std::int64_t order_amount_fen = 0;
    std::int64_t profit_fen = 0;
    std::int64_t amount_fen = 0;
    std::int64_t reversed_fen = 0;
    std::chrono::system_clock::time_point paid_at, settles_at, created_at;
    std::optional<std::chrono::system_clock::time_point> settled_at;  // when settle-dividends moved it (docs/payouts.md)
    dividend_state state = dividend_state::pending;
};

struct new_dividend {
    std::uint64_t order_id = 0, merchant_id = 0, partner_id = 0, partner_user_id = 0, customer_user_id = 0, tier_version_id = 0;
    std::string tier_name;
    std::int32_t ratio_bp = 0;
    std::int64_t profit_fen = 0, amount_fen = 0;
    std::string paid_at, settles_at;  // SQL DATETIME text, UTC
};

std::uint64_t insert_order(mysql_connection& db, const new_order& order);
// The member level in force, recorded on an order the POS priced (docs/members.md).
void set_order_member_level(mysql_connection& db, std::uint64_t order_id, std::int32_t level_no, std::int32_t discount_bp);
void set_order_payment_ids(mysql_connection& db, std::uint64_t order_id, const std::string& out_trade_no, const std::string& prepay_id);
// An unpaid order closed (WeChat Pay closed it too): false when it was no longer `created`.
bool mark_order_closed(mysql_connection& db, std::uint64_t order_id, const std::string& closed_at);
// `lock`: FOR UPDATE (every change of an order's state reads it so, which serialises duplicates).
std::optional<order_record> find_order(mysql_connection& db, std::uint64_t order_id, bool lock = false);
std::optional<order_record> find_order_by_out_trade_no(mysql_connection& db, const std::string& out_trade_no, bool lock = false);
std::optional<order_record> find_order_by_merchant_order(mysql_connection& db, std::uint64_t merchant_id, const std::string& merchant_order_id,
                                                         bool lock = false);
void mark_order_paid(mysql_connection& db, std::uint64_t order_id, const std::string& paid_at, const std::string& transaction_id,
                     std::optional<std::int64_t> profit_fen, std::optional<std::uint64_t> tier_version_id, bool dividend_due);
// Newest first; status "" for all.
std::vector<order_record> list_orders(mysql_connection& db, std::uint64_t merchant_id, const std::string& status, std::uint64_t before_id,
                                      int limit);
// Orders of WeChat Pay still unpaid, created between `from` and `to` (SQL DATETIME text).
std::vector<order_record> list_unpaid_wechat_orders(mysql_connection& db, const std::string& from, const std::string& to, int limit);

struct refund_record {
    std::uint64_t id = 0;
    std::uint64_t order_id = 0;
    std::int64_t amount_fen = 0;
};
// The refund with this key, if one was recorded.
std::optional<refund_record> find_refund(mysql_connection& db, std::uint64_t merchant_id, const std::string& source, const std::string& refund_key);
std::uint64_t insert_refund(mysql_connection& db, std::uint64_t order_id, std::uint64_t merchant_id, const std::string& source,
                            const std::string& refund_key, std::int64_t amount_fen, const std::string& at);
void add_order_refunded(mysql_connection& db, std::uint64_t order_id, std::int64_t amount_fen);

std::uint64_t insert_dividend(mysql_connection& db, const new_dividend& d);
std::optional<dividend_record> find_dividend_by_order(mysql_connection& db, std::uint64_t order_id, bool lock = false);
// A reversal of a settled dividend says how much came out of the withdrawable balance and how
// much became a clawback debt (docs/payouts.md); a pending one leaves both 0.
void insert_reversal(mysql_connection& db, std::uint64_t dividend_id, std::uint64_t refund_id, std::int64_t amount_fen, const std::string& at,
                     std::int64_t from_withdrawable_fen = 0, std::int64_t to_debt_fen = 0);
// Newest first, of one partner's user (every store, or one), optionally pending or settled only.
std::vector<dividend_record> list_dividends(mysql_connection& db, std::uint64_t partner_user_id, std::uint64_t merchant_id,
                                            const std::string& state, std::uint64_t before_id, int limit);

// The partner who owned the customer at `at` (the lead history's latest change at or before it).
std::optional<std::uint64_t> lead_owner_at(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t customer_user_id, const std::string& at);
// First and last purchase of a customer at a store (what "existing customer" and lead lapses read).
void record_store_purchase(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, const std::string& at);

// Locks the user's row first (until commit), so each user's events commit in id order: call it
// after the transaction's ledger posting (locks are taken accounts first, then the user).
void insert_outbox_event(mysql_connection& db, std::uint64_t user_id, const std::string& kind, const std::string& payload);
// Many users' events at once (a dividend's chunk), each user's row locked in id order first like
// insert_outbox_event's, then one insert per thousand.
struct outbox_insert {
    std::uint64_t user_id = 0;
    std::string kind;
    std::string payload;
};
void insert_outbox_events(mysql_connection& db, std::vector<outbox_insert> events);
// Once per (kind, reference): a redelivered notification does not add a second row.
void record_payment_anomaly(mysql_connection& db, std::optional<std::uint64_t> merchant_id, std::optional<std::uint64_t> order_id,
                            payment_anomaly_kind kind, const std::string& reference, const std::string& detail);

}  // namespace sharedstore

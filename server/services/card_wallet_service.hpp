#pragma once
// The customer's cards (docs/api.md, "The customer's cards"): the wallet the holder sees, the
// rotating code the holder shows, and the redemption at the desk, exactly once per card however
// many cashiers, scans or POS retries race for it. The held card's row lock serialises them: see
// card_wallet_service.cpp.
#include "common/clock.hpp"
#include "common/log.hpp"
#include "common/mysql_pool.hpp"
#include "server/domain/redemption_codes.hpp"
#include "server/services/order_payments.hpp"
#include "server/services/service_error.hpp"
#include "server/storage/card_wallet_repository.hpp"

#include <boost/asio/awaitable.hpp>

namespace sharedstore {

// A held card as of now: its validity (the store's local days) and its state.
struct held_card_view {
    held_card_record card;
    card_window window;
    held_card_state state = held_card_state::usable;
};
held_card_view view_of(held_card_record card, card_time now);

struct card_code_view {
    std::uint64_t card_id = 0;
    redemption_code code;
};

struct redemption_request {
    std::uint64_t merchant_id = 0;
    std::string code;        // as presented: the 12 digits or the QR payload (parse_redemption_code)
    std::string request_id;  // the desk's own id of this redemption
    std::optional<std::int64_t> bill_fen;
    std::optional<std::uint64_t> staff_user_id;  // none: the store's POS (signed)
};

struct redemption_view {
    card_redemption_record redemption;
    held_card_record card;
    bool replayed = false;
};

// The card report (docs/api.md, "The card report"): rows per (partner, template) and their sums.
struct card_report_counts {
    std::int64_t claimed = 0, redeemed = 0, first_purchases = 0, repeat_30d = 0, repeat_90d = 0;
    void add(const card_report_row& row);
};
struct card_report {
    card_time from, to;
    card_report_counts totals;
    struct partner_line {
        std::uint64_t partner_id = 0, user_id = 0;
        std::string phone;  // whole; the view masks it
        card_report_counts counts;
    };
    struct template_line {
        std::uint64_t card_template_id = 0;
        std::string title;
        card_report_counts counts;
    };
    std::vector<partner_line> partners;    // by partner id
    std::vector<template_line> templates;  // by template id
};
inline constexpr int max_card_report_rows = 20'000;

// One pass of the expiry reminders (the remind-expiring-cards job): each usable card whose
// validity ends within `notice` of now gets one `card_expiring` reminder to its holder (the
// outbox; the relay's subscribe-message fallback spends the holder's accepted subscriptions as
// for dividends). At most `limit` cards a pass; answers how many were reminded.
struct expiry_reminder_pass {
    int looked_at = 0, reminded = 0;
    std::uint64_t last_id = 0;  // the cursor of the next pass
    bool more = false;          // `limit` candidates were read: a next pass goes on after last_id
};
expiry_reminder_pass remind_expiring_cards(mysql_connection& db, card_time now, std::chrono::seconds notice, std::uint64_t after_id, int limit);

class card_wallet_service {
public:
    card_wallet_service(mysql_pool& database, logger& log, outbox_signal outbox_written = {}, const wall_clock& clock = system_clock_instance())
        : database_(database), log_(log), outbox_written_(std::move(outbox_written)), clock_(clock) {}

    // The caller's cards at every store, newest first (one page; `before_id` the cursor).
    boost::asio::awaitable<service_result<std::vector<held_card_view>>> my_cards(std::uint64_t holder, std::uint64_t before_id, int limit);
    // A new code for one of the caller's usable cards; the card's previous code stops working.
    boost::asio::awaitable<service_result<card_code_view>> make_code(std::uint64_t holder, std::uint64_t card_id);
    // The desk redeems the card the code names, once; the same request_id again is the replay.
    boost::asio::awaitable<service_result<redemption_view>> redeem(redemption_request request);
    // Owner and manager: attribution of the cards claimed in [from, to).
    boost::asio::awaitable<service_result<card_report>> report(std::uint64_t caller, std::uint64_t merchant_id, card_time from, card_time to);

private:
    mysql_pool& database_;
    logger& log_;
    outbox_signal outbox_written_;
    const wall_clock& clock_;
};

}  // namespace sharedstore

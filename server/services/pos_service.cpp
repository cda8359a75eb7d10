#include "server/services/pos_service.hpp"

#include "common/dependency_error.hpp"
#include "common/sha256.hpp"

#include <cstdlib>
#include "server/services/card_orders.hpp"
#include "server/services/alliance_voucher_spending.hpp"
#include "server/domain/alliance_vouchers.hpp"
#include "server/storage/lead_repository.hpp"
#include "server/storage/pos_key_repository.hpp"
#include "server/storage/user_repository.hpp"


namespace sharedstore {

namespace asio = boost::asio;

namespace {

// Wrong voucher codes a store's desk may send in a minute (a live code is one in 10^11).
constexpr int voucher_code_misses_per_minute = 20;


// Everything that makes two reports "the same order", in a fixed layout.
std::string content_digest(const pos_order_input& in) {
    return sha256_hex(in.merchant_order_id + "\n" + (in.user_id ? std::to_string(*in.user_id) : "") + "\n" + in.openid + "\n" + in.phone +
                      "\n" + std::to_string(in.amount_fen) + "\n" + (in.profit_fen ? std::to_string(*in.profit_fen) : "") + "\n" +
                      in.paid_at_text + "\n" + in.category +
                      // Only orders with a card or vouchers add a line: the digests of all other orders stay as they were.
                      (in.card_redemption_id ? "\ncard:" + std::to_string(*in.card_redemption_id) : std::string()) +
                      (in.voucher_reservation_id
                           ? "\nvouchers:" + std::to_string(*in.voucher_reservation_id) + ":" + std::to_string(in.voucher_fen)
                           : std::string()));
}

// The reservation an order names, checked against it (this store, this sale, still holding, the
// amounts, the customer) and locked; the customer it names. `named`: whether the desk named a
// customer at all, and `resolved` whom that is (none: nobody we know, which is not the holder).
// A reservation a copy of this very order confirmed meanwhile answers `confirmed_by` it, for the
// replay.
struct reservation_check {
    std::uint64_t customer = 0;
    std::optional<std::uint64_t> confirmed_by;
};
service_result<reservation_check> reservation_customer(mysql_connection& db, std::uint64_t merchant_id, const pos_order_input& in, bool named,
                                                       std::optional<std::uint64_t> resolved) {
    auto r = find_voucher_reservation_by_id(db, *in.voucher_reservation_id, true);
    if (!r || r->merchant_id != merchant_id) return failure(service_failure::voucher_reservation_not_found);
    if (r->merchant_order_id != in.merchant_order_id) return failure(service_failure::voucher_reservation_mismatch);
    if (r->state == "confirmed") {
        if (r->order_id) return reservation_check{r->user_id, r->order_id};
        return failure(service_failure::voucher_reservation_confirmed);
    }
    // Still reserved is enough, even past its 15 minutes: the sale happened at the desk; only a
    // reservation the release job (or a cancel) let go is refused.
    if (r->state != "reserved") return failure(service_failure::voucher_reservation_expired);
    if (r->voucher_fen != in.voucher_fen || r->order_total_fen != in.amount_fen + in.voucher_fen)
        return failure(service_failure::voucher_reservation_mismatch);
    if (named && resolved != r->user_id) return failure(service_failure::voucher_reservation_mismatch);
    return reservation_check{r->user_id, std::nullopt};
}

}  // namespace

asio::awaitable<service_result<std::uint64_t>> pos_service::authenticate(pos_signed_request request) {
    using auth_result = service_result<std::uint64_t>;
    if (auto problem = check_pos_headers(request, clock_.now())) {
        switch (*problem) {
        case pos_signature_problem::missing_header: co_return auth_result(failure(service_failure::signature_header_missing));
        case pos_signature_problem::stale_timestamp: co_return auth_result(failure(service_failure::stale_timestamp));
        default: co_return auth_result(failure(service_failure::signature_header_malformed));
        }
    }
    auto lookup = [key_id = request.api_key, data_key = data_key_](mysql_connection& db) { return find_active_pos_key_secret(db, key_id, data_key); };
    auto key = co_await database_.run(std::move(lookup));
    if (!key) co_return auth_result(failure(service_failure::unknown_api_key));
    if (!pos_signature_matches(request, key->secret)) co_return auth_result(failure(service_failure::invalid_signature));
    // Each nonce once per key, for longer than the timestamp window: a replay within the window is refused.
    std::vector<std::string> claim_nonce{"SET", "pos-nonce:" + request.api_key + ":" + request.nonce, "1", "NX", "EX", "900"};
    auto reply = co_await redis_.command(std::move(claim_nonce));
    if (reply.is_nil()) co_return auth_result(failure(service_failure::nonce_reused));
    if (reply.is_error()) throw dependency_unavailable("redis", reply.str);
    co_return auth_result(key->merchant_id);
}

asio::awaitable<service_result<pos_order_result>> pos_service::record_order(std::uint64_t merchant_id, pos_order_input input) {
    const auto digest = content_digest(input);
    const auto now = clock_.now();
    auto record = [=, appid = appid_](mysql_connection& db) -> service_result<pos_order_result> {
        // READ COMMITTED: the existence check below locks no gap, so concurrent new orders of one
        // store do not deadlock on their inserts; a true duplicate hits the unique key instead.
        use_read_committed(db);
        if (auto existing = find_order_by_merchant_order(db, merchant_id, input.merchant_order_id, true)) {
            if (existing->pos_content_sha256 != digest) return failure(service_failure::order_conflict);
            return pos_order_result{*existing, find_dividend_by_order(db, existing->id), true};
        }
        auto customer = resolve_pos_customer(db, input.user_id, input.openid, input.phone, appid);
        if (input.voucher_reservation_id) {
            // The vouchers' holder is the sale's customer.
            const bool named = input.user_id || !input.openid.empty() || !input.phone.empty();
            auto holder = reservation_customer(db, merchant_id, input, named, customer);
            if (!holder) return holder.error();
            if (holder.value().confirmed_by) {
                // A copy of this order, run at the same time, confirmed it and committed first
                // (READ COMMITTED: its row is visible now): answered as the replay it is.
                auto order = find_order(db, *holder.value().confirmed_by);
                if (!order || order->merchant_order_id != input.merchant_order_id || order->pos_content_sha256 != digest)
                    return failure(service_failure::voucher_reservation_confirmed);
                return pos_order_result{*order, find_dividend_by_order(db, order->id), true};
            }
            customer = holder.value().customer;
        }
        std::int64_t card_discount = 0;
        if (input.card_redemption_id) {
            auto holder = card_customer_for_order(db, merchant_id, *input.card_redemption_id, customer, input.merchant_order_id);
            if (!holder) return holder.error();
            customer = holder.value().customer_user_id;
            card_discount = holder.value().discount_fen;
        }
        const new_order order{.merchant_id = merchant_id,
                              .source = payment_source::pos,
                              .kind = order_kind::purchase,
                              .out_trade_no = "",
                              .merchant_order_id = input.merchant_order_id,
                              .pos_content_sha256 = digest,
                              .customer_user_id = customer,
                              .description = "",
                              .category = input.category,
                              .amount_fen = input.amount_fen,
                              .pos_profit_fen = input.profit_fen,
                              .member = {},
                              .card_redemption_id = input.card_redemption_id,
                              .card_discount_fen = card_discount,
                              .voucher_fen = input.voucher_fen};
        const auto id = insert_order(db, order);
        if (input.card_redemption_id) attach_card_to_order(db, *input.card_redemption_id, id);
        if (input.voucher_reservation_id) {
            // Confirmed in the order's own transaction: the sale and its voucher part commit together.
            attach_reservation_holds(db, *input.voucher_reservation_id, id);
            confirm_voucher_reservation(db, *input.voucher_reservation_id, id, now);
        }
        auto applied = apply_order_paid(db, id, input.paid_at, "");
        return pos_order_result{std::move(applied.order), std::move(applied.dividend), false};
    };
    auto recorded = co_await database_.transaction(std::move(record), mysql_pool::conflicts::rerun_on_duplicate_key);
    if (outbox_written_ && recorded && !recorded.value().replayed) outbox_written_();
    co_return recorded;
}

asio::awaitable<service_result<pos_refund_result>> pos_service::record_refund(std::uint64_t merchant_id, std::string merchant_order_id,
                                                                               std::string merchant_refund_id, std::int64_t amount_fen) {
    const auto now = clock_.now();
    auto record = [=](mysql_connection& db) -> service_result<pos_refund_result> {
        // Locked from the first read: the refund lookup that follows then sees any refund of this
        // order committed before (a plain first read would fix an older snapshot).
        auto order = find_order_by_merchant_order(db, merchant_id, merchant_order_id, true);
        if (!order) return failure(service_failure::order_not_found);
        auto applied = apply_order_refund(db, order->id, "pos", merchant_refund_id, amount_fen, now);
        switch (applied.outcome) {
        case refund_outcome::order_not_paid: return failure(service_failure::order_not_paid);
        case refund_outcome::exceeds_order: return failure(service_failure::refund_exceeds_order);
        // The same refund again is answered as before; its id for another order or amount is a conflict.
        case refund_outcome::already_applied: return pos_refund_result{*find_order(db, order->id), 0, true};
        case refund_outcome::conflict: return failure(service_failure::refund_conflict);
        case refund_outcome::applied: return pos_refund_result{*find_order(db, order->id), applied.reversed_fen, false};
        }
        return failure(service_failure::order_not_found);
    };
    auto recorded = co_await database_.transaction(std::move(record), mysql_pool::conflicts::rerun_on_duplicate_key);
    if (outbox_written_ && recorded && !recorded.value().replayed) outbox_written_();
    co_return recorded;
}

asio::awaitable<service_result<voucher_reservation_result>> pos_service::reserve_vouchers(std::uint64_t merchant_id, voucher_reservation_input in) {
    const auto now = clock_.now();
    // A code names someone's vouchers at any member store: a desk guessing codes is stopped after
    // voucher_code_misses_per_minute wrong ones (per store, shared by every instance through Redis).
    const auto minute = std::chrono::duration_cast<std::chrono::minutes>(now.time_since_epoch()).count();
    const auto misses_key = "pos-voucher-misses:" + std::to_string(merchant_id) + ":" + std::to_string(minute);
    std::vector<std::string> read_misses{"GET", misses_key};
    auto misses = co_await redis_.command(std::move(read_misses));
    if (misses.is_error()) throw dependency_unavailable("redis", misses.str);
    if (!misses.is_nil() && std::atoll(misses.str.c_str()) >= voucher_code_misses_per_minute) {
        auto limited = failure(service_failure::voucher_codes_rate_limited);
        limited.retry_after = std::chrono::seconds(60 - std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count() % 60);
        co_return limited;
    }
    auto reserve = [=](mysql_connection& db) -> service_result<voucher_reservation_result> {
        auto existing = find_voucher_reservation(db, merchant_id, in.merchant_order_id, true);
        if (existing && existing->state == "reserved" && existing->expires_at <= now) {
            // Expired and not yet released by the job: released now, and reserved anew below.
            release_voucher_reservation_holds(db, existing->id, "expiry", now);
            existing = find_voucher_reservation_by_id(db, existing->id, true);
        }
        if (existing && existing->state != "released") {
            // The desk asking again (a retry, a restart mid-sale): the same sale answers the same
            // reservation without a code; other amounts are another sale under a reused id.
            if (existing->order_total_fen != in.order_total_fen || existing->voucher_fen != in.voucher_fen)
                return failure(service_failure::voucher_reservation_conflict);
            // The code the reservation used is gone; another customer's live code is another sale.
            if (auto other = find_voucher_code_user(db, in.code_digits, now); other && *other != existing->user_id)
                return failure(service_failure::voucher_reservation_conflict);
            return voucher_reservation_result{*existing, true};
        }
        auto user = find_voucher_code_user(db, in.code_digits, now);
        if (!user) return failure(service_failure::voucher_code_invalid);
        if (auto refused = check_voucher_part(db, merchant_id, *user, in.order_total_fen, in.voucher_fen, now)) return *refused;
        delete_voucher_code(db, *user);
        // A sale reserved anew after a release is a reservation of its own (the next attempt): a
        // cancel of the old one still being retried can only find the old one.
        const auto id = insert_voucher_reservation(db, voucher_reservation{.merchant_id = merchant_id,
                                                                           .merchant_order_id = in.merchant_order_id,
                                                                           .attempt = existing ? existing->attempt + 1 : 1,
                                                                           .user_id = *user,
                                                                           .order_total_fen = in.order_total_fen,
                                                                           .voucher_fen = in.voucher_fen,
                                                                           .expires_at = now + voucher_reservation_lifetime,
                                                                           .created_at = now});
        if (hold_vouchers_for(db, merchant_id, *user, in.order_total_fen, in.voucher_fen, voucher_hold_owner{std::nullopt, id}, now))
            throw std::logic_error("vouchers checked in this transaction could not be held");
        return voucher_reservation_result{*find_voucher_reservation_by_id(db, id, false), false};
    };
    // Two copies of one request racing: the loser meets the unique key, runs again and replays.
    auto reserved = co_await database_.transaction(std::move(reserve), mysql_pool::conflicts::rerun_on_duplicate_key);
    if (!reserved && reserved.error().kind == service_failure::voucher_code_invalid) {
        std::vector<std::string> count{"INCR", misses_key};
        auto counted = co_await redis_.command(std::move(count));
        if (counted.is_error()) throw dependency_unavailable("redis", counted.str);
        std::vector<std::string> expire{"EXPIRE", misses_key, "120"};
        co_await redis_.command(std::move(expire));
    }
    co_return reserved;
}

asio::awaitable<service_result<voucher_reservation_result>> pos_service::cancel_voucher_reservation(std::uint64_t merchant_id,
                                                                                                   std::uint64_t reservation_id) {
    const auto now = clock_.now();
    auto cancel = [=](mysql_connection& db) -> service_result<voucher_reservation_result> {
        auto r = find_voucher_reservation_by_id(db, reservation_id, true);
        if (!r || r->merchant_id != merchant_id) return failure(service_failure::voucher_reservation_not_found);
        if (r->state == "confirmed") return failure(service_failure::voucher_reservation_confirmed);
        if (r->state == "released") return voucher_reservation_result{*r, true};
        release_voucher_reservation_holds(db, reservation_id, "cancel", now);
        return voucher_reservation_result{*find_voucher_reservation_by_id(db, reservation_id, false), false};
    };
    co_return co_await database_.transaction(std::move(cancel));
}

}  // namespace sharedstore

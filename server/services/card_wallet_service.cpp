#include "server/services/card_wallet_service.hpp"

#include "common/random_token.hpp"
#include "push/outbox_events.hpp"
#include "server/domain/calendar.hpp"
#include "server/domain/masking.hpp"
#include "server/domain/rfc3339.hpp"
#include "server/services/merchant_service.hpp"
#include "server/storage/lead_repository.hpp"
#include "server/storage/order_repository.hpp"

#include <charconv>
#include <map>

namespace sharedstore {

namespace asio = boost::asio;

namespace {

held_card_facts facts_of(const held_card_view& v) { return held_card_facts{.revoked = v.card.revoked, .redeemed = v.card.redemption_id.has_value(), .window = v.window}; }

std::uint64_t random_u64() {
    const auto hex = random_hex(8);
    std::uint64_t value = 0;
    std::from_chars(hex.data(), hex.data() + hex.size(), value, 16);
    return value;
}

// The partner who shared the card hears that a friend used it (docs/websocket.md, "card_redeemed").
void announce_redemption(mysql_connection& db, const held_card_record& card, const card_redemption_record& r) {
    const card_redeemed_event event{.redemption_id = r.id,
                                    .merchant_id = card.merchant_id,
                                    .merchant_name = card.merchant_name,
                                    .card_title = card.title,
                                    .customer = card.customer_phone.empty() ? std::string("微信用户") : mask_phone(card.customer_phone),
                                    .discount_fen = r.discount_fen,
                                    .at = format_rfc3339_seconds(r.created_at)};
    insert_outbox_event(db, card.partner_user_id, std::string(event.kind()), to_payload(event));
}

service_error not_usable(held_card_state state) {
    auto e = failure(service_failure::card_not_usable);
    e.detail = std::string(to_string(state));
    return e;
}

// The redemption, in one READ COMMITTED transaction:
// 1. a request_id recorded before answers its replay (or request_id_reused for other content);
// 2. the code names the held card (unknown, replaced, another store's: card_code_not_found);
// 3. the held card's row is locked FOR UPDATE: redemptions of one card queue here;
// 4. after the lock, the request_id is looked up again (a copy that won while we waited is
//    replayed), then the code's expiry, the card's state and the offer are checked;
// 5. the redemption row (unique per store and request_id: a concurrent copy of another card
//    loses on the key and the pool runs this again, to step 1), the card's pointer, the outbox.
service_result<redemption_view> redeem_in_transaction(mysql_connection& db, const redemption_request& in, card_time now) {
    use_read_committed(db);
    if (in.staff_user_id)
        if (auto denied = check_store_access(db, in.merchant_id, *in.staff_user_id, {})) return *denied;
    // A mistyped number fails its check digit before any lookup: the same answer as an unknown code.
    const auto digits = parse_redemption_code(in.code);
    if (!digits) return failure(service_failure::card_code_not_found);
    auto replay = [&](const card_redemption_record& earlier) -> service_result<redemption_view> {
        if (earlier.code != *digits || earlier.bill_fen != in.bill_fen) return failure(service_failure::request_id_reused);
        return redemption_view{earlier, *find_held_card(db, earlier.card_id), true};
    };
    if (auto earlier = find_card_redemption_by_request(db, in.merchant_id, in.request_id)) return replay(*earlier);
    auto code = find_card_code(db, *digits);
    if (!code) return failure(service_failure::card_code_not_found);
    lock_held_card(db, code->card_id);
    auto card = find_held_card(db, code->card_id);
    // Another store's card does not exist for this desk; nor a code whose holder is not the card's.
    if (!card || card->merchant_id != in.merchant_id || card->customer_user_id != code->holder_user_id)
        return failure(service_failure::card_code_not_found);
    if (auto earlier = find_card_redemption_by_request(db, in.merchant_id, in.request_id)) return replay(*earlier);
    // The code may have been replaced while we waited for the lock: read it again.
    code = find_card_code(db, *digits);
    if (!code || code->card_id != card->id) return failure(service_failure::card_code_not_found);
    const auto view = view_of(*card, now);
    if (view.state == held_card_state::redeemed) return failure(service_failure::card_already_redeemed);
    if (auto refusal = refusal_to_redeem(facts_of(view), now)) return not_usable(*refusal);
    if (!redemption_code_live(code->expires_at, now)) return failure(service_failure::card_code_expired);
    const auto discount = card_discount_for(card->offer, in.bill_fen);
    if (const auto* refusal = std::get_if<discount_refusal>(&discount))
        return failure(*refusal == discount_refusal::bill_required ? service_failure::card_bill_required : service_failure::card_minimum_spend_not_met);
    const new_card_redemption row{.merchant_id = in.merchant_id,
                                  .card_id = card->id,
                                  .card_template_id = card->card_template_id,
                                  .partner_id = card->partner_id,
                                  .customer_user_id = card->customer_user_id,
                                  .request_id = in.request_id,
                                  .code = *digits,
                                  .via = in.staff_user_id ? "desk" : "pos",
                                  .redeemed_by_user_id = in.staff_user_id,
                                  .bill_fen = in.bill_fen,
                                  .discount_fen = std::get<card_discount>(discount).discount_fen,
                                  .at = now};
    const auto id = insert_card_redemption(db, row);
    set_held_card_redemption(db, card->id, id);
    auto redemption = *find_card_redemption(db, id);
    announce_redemption(db, *card, redemption);
    auto redeemed = find_held_card(db, card->id);
    return redemption_view{std::move(redemption), std::move(*redeemed), false};
}

}  // namespace

held_card_view view_of(held_card_record card, card_time now) {
    const auto offset = utc_offset_of(card.time_zone).value_or(std::chrono::hours(8));
    const auto window = held_card_window(card.template_from, card.template_until, card.valid_days, card.claimed_at, offset);
    const held_card_facts facts{.revoked = card.revoked, .redeemed = card.redemption_id.has_value(), .window = window};
    const auto state = held_card_state_at(facts, now);
    return held_card_view{std::move(card), window, state};
}

asio::awaitable<service_result<std::vector<held_card_view>>> card_wallet_service::my_cards(std::uint64_t holder, std::uint64_t before_id, int limit) {
    const auto now = clock_.now();
    auto read = [=](mysql_connection& db) -> service_result<std::vector<held_card_view>> {
        std::vector<held_card_view> out;
        for (auto& card : list_held_cards(db, holder, before_id, limit)) out.push_back(view_of(std::move(card), now));
        return out;
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<card_code_view>> card_wallet_service::make_code(std::uint64_t holder, std::uint64_t card_id) {
    const auto now = clock_.now();
    auto write = [=](mysql_connection& db) -> service_result<card_code_view> {
        // Someone else's card does not exist for the caller (404: ids are not to be probed).
        if (!lock_held_card(db, card_id)) return failure(service_failure::held_card_not_found);
        auto card = find_held_card(db, card_id);
        if (!card || card->customer_user_id != holder) return failure(service_failure::held_card_not_found);
        const auto view = view_of(std::move(*card), now);
        if (auto refusal = refusal_to_redeem(facts_of(view), now)) return not_usable(*refusal);
        // 10^11 codes: a draw that meets another card's code is drawn again.
        for (int attempt = 0; attempt < 8; ++attempt) {
            auto code = make_redemption_code(random_u64(), now);
            if (store_card_code(db, card_id, holder, code.digits, code.expires_at, now) == insert_outcome::inserted)
                return card_code_view{card_id, std::move(code)};
        }
        throw std::runtime_error("make_code: eight codes in a row were taken");
    };
    co_return co_await database_.transaction(std::move(write));
}

asio::awaitable<service_result<redemption_view>> card_wallet_service::redeem(redemption_request request) {
    const auto now = clock_.now();
    auto work = [request = std::move(request), now](mysql_connection& db) { return redeem_in_transaction(db, request, now); };
    auto redeemed = co_await database_.transaction(std::move(work), mysql_pool::conflicts::rerun_on_duplicate_key);
    if (redeemed && !redeemed.value().replayed) {
        log_.info("card_redeemed", {{"redemption_id", redeemed.value().redemption.id}, {"merchant_id", redeemed.value().redemption.merchant_id}});
        if (outbox_written_) outbox_written_();
    }
    co_return redeemed;
}

void card_report_counts::add(const card_report_row& row) {
    claimed += row.claimed;
    redeemed += row.redeemed;
    first_purchases += row.first_purchases;
    repeat_30d += row.repeat_30d;
    repeat_90d += row.repeat_90d;
}

asio::awaitable<service_result<card_report>> card_wallet_service::report(std::uint64_t caller, std::uint64_t merchant_id, card_time from, card_time to) {
    auto read = [=](mysql_connection& db) -> service_result<card_report> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        card_report out{.from = from, .to = to, .totals = {}, .partners = {}, .templates = {}};
        std::map<std::uint64_t, card_report::partner_line> partners;
        std::map<std::uint64_t, card_report::template_line> templates;
        for (const auto& row : card_report_rows(db, merchant_id, from, to, max_card_report_rows)) {
            out.totals.add(row);
            auto& p = partners[row.partner_id];
            p.partner_id = row.partner_id;
            p.user_id = row.partner_user_id;
            p.phone = row.partner_phone;
            p.counts.add(row);
            auto& t = templates[row.card_template_id];
            t.card_template_id = row.card_template_id;
            t.title = row.title;
            t.counts.add(row);
        }
        for (auto& [id, line] : partners) out.partners.push_back(std::move(line));
        for (auto& [id, line] : templates) out.templates.push_back(std::move(line));
        return out;
    };
    co_return co_await database_.run(std::move(read));
}

expiry_reminder_pass remind_expiring_cards(mysql_connection& db, card_time now, std::chrono::seconds notice, std::uint64_t after_id, int limit) {
    expiry_reminder_pass pass;
    const auto candidates = list_cards_near_expiry(db, now, now + notice, after_id, limit);
    pass.looked_at = static_cast<int>(candidates.size());
    pass.more = pass.looked_at == limit;
    pass.last_id = candidates.empty() ? after_id : candidates.back().id;
    for (const auto& candidate : candidates) {
        const auto view = view_of(candidate, now);
        if (!expiry_reminder_due(facts_of(view), candidate.expiry_reminded, now, notice)) continue;
        mark_expiry_reminded(db, candidate.id, now);
        const card_expiring_event event{.card_id = candidate.id,
                                        .merchant_id = candidate.merchant_id,
                                        .merchant_name = candidate.merchant_name,
                                        .card_title = candidate.title,
                                        .amount_off_fen = candidate.offer.kind == offer_kind::amount_off ? candidate.offer.amount_off_fen : 0,
                                        .valid_until = format_rfc3339_seconds(view.window.until)};
        insert_outbox_event(db, candidate.customer_user_id, std::string(event.kind()), to_payload(event));
        ++pass.reminded;
    }
    return pass;
}

}  // namespace sharedstore

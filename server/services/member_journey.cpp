#include "server/services/member_journey.hpp"

#include "common/clock.hpp"
#include "push/outbox_events.hpp"
#include "server/domain/calendar.hpp"
#include "server/domain/ledger.hpp"
#include "server/domain/rfc3339.hpp"
#include "server/storage/ledger_repository.hpp"
#include "server/storage/merchant_repository.hpp"
#include "server/storage/partner_repository.hpp"

#include <algorithm>
#include <stdexcept>

namespace sharedstore {

namespace {

using time_point = std::chrono::system_clock::time_point;

stage_facts facts_of(mysql_connection& db, const member_profile& p) {
    auto partner = find_partner_by_user(db, p.merchant_id, p.user_id);
    return stage_facts{.identified = p.fan_at.has_value(),
                       .vested_purchase = p.customer_at.has_value(),
                       .member_qualified = p.member_qualified_at.has_value(),
                       .terms_accepted = p.terms_accepted_at.has_value(),
                       .partner = partner && partner->status != partner_status::ended};
}

// The first time the person reached a stage is kept: a later return to it does not move it.
void mark_reached(member_profile& p, member_stage s, time_point now) {
    auto keep_first = [now](std::optional<time_point>& at) {
        if (!at) at = now;
    };
    switch (s) {
    case member_stage::fan: keep_first(p.fan_at); break;
    case member_stage::customer: keep_first(p.customer_at); break;
    case member_stage::member: keep_first(p.member_at); break;
    case member_stage::partner: keep_first(p.partner_at); break;
    case member_stage::passer_by: break;
    }
}

bool has_levels(member_stage s) { return s == member_stage::member || s == member_stage::partner; }

std::string level_text(const std::optional<std::int32_t>& level) { return level ? std::to_string(*level) : std::string(); }

void announce_level_up(mysql_connection& db, const member_profile& p, const member_level& level, time_point now) {
    auto merchant = find_merchant(db, p.merchant_id);
    const member_frame_event event{.type = "level_up",
                                   .merchant_id = p.merchant_id,
                                   .merchant_name = merchant ? merchant->name : std::string(),
                                   .level_no = level.level_no,
                                   .level_name = level.name,
                                   .points = 0,
                                   .expires_at = "",
                                   .at = format_rfc3339_seconds(now)};
    insert_outbox_event(db, p.user_id, std::string(event.kind()), to_payload(outbox_event{event}));
}

// Keeps the level in step with the stage and growth; audits a change and announces a rise.
void sync_level(mysql_connection& db, const member_context& context, member_profile& p, const std::string& reason,
                std::optional<std::uint64_t> order_id, time_point now) {
    std::optional<member_level> target;
    if (has_levels(p.stage)) target = level_for_growth(context.levels, p.growth);
    const std::optional<std::int32_t> to = target ? std::optional(target->level_no) : std::nullopt;
    if (to == p.level_no) return;
    const auto from = p.level_no;
    p.level_no = to;
    p.level_since = to ? std::optional(now) : std::nullopt;
    insert_member_event(db, p.merchant_id, p.user_id, "level", level_text(from), to ? std::to_string(*to) : "none", reason, order_id, now);
    if (to && (!from || *to > *from)) announce_level_up(db, p, *target, now);
}

std::uint64_t post(mysql_connection& db, std::uint64_t merchant_id, const std::string& kind, const std::string& reference,
                   std::vector<ledger_entry> entries, time_point at) {
    return post_ledger_transaction(db, ledger_posting{.merchant_id = merchant_id,
                                                      .kind = kind,
                                                      .reference = reference,
                                                      .actor_user_id = std::nullopt,
                                                      .entries = std::move(entries),
                                                      .booked_at = format_sql_datetime_utc(at)});
}

}  // namespace

member_context load_member_context(mysql_connection& db, std::uint64_t merchant_id) {
    member_context context;
    context.program = find_member_program(db, merchant_id);
    // A store without a programme costs its orders this one read (the e2e bench counts them).
    if (!context.program) return context;
    context.levels = list_member_levels(db, merchant_id);
    if (auto merchant = find_merchant(db, merchant_id))
        if (auto offset = utc_offset_of(merchant->time_zone)) context.utc_offset = *offset;
    return context;
}

void apply_stage_event(mysql_connection& db, const member_context& context, member_profile& p, stage_event event,
                       std::optional<std::uint64_t> order_id, time_point now) {
    const auto to = next_stage(p.stage, event, facts_of(db, p));
    if (to) {
        const auto from = p.stage;
        p.stage = *to;
        mark_reached(p, *to, now);
        insert_member_event(db, p.merchant_id, p.user_id, "stage", std::string(to_string(from)), std::string(to_string(*to)),
                            std::string(to_string(event)), order_id, now);
    }
    sync_level(db, context, p, std::string(to_string(event)), order_id, now);
    save_member_profile(db, p, now);
}

void record_member_contact(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, const std::string& source, time_point now) {
    auto profile = lock_member_profile(db, merchant_id, user_id, now);
    if (profile.fan_at) return;  // the first contact is the one recorded
    profile.fan_at = now;
    profile.fan_source = source;
    apply_stage_event(db, load_member_context(db, merchant_id), profile, stage_event::contact, std::nullopt, now);
}

void apply_growth(mysql_connection& db, const member_context& context, member_profile& p, std::int64_t delta, const std::string& reason,
                  std::optional<std::uint64_t> order_id, std::optional<std::uint64_t> refund_id, time_point now) {
    // Growth never goes below zero (a refund of growth a retention reset already took).
    if (p.growth + delta < 0) delta = -p.growth;
    if (delta != 0) {
        insert_growth_entry(db, p.merchant_id, p.user_id, order_id, refund_id, delta, reason, now);
        p.growth += delta;
    }
    sync_level(db, context, p, reason, order_id, now);
    save_member_profile(db, p, now);
}

bool member_task_met(mysql_connection& db, const member_context& context, std::uint64_t user_id, std::int64_t largest_topup_fen, time_point now) {
    if (!context.program) return false;
    const auto& program = *context.program;
    if (program.task_topup_fen && largest_topup_fen >= *program.task_topup_fen) return true;
    if (program.task_spend_fen && program.task_days) {
        const auto since = now - std::chrono::days(*program.task_days);
        return vested_spend_since(db, program.merchant_id, user_id, since) >= *program.task_spend_fen;
    }
    return false;
}

std::optional<member_level> level_in_force(const member_context& context, const std::optional<member_profile>& profile) {
    if (!context.program || !profile || !profile->level_no || !has_levels(profile->stage)) return std::nullopt;
    for (const auto& l : context.levels)
        if (l.level_no == *profile->level_no) return l;
    return std::nullopt;
}

bool vest_member_order(mysql_connection& db, std::uint64_t order_id, time_point now) {
    auto order = find_order(db, order_id, true);
    if (!order || order->status != order_status::paid || order->member_vested_at || !order->customer_user_id) return false;
    const auto buyer = *order->customer_user_id;
    mark_order_member_vested(db, order_id, now);
    // Locks: the order, then the person's profile, then (posting) their accounts.
    auto context = load_member_context(db, order->merchant_id);
    auto profile = lock_member_profile(db, order->merchant_id, buyer, now);
    const auto net = order->amount_fen - order->refunded_fen;
    if (order->kind == order_kind::purchase) {
        if (auto lot = find_order_lot(db, order_id, true); lot && lot->state == lot_state::pending) {
            const auto points = lot->earned - lot->reversed;
            lot->state = lot_state::vested;
            lot->remaining = points;
            lot->vested_at = now;
            const auto validity = context.program ? context.program->points.validity_months : 24;
            lot->expires_at = points_expire_at(now, validity, context.utc_offset);
            save_point_lot(db, *lot);
            if (points > 0) {
                const auto tx = post(db, order->merchant_id, "points_vested", "order:" + std::to_string(order_id), points_vested_entries(buyer, points), now);
                insert_point_move(db, order->merchant_id, buyer, "vested", points, order_id, lot->id, std::nullopt, tx, now);
            }
        }
        // A2's bonus awards in points (docs/bonus.md) vest with the order that earned them.
        for (auto& lot : lock_award_lots_of_order(db, order_id)) {
            if (lot.state != lot_state::pending) continue;
            const auto points = lot.earned - lot.reversed;
            lot.state = lot_state::vested;
            lot.remaining = points;
            lot.vested_at = now;
            lot.expires_at = points_expire_at(now, context.program ? context.program->points.validity_months : 24, context.utc_offset);
            save_point_lot(db, lot);
            if (points > 0) {
                const auto tx = post(db, order->merchant_id, "points_vested", "award_lot:" + std::to_string(lot.id), points_vested_entries(lot.user_id, points), now);
                insert_point_move(db, order->merchant_id, lot.user_id, "vested", points, order_id, lot.id, std::nullopt, tx, now);
            }
        }
        // A membership product earns no growth: growth is what purchases paid.
        if (net > 0) apply_growth(db, context, profile, order_growth(order->amount_fen, order->refunded_fen), "order_vested", order_id, std::nullopt, now);
    }
    if (net <= 0) return true;  // refunded in full inside the window: not a customer by this order
    // The fact first (the first paid order past its window), then the stage it supports.
    if (!profile.customer_at) profile.customer_at = now;
    apply_stage_event(db, context, profile, stage_event::purchase_vested, order_id, now);
    if (!profile.member_qualified_at && member_task_met(db, context, buyer, 0, now)) {
        profile.member_qualified_at = now;
        profile.member_qualified_by = "task_spend";
        apply_stage_event(db, context, profile, stage_event::member_qualified, order_id, now);
    }
    return true;
}

std::optional<referral_refusal> link_first_referral(mysql_connection& db, std::uint64_t user, std::uint64_t referrer, std::uint64_t merchant_id,
                                                    std::optional<std::uint64_t> share_id, time_point now) {
    const auto current = find_referral(db, user);
    const auto chain = referral_ancestors(db, referrer, max_referral_chain);
    if (static_cast<int>(chain.size()) >= max_referral_chain) return referral_refusal::loop;
    const auto refusal = check_referral(user, referrer, current ? std::optional(current->referrer_user_id) : std::nullopt, chain);
    if (refusal) return refusal;
    // INSERT IGNORE: a concurrent first link of the same user wins, and this one is not made.
    insert_referral(db, user, referrer, "share_claim", merchant_id, share_id, now);
    return std::nullopt;
}

bool expire_point_lot(mysql_connection& db, std::uint64_t lot_id, time_point now) {
    auto lot = find_point_lot(db, lot_id, true);
    if (!lot || lot->state != lot_state::vested || !lot->expires_at || *lot->expires_at > now) return false;
    lock_member_profile(db, lot->merchant_id, lot->user_id, now);
    const auto held = account_balance(db, lot->merchant_id, {account_kind::member_points, lot->user_id}, true);
    const auto expiring = std::min(lot->remaining, held);
    lot->state = lot_state::expired;
    lot->remaining = 0;
    save_point_lot(db, *lot);
    if (expiring > 0) {
        const auto tx = post(db, lot->merchant_id, "points_expired", "lot:" + std::to_string(lot->id), points_redeemed_entries(lot->user_id, expiring), now);
        insert_point_move(db, lot->merchant_id, lot->user_id, "expired", expiring, lot->order_id, lot->id, std::nullopt, tx, now);
    }
    return true;
}

bool remind_point_lot(mysql_connection& db, std::uint64_t lot_id, time_point now) {
    auto lot = find_point_lot(db, lot_id, true);
    if (!lot || lot->state != lot_state::vested || lot->reminded_at || lot->remaining <= 0 || !lot->expires_at) return false;
    lot->reminded_at = now;
    save_point_lot(db, *lot);
    auto merchant = find_merchant(db, lot->merchant_id);
    const member_frame_event event{.type = "points_expiring",
                                   .merchant_id = lot->merchant_id,
                                   .merchant_name = merchant ? merchant->name : std::string(),
                                   .level_no = 0,
                                   .level_name = "",
                                   .points = lot->remaining,
                                   .expires_at = format_rfc3339_seconds(*lot->expires_at),
                                   .at = format_rfc3339_seconds(now)};
    insert_outbox_event(db, lot->user_id, std::string(event.kind()), to_payload(outbox_event{event}));
    return true;
}

retention_outcome check_member_retention(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, time_point now) {
    auto profile = lock_member_profile(db, merchant_id, user_id, now);
    if (!profile.level_no || *profile.level_no <= 1 || !profile.level_since || *profile.level_since > now - retention_period)
        return retention_outcome::not_due;
    const auto context = load_member_context(db, merchant_id);
    const auto earned = growth_earned_since(db, merchant_id, user_id, now - retention_period);
    if (auto drop = retention_check(context.levels, *profile.level_no, earned)) {
        apply_growth(db, context, profile, drop->growth_after - profile.growth, "retention", std::nullopt, std::nullopt, now);
        return retention_outcome::dropped;
    }
    profile.level_since = now;  // kept: checked again a year from now
    save_member_profile(db, profile, now);
    return retention_outcome::kept;
}

std::optional<referral_refusal> correct_lifetime_referral(mysql_connection& db, std::uint64_t user, std::uint64_t referrer,
                                                          const std::string& operator_name, const std::string& reason, time_point now) {
    const auto current = find_referral(db, user, true);
    const auto chain = referral_ancestors(db, referrer, max_referral_chain);
    if (static_cast<int>(chain.size()) >= max_referral_chain) return referral_refusal::loop;
    const auto refusal = check_referral(user, referrer, current ? std::optional(current->referrer_user_id) : std::nullopt, chain, true);
    if (refusal) return refusal;
    correct_referral(db, user, current ? std::optional(current->referrer_user_id) : std::nullopt, referrer, operator_name, reason, now);
    return std::nullopt;
}

namespace {

struct lot_draw {
    std::uint64_t lot_id = 0;
    std::int64_t points = 0;
};

std::vector<lot_draw> draw_points_from_lots(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, std::int64_t points) {
    auto lots = lock_spendable_lots(db, merchant_id, user_id);
    std::vector<points_lot> view;
    for (const auto& l : lots) view.push_back({l.id, l.remaining, l.expires_at.value_or(time_point::max())});
    std::vector<lot_draw> drawn;
    for (const auto& draw : draw_from_lots(view, points)) {
        auto lot = std::find_if(lots.begin(), lots.end(), [&](const point_lot_record& l) { return l.id == draw.lot_id; });
        lot->remaining -= draw.points;
        save_point_lot(db, *lot);
        drawn.push_back({draw.lot_id, draw.points});
    }
    return drawn;
}

}  // namespace

std::int64_t take_points_from_lots(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, std::int64_t points) {
    std::int64_t taken = 0;
    for (const auto& d : draw_points_from_lots(db, merchant_id, user_id, points)) taken += d.points;
    return taken;
}

lot_take_back take_back_lot_points(mysql_connection& db, std::uint64_t lot_id, std::int64_t due) {
    auto lot = find_point_lot(db, lot_id, true);
    if (!lot || due <= 0) return {};
    std::int64_t taken = 0;
    if (lot->state == lot_state::pending) {
        taken = due;
    } else {
        taken = std::min(due, lot->remaining);
        lot->remaining -= taken;
        save_point_lot(db, *lot);
        taken += take_points_from_lots(db, lot->merchant_id, lot->user_id, due - taken);
        lot = find_point_lot(db, lot_id, true);
    }
    lot->reversed += due;
    lot->unrecovered += due - taken;
    save_point_lot(db, *lot);
    return {taken, lot->state != lot_state::pending};
}

void hold_points_for_order(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, std::uint64_t order_id, std::int64_t points,
                           time_point at) {
    std::int64_t held = 0;
    for (const auto& d : draw_points_from_lots(db, merchant_id, user_id, points)) {
        insert_point_hold(db, merchant_id, user_id, order_id, d.lot_id, d.points, at);
        held += d.points;
    }
    // Priced in this transaction with the lots locked: they hold what the price used.
    if (held != points) throw std::logic_error("points held beyond the member's lots");
    const auto tx = post(db, merchant_id, "points_held", "order:" + std::to_string(order_id), points_held_entries(user_id, held), at);
    insert_point_move(db, merchant_id, user_id, "held", held, order_id, std::nullopt, std::nullopt, tx, at);
}

std::int64_t spend_held_points(mysql_connection& db, std::uint64_t order_id, time_point at) {
    std::int64_t held = 0;
    for (const auto& h : lock_point_holds(db, order_id))
        if (h.state == hold_state::held) held += h.points;
    if (held == 0) return 0;
    end_point_holds(db, order_id, hold_state::spent, at);
    mark_held_move_spent(db, order_id);
    return held;
}

std::int64_t release_held_points(mysql_connection& db, std::uint64_t order_id, time_point at) {
    std::int64_t released = 0, expired = 0;
    std::uint64_t merchant_id = 0, user_id = 0;
    for (const auto& h : lock_point_holds(db, order_id)) {
        if (h.state != hold_state::held) continue;
        merchant_id = h.merchant_id;
        user_id = h.user_id;
        auto lot = find_point_lot(db, h.lot_id, true);
        if (lot && lot->state == lot_state::vested) {
            lot->remaining += h.points;
            save_point_lot(db, *lot);
            released += h.points;
        } else {
            expired += h.points;  // the lot expired while the order waited: so do its points
        }
    }
    if (released + expired == 0) return 0;
    end_point_holds(db, order_id, hold_state::released, at);
    auto entries = points_hold_released_entries(user_id, released);
    for (auto& e : points_hold_spent_entries(user_id, expired)) entries.push_back(e);
    // A refund that came while these points were held could not take them back (its lot's
    // `unrecovered`): what comes back pays that first, so a hold never shelters points owed.
    std::int64_t recovered = 0;
    if (released > 0) {
        std::int64_t owed = 0;
        const auto owing = lock_lots_owing(db, merchant_id, user_id);
        for (const auto& l : owing) owed += l.unrecovered;
        if (owed > 0) recovered = take_points_from_lots(db, merchant_id, user_id, std::min(owed, released));
        std::int64_t left = recovered;
        for (const auto& l : owing) {
            if (left == 0) break;
            auto lot = find_point_lot(db, l.id, true);  // read again: the take above may have drawn on it
            const auto part = std::min(left, lot->unrecovered);
            lot->unrecovered -= part;
            save_point_lot(db, *lot);
            left -= part;
        }
        for (auto& e : points_reversed_entries(user_id, recovered, true)) entries.push_back(e);
    }
    const auto tx = post(db, merchant_id, "points_released", "order:" + std::to_string(order_id), std::move(entries), at);
    if (released > 0) insert_point_move(db, merchant_id, user_id, "released", released, order_id, std::nullopt, std::nullopt, tx, at);
    if (recovered > 0) insert_point_move(db, merchant_id, user_id, "reversed", recovered, order_id, std::nullopt, std::nullopt, tx, at);
    if (expired > 0) insert_point_move(db, merchant_id, user_id, "expired", expired, order_id, std::nullopt, std::nullopt, tx, at);
    return released + expired;
}

}  // namespace sharedstore

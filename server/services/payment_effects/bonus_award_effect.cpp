// The bonus system's awards beyond the dividend (docs/bonus.md, business rules section 7): on a
// paid purchase of a store with a bonus configuration, the version in force at payment decides
// the level difference and the flat push to A2 (A1's lifetime referrer, a partner of the store;
// nobody above A2 is read), within the order's cap. A2's awards are member points (a pending lot,
// vested with the order) unless the configuration pays cash with the operator's sign-off
// (bonus_expense -> bonus_payable). A refund takes back each award's cumulative floor share.
#include "server/services/payment_effects/payment_effect.hpp"

#include "common/clock.hpp"
#include "push/outbox_events.hpp"
#include "server/domain/bonus_awards.hpp"
#include "server/domain/dividends.hpp"
#include "server/domain/ledger.hpp"
#include "server/domain/member_points.hpp"
#include "server/domain/payouts.hpp"
#include "server/services/member_journey.hpp"
#include "server/storage/bonus_repository.hpp"
#include "server/storage/ledger_repository.hpp"
#include "server/domain/rfc3339.hpp"
#include "server/storage/member_repository.hpp"
#include "server/storage/merchant_repository.hpp"
#include "server/storage/order_repository.hpp"
#include "server/storage/partner_repository.hpp"

namespace sharedstore {

namespace {

chain_partner chain_member(std::uint64_t partner_id, std::uint64_t user_id, const std::vector<share_tier>& tiers, std::int64_t total_buy_in,
                           bool earns) {
    const auto standing = tier_standing_for(tiers, total_buy_in);
    return chain_partner{.partner_id = partner_id,
                         .user_id = user_id,
                         .tier_rank = standing ? standing->rank : 0,
                         .rate_bp = standing ? standing->rate_bp : 0,
                         .earns = earns};
}

// A2's reminder of an award, or of `reversed` of it taken back (docs/websocket.md, "award").
void announce(mysql_connection& db, const bonus_award_record& a, std::int64_t reversed, std::chrono::system_clock::time_point at) {
    const auto merchant = find_merchant(db, a.merchant_id);
    const award_event event{.order_id = a.order_id,
                            .merchant_id = a.merchant_id,
                            .merchant_name = merchant ? merchant->name : std::string(),
                            .award_kind = std::string(to_string(a.kind)),
                            .medium = std::string(to_string(a.medium)),
                            .amount = a.amount_fen,
                            .reversed = reversed,
                            .at = format_rfc3339_seconds(at)};
    insert_outbox_event(db, a.user_id, std::string(event.kind()), to_payload(outbox_event{event}));
}

class bonus_award_effect final : public payment_effect {
public:
    std::string_view name() const override { return "bonus_awards"; }

    void paid(mysql_connection& db, const paid_order_facts& order, effect_output& out) const override {
        if (!order.bonus_config || order.kind != order_kind::purchase || !order.customer_user_id || !order.owner || !order.version ||
            !order.profit_fen)
            return;
        auto version = find_bonus_config_at(db, order.merchant_id, order.paid_at);
        if (!version) return;
        const auto& a1 = *order.owner;
        award_chain chain{.a1 = chain_member(a1.id, a1.user_id, order.version->tiers, a1.total_buy_in_fen, a1.active || a1.inactive_keeps_paying),
                          .a2 = std::nullopt};
        // A2: A1's lifetime referrer, when a partner of this store. One step up, never more.
        if (auto referral = find_referral(db, a1.user_id))
            if (auto a2 = find_partner_by_user(db, order.merchant_id, referral->referrer_user_id); a2 && a2->status != partner_status::ended)
                chain.a2 = chain_member(a2->id, a2->user_id, order.version->tiers, a2->total_buy_in_fen,
                                        a2->status == partner_status::active || a2->when_inactive == inactive_dividends::keep_paying);
        if (!chain.a2) return;
        const auto awards = compute_order_awards({.kind = order.kind, .buyer_user_id = *order.customer_user_id, .profit_fen = *order.profit_fen, .chain = chain},
                                                 version->config);
        for (const auto& line : awards.lines) {
            if (line.kind == award_kind::tier || line.amount_fen <= 0) continue;  // the tier award is the dividend
            const bonus_award_record row{.id = 0,
                                         .merchant_id = order.merchant_id,
                                         .order_id = order.order_id,
                                         .config_version_id = version->id,
                                         .kind = line.kind,
                                         .a1_partner_id = a1.id,
                                         .a1_user_id = a1.user_id,
                                         .partner_id = line.partner_id,
                                         .user_id = line.user_id,
                                         .rate_bp = line.rate_bp,
                                         .base_fen = awards.base_fen,
                                         .cap_fen = awards.cap_fen,
                                         .uncapped_fen = line.uncapped_fen,
                                         .amount_fen = line.amount_fen,
                                         .medium = line.medium,
                                         .reversed_fen = 0,
                                         .lot_id = std::nullopt,
                                         .created_at = order.paid_at};
            if (line.medium == award_medium::cash) {
                for (auto& e : bonus_cash_entries(line.user_id, line.amount_fen)) out.entries.push_back(e);
                out.after_posting.push_back([row](mysql_connection& db, posted_payment&) {
                    insert_bonus_award(db, row);
                    announce(db, row, 0, row.created_at);
                });
                continue;
            }
            for (auto& e : points_earned_entries(line.user_id, line.amount_fen)) out.entries.push_back(e);
            out.after_posting.push_back([row](mysql_connection& db, posted_payment& posted) {
                const auto id = insert_bonus_award(db, row);
                const auto lot = insert_point_lot(db, row.merchant_id, row.user_id, "award", id, row.order_id, row.amount_fen, lot_state::pending,
                                                  std::nullopt, std::nullopt, row.created_at);
                set_bonus_award_lot(db, id, lot);
                insert_point_move(db, row.merchant_id, row.user_id, "earned", row.amount_fen, row.order_id, lot, std::nullopt,
                                  posted.ledger_transaction_id, row.created_at);
                announce(db, row, 0, row.created_at);
            });
        }
    }

    void refunded(mysql_connection& db, const refund_facts& refund, effect_output& out) const override {
        const auto& order = refund.order;
        if (order.kind != order_kind::purchase) return;
        for (const auto& award : lock_bonus_awards_of_order(db, order.order_id)) {
            const auto due = reversal_fen(award.amount_fen, order.amount_fen, refund.refunded_before_fen, refund.amount_fen);
            if (due <= 0) continue;
            add_bonus_award_reversed(db, award.id, due);
            out.after_posting.push_back([award, due, at = refund.at](mysql_connection& db, posted_payment&) { announce(db, award, due, at); });
            if (award.medium == award_medium::cash && award.settled) {
                // Already withdrawable: taken back from that balance, the rest a debt (as a settled dividend).
                const auto split = split_settled_reversal(due, account_balance(db, award.merchant_id, {account_kind::dividend_withdrawable, award.user_id}, true));
                for (auto& e : bonus_settled_reversal_entries(award.user_id, split.from_withdrawable_fen, split.to_debt_fen)) out.entries.push_back(e);
                continue;
            }
            if (award.medium == award_medium::cash) {
                for (auto& e : bonus_cash_reversal_entries(award.user_id, due)) out.entries.push_back(e);
                continue;
            }
            if (!award.lot_id) continue;
            const auto back = take_back_lot_points(db, *award.lot_id, due);
            for (auto& e : points_reversed_entries(award.user_id, back.taken, back.vested)) out.entries.push_back(e);
            if (back.taken > 0)
                out.after_posting.push_back([award, taken = back.taken, at = refund.at](mysql_connection& db, posted_payment& posted) {
                    insert_point_move(db, award.merchant_id, award.user_id, "reversed", taken, award.order_id, award.lot_id, std::nullopt,
                                      posted.ledger_transaction_id, at);
                });
        }
    }
};

}  // namespace

std::unique_ptr<const payment_effect> make_bonus_award_effect() { return std::make_unique<bonus_award_effect>(); }

}  // namespace sharedstore

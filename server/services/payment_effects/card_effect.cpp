// The card a paid order redeemed (docs/business-rules.md, "Cards at the desk"): its discount is
// already in the order's profit (order_payments reads it with the facts), so a payment adds
// nothing here; a refund that completes the order's refund within the card's validity undoes the
// redemption, and the card is usable again. No money moves: a discount is a lower price, not a
// payment, so there are no ledger entries.
#include "server/services/payment_effects/payment_effect.hpp"

#include "server/services/card_wallet_service.hpp"
#include "server/storage/card_wallet_repository.hpp"

namespace sharedstore {

namespace {

class card_effect final : public payment_effect {
public:
    std::string_view name() const override { return "card"; }

    void paid(mysql_connection&, const paid_order_facts&, effect_output&) const override {}

    void refunded(mysql_connection& db, const refund_facts& refund, effect_output&) const override {
        if (!refund.order.card_redemption_id) return;  // most orders: nothing to read
        auto redemption = find_card_redemption_by_order(db, refund.order.order_id);
        if (!redemption) return;
        // The held card's lock, as for a redemption: a restore and a new redemption never interleave.
        lock_held_card(db, redemption->card_id);
        auto card = find_held_card(db, redemption->card_id);
        if (!card) return;
        const bool fully_refunded = refund.refunded_before_fen + refund.amount_fen >= refund.order.amount_fen;
        const auto view = view_of(*card, refund.at);
        const held_card_facts facts{.revoked = card->revoked, .redeemed = card->redemption_id == redemption->id, .window = view.window};
        if (!refund_restores_card(facts, fully_refunded, refund.at)) return;
        undo_card_redemption(db, redemption->id, refund.refund_id, refund.at);
        set_held_card_redemption(db, card->id, std::nullopt);
    }
};

}  // namespace

std::unique_ptr<const payment_effect> make_card_effect() { return std::make_unique<card_effect>(); }

}  // namespace sharedstore

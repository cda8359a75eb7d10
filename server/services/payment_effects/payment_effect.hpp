#pragma once
// Payment effects (docs/ledger.md, "Payment effects"): what follows from an order being paid or
// refunded, one effect per concept (the sale's money, a buy-in's stored value, the store's
// customer record, the owner's dividend; later points, vouchers, member levels, bonuses). Each
// effect decides from the facts loaded once (server/domain/payment_facts.hpp), writes its own rows
// and adds its ledger entries; order_payments posts them as one ledger transaction. A refund runs
// every effect's reversal in the same loop. A new effect is a new file and one line in
// default_effects.cpp.
#include "common/mysql_connection.hpp"
#include "server/domain/ledger.hpp"
#include "server/domain/payment_facts.hpp"
#include "server/storage/order_repository.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace sharedstore {

// What is known once the one ledger transaction is written.
struct posted_payment {
    std::uint64_t ledger_transaction_id = 0;
    std::optional<dividend_record> dividend;  // the order's dividend, once written (the API answers with it)
};

struct effect_output {
    std::vector<ledger_entry> entries;  // joined into the event's one ledger transaction
    // Postings of another store's book, written right after the event's own posting and before
    // any step below: every ledger lock of the event comes before any user row an outbox event
    // locks (see insert_outbox_event), whichever effect writes which.
    std::vector<std::function<void(mysql_connection&, posted_payment&)>> other_postings;
    // Rows written after the posting: rows that point at it, and outbox events (written after
    // the ledger locked its accounts: see insert_outbox_event).
    std::vector<std::function<void(mysql_connection&, posted_payment&)>> after_posting;
    // For the order row and the answer.
    bool dividend_due = false;
    std::int64_t dividend_reversed_fen = 0;
};

class payment_effect {
public:
    virtual ~payment_effect() = default;
    virtual std::string_view name() const = 0;
    // The order became paid. Inside the payment's transaction; the order row is locked.
    virtual void paid(mysql_connection& db, const paid_order_facts& order, effect_output& out) const = 0;
    // A refund was recorded (its row exists, the order's refunded total already includes it).
    virtual void refunded(mysql_connection& db, const refund_facts& refund, effect_output& out) const = 0;
};

using payment_effects = std::vector<std::unique_ptr<const payment_effect>>;

// The effects every payment has, in the order they run (default_effects.cpp).
const payment_effects& default_payment_effects();

// One factory per effect, each in its own file.
std::unique_ptr<const payment_effect> make_sale_effect();
std::unique_ptr<const payment_effect> make_buy_in_effect();
std::unique_ptr<const payment_effect> make_store_customer_effect();
std::unique_ptr<const payment_effect> make_dividend_effect();
std::unique_ptr<const payment_effect> make_bonus_award_effect();
std::unique_ptr<const payment_effect> make_prepaid_effect();
std::unique_ptr<const payment_effect> make_member_points_effect();
std::unique_ptr<const payment_effect> make_member_stage_effect();
std::unique_ptr<const payment_effect> make_member_growth_effect();
std::unique_ptr<const payment_effect> make_card_effect();
std::unique_ptr<const payment_effect> make_alliance_accrual_effect();
std::unique_ptr<const payment_effect> make_alliance_voucher_effect();

}  // namespace sharedstore

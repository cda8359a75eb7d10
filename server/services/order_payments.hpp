#pragma once
// The one code path that makes an order paid or refunds it, whatever told us (a WeChat Pay
// notification, the reconciliation job, a POS callback, a stored-value payment). Blocking: run
// inside one mysql_pool transaction, so the order, its dividend, the ledger entries and the outbox
// event commit together or not at all. Idempotent: the order row is locked first, and an order
// already paid (a refund already recorded) is reported, not applied again.
#include "common/mysql_connection.hpp"
#include "server/services/payment_effects/payment_effect.hpp"
#include "server/storage/order_repository.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace sharedstore {

// Called after a transaction that may have written outbox events has committed: wakes the
// reminder relay (push_runtime::outbox_written) so partners see a dividend at once. Empty: the
// relay's poll finds the events.
using outbox_signal = std::function<void()>;

enum class payment_outcome { applied, already_applied };

struct applied_payment {
    payment_outcome outcome;
    order_record order;                      // after the change
    std::optional<dividend_record> dividend;  // the order's dividend, if it earned one
};

// Marks the order paid at `paid_at`: loads its facts once (the tier version in force then, the
// profit under it, the customer's owner at that time), runs every effect (the sale's money, a
// buy-in's stored value, the store's customer record, the dividend...), posts their entries as one
// ledger transaction, then writes what must follow the posting (buy-in rows, outbox events).
applied_payment apply_order_paid(mysql_connection& db, std::uint64_t order_id, std::chrono::system_clock::time_point paid_at,
                                 const std::string& transaction_id, const payment_effects& effects = default_payment_effects());

// already_applied: this refund key was recorded for this order and amount (a retry); conflict: the
// key was recorded for another order or amount.
enum class refund_outcome { applied, already_applied, conflict, exceeds_order, order_not_paid };

struct applied_refund {
    refund_outcome outcome;
    std::int64_t reversed_fen = 0;  // taken back from the dividend by this refund
};

// Records a refund of `amount_fen` once per (store, source, refund_key), then runs every effect's
// reversal (money back, stored value back, the dividend reversed in proportion...) into one
// ledger transaction.
// `at`: when the refund happened (the refund row, its reversals and its ledger transaction share it).
applied_refund apply_order_refund(mysql_connection& db, std::uint64_t order_id, const std::string& source, const std::string& refund_key,
                                  std::int64_t amount_fen, std::chrono::system_clock::time_point at,
                                  const payment_effects& effects = default_payment_effects());

}  // namespace sharedstore

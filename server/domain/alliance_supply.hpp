#pragma once
// Supply orders (平台拿货; docs/business-rules.md section 3, docs/alliance.md "Supply orders"): the
// platform bills a member store for goods; the store's own vouchers may pay at most
// `supply_voucher_max_bp` of the bill (default 3000: a store cannot recycle its concession into
// supply at the platform's cost beyond that), the rest is money it owes. Pure.
#include "server/domain/ledger.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace sharedstore {

// The most a store's vouchers may pay of a supply order: floor(amount x cap / 10000).
std::int64_t supply_voucher_limit_fen(std::int64_t amount_fen, int supply_voucher_max_bp);

enum class supply_payment_refusal { over_maximum, over_balance };
// Why the store cannot pay `voucher_fen` of the order with vouchers, or none (0 always may).
std::optional<supply_payment_refusal> check_supply_payment(std::int64_t amount_fen, int supply_voucher_max_bp, std::int64_t voucher_fen,
                                                           std::int64_t spendable_fen);

// The order paid (posted at the store): the money part owed to the platform; the voucher part
// leaves the store's vouchers, and the fund pays the platform for it from the reserve behind them.
std::vector<ledger_entry> supply_paid_entries(std::int64_t amount_fen, std::int64_t voucher_fen);
// Refunded whole: the money owed is undone; the vouchers come back (`to_debt` of them paying the
// store's voucher debt instead: they vanish and their money repays the platform's advance of it).
std::vector<ledger_entry> supply_refund_entries(std::int64_t amount_fen, std::int64_t voucher_fen, std::int64_t to_debt_fen);

// A store's voucher debt (a refund took back vouchers its lots released, or a fan-lock reward,
// that it had spent on supply), posted at the store. The money behind them left the fund with
// the spend: the platform advances it back, into the free balance (a lot's clawback) or against
// the concession receivable (a lock reward's, which never reached the free balance).
std::vector<ledger_entry> merchant_voucher_debt_entries(std::int64_t fen, bool lock_reward);
// A later dividend nets it: that much of the store's release is credited but not spendable, and
// its money repays the platform's advance from the dividend's earmark (or the free balance, for a
// dividend planned before earmarks existed).
std::vector<ledger_entry> merchant_voucher_debt_netted_entries(std::int64_t fen, bool earmarked);

}  // namespace sharedstore

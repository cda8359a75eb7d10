#include "server/domain/alliance_supply.hpp"

#include <algorithm>

namespace sharedstore {

namespace {

using k = account_kind;

void add(std::vector<ledger_entry>& out, account_ref debit, account_ref credit, std::int64_t amount) {
    if (amount > 0) out.push_back({debit, credit, amount});
}

}  // namespace

std::int64_t supply_voucher_limit_fen(std::int64_t amount_fen, int cap_bp) {
    if (amount_fen <= 0 || cap_bp <= 0) return 0;
    // 128-bit: an order of up to 10^15 fen times 10^4 bp does not fit 63 bits comfortably.
    return static_cast<std::int64_t>(static_cast<__int128>(amount_fen) * cap_bp / 10'000);
}

std::optional<supply_payment_refusal> check_supply_payment(std::int64_t amount_fen, int cap_bp, std::int64_t voucher_fen, std::int64_t spendable_fen) {
    if (voucher_fen <= 0) return std::nullopt;
    if (voucher_fen > supply_voucher_limit_fen(amount_fen, cap_bp)) return supply_payment_refusal::over_maximum;
    if (voucher_fen > spendable_fen) return supply_payment_refusal::over_balance;
    return std::nullopt;
}

std::vector<ledger_entry> supply_paid_entries(std::int64_t amount_fen, std::int64_t voucher_fen) {
    std::vector<ledger_entry> out;
    const auto money = amount_fen - voucher_fen;
    add(out, {k::supply_purchases, 0}, {k::supply_payable, 0}, money);
    add(out, {k::supply_receivable, 0}, {k::supply_revenue, 0}, money);
    add(out, {k::vouchers_issued, 0}, {k::merchant_vouchers, 0}, voucher_fen);
    add(out, {k::alliance_fund_reserved, 0}, {k::supply_revenue, 0}, voucher_fen);
    return out;
}

std::vector<ledger_entry> supply_refund_entries(std::int64_t amount_fen, std::int64_t voucher_fen, std::int64_t to_debt) {
    std::vector<ledger_entry> out;
    const auto money = amount_fen - voucher_fen;
    to_debt = std::clamp<std::int64_t>(to_debt, 0, voucher_fen);
    add(out, {k::supply_payable, 0}, {k::supply_purchases, 0}, money);
    add(out, {k::supply_revenue, 0}, {k::supply_receivable, 0}, money);
    add(out, {k::merchant_vouchers, 0}, {k::vouchers_issued, 0}, voucher_fen - to_debt);
    add(out, {k::supply_revenue, 0}, {k::alliance_fund_reserved, 0}, voucher_fen - to_debt);
    add(out, {k::voucher_debt_issued, 0}, {k::merchant_voucher_debt, 0}, to_debt);
    add(out, {k::supply_revenue, 0}, {k::voucher_debt_advanced, 0}, to_debt);
    return out;
}

std::vector<ledger_entry> merchant_voucher_debt_entries(std::int64_t fen, bool lock_reward) {
    std::vector<ledger_entry> out;
    add(out, {k::merchant_voucher_debt, 0}, {k::voucher_debt_issued, 0}, fen);
    add(out, {k::voucher_debt_advanced, 0}, {lock_reward ? k::concession_receivable : k::alliance_fund_free, 0}, fen);
    return out;
}

std::vector<ledger_entry> merchant_voucher_debt_netted_entries(std::int64_t fen, bool earmarked) {
    std::vector<ledger_entry> out;
    add(out, {k::voucher_debt_issued, 0}, {k::merchant_voucher_debt, 0}, fen);
    add(out, {earmarked ? k::alliance_fund_earmarked : k::alliance_fund_free, 0}, {k::voucher_debt_advanced, 0}, fen);
    return out;
}

}  // namespace sharedstore

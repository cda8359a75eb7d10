#include "server/domain/alliance_ledger.hpp"

namespace sharedstore {

namespace {

using k = account_kind;

void add(std::vector<ledger_entry>& out, account_ref debit, account_ref credit, std::int64_t amount) {
    if (amount > 0) out.push_back({debit, credit, amount});
}

}  // namespace

std::vector<ledger_entry> accrual_entries(const accrual_parts& p, std::uint64_t consumer) {
    std::vector<ledger_entry> out;
    add(out, {k::concession_expense, 0}, {k::concession_payable, 0}, p.concession_fen());
    add(out, {k::concession_receivable, 0}, {k::alliance_fund_pending, 0}, p.fund_fen);
    add(out, {k::concession_receivable, 0}, {k::lock_rewards_pending, 0}, p.lock_fen);
    add(out, {k::concession_receivable, 0}, {k::concession_revenue, 0}, p.platform_fen);
    if (consumer) add(out, {k::alliance_points_pending, consumer}, {k::alliance_points_issued, 0}, p.consumer_cp);
    add(out, {k::merchant_alliance_points_pending, 0}, {k::alliance_points_issued, 0}, p.merchant_cp);
    return out;
}

std::vector<ledger_entry> accrual_vest_entries(const accrual_parts& left, std::uint64_t consumer) {
    std::vector<ledger_entry> out;
    if (consumer) add(out, {k::alliance_points, consumer}, {k::alliance_points_pending, consumer}, left.consumer_cp);
    add(out, {k::merchant_alliance_points, 0}, {k::merchant_alliance_points_pending, 0}, left.merchant_cp);
    add(out, {k::alliance_fund_pending, 0}, {k::alliance_fund_free, 0}, left.fund_fen);
    return out;
}

std::vector<ledger_entry> lock_reward_entries(std::int64_t fen) {
    std::vector<ledger_entry> out;
    add(out, {k::lock_rewards_pending, 0}, {k::alliance_fund_reserved, 0}, fen);
    add(out, {k::merchant_vouchers, 0}, {k::vouchers_issued, 0}, fen);
    return out;
}

std::vector<ledger_entry> accrual_reversal_entries(const accrual_parts& r, std::uint64_t consumer, bool vested) {
    std::vector<ledger_entry> out;
    add(out, {k::concession_payable, 0}, {k::concession_expense, 0}, r.concession_fen());
    add(out, {vested ? k::alliance_fund_free : k::alliance_fund_pending, 0}, {k::concession_receivable, 0}, r.fund_fen);
    if (!vested) add(out, {k::lock_rewards_pending, 0}, {k::concession_receivable, 0}, r.lock_fen);
    add(out, {k::concession_revenue, 0}, {k::concession_receivable, 0}, r.platform_fen);
    if (consumer)
        add(out, {k::alliance_points_issued, 0}, {vested ? k::alliance_points : k::alliance_points_pending, consumer}, r.consumer_cp);
    add(out, {k::alliance_points_issued, 0}, {vested ? k::merchant_alliance_points : k::merchant_alliance_points_pending, 0}, r.merchant_cp);
    return out;
}

std::vector<ledger_entry> lock_reward_reversal_entries(std::int64_t fen) {
    std::vector<ledger_entry> out;
    add(out, {k::alliance_fund_reserved, 0}, {k::concession_receivable, 0}, fen);
    add(out, {k::vouchers_issued, 0}, {k::merchant_vouchers, 0}, fen);
    return out;
}

std::vector<ledger_entry> expired_lock_reward_reversal_entries(std::int64_t fen) {
    std::vector<ledger_entry> out;
    add(out, {k::alliance_fund_free, 0}, {k::concession_receivable, 0}, fen);
    return out;
}

std::vector<ledger_entry> vouchers_expired_entries(std::uint64_t consumer, std::int64_t fen) {
    std::vector<ledger_entry> out;
    add(out, {k::alliance_fund_reserved, 0}, {k::alliance_fund_free, 0}, fen);
    if (consumer) add(out, {k::vouchers_issued, 0}, {k::alliance_vouchers, consumer}, fen);
    else add(out, {k::vouchers_issued, 0}, {k::merchant_vouchers, 0}, fen);
    return out;
}

std::vector<ledger_entry> advance_hold_entries(std::uint64_t consumer, std::int64_t fen) {
    std::vector<ledger_entry> out;
    add(out, {k::alliance_fund_free, 0}, {k::alliance_fund_reserved, 0}, fen);
    add(out, {k::alliance_vouchers_held, consumer}, {k::vouchers_issued, 0}, fen);
    add(out, {k::alliance_voucher_advance, consumer}, {k::voucher_advances_issued, 0}, fen);
    return out;
}

std::vector<ledger_entry> advance_release_entries(std::uint64_t consumer, std::int64_t fen) {
    std::vector<ledger_entry> out;
    add(out, {k::alliance_fund_reserved, 0}, {k::alliance_fund_free, 0}, fen);
    add(out, {k::vouchers_issued, 0}, {k::alliance_vouchers_held, consumer}, fen);
    add(out, {k::voucher_advances_issued, 0}, {k::alliance_voucher_advance, consumer}, fen);
    return out;
}

std::vector<ledger_entry> advance_repaid_entries(std::uint64_t consumer, std::int64_t fen) {
    std::vector<ledger_entry> out;
    add(out, {k::voucher_advances_issued, 0}, {k::alliance_voucher_advance, consumer}, fen);
    return out;
}

std::vector<ledger_entry> dividend_credit_entries(std::uint64_t consumer, std::int64_t fen, bool earmarked) {
    std::vector<ledger_entry> out;
    add(out, {earmarked ? k::alliance_fund_earmarked : k::alliance_fund_free, 0}, {k::alliance_fund_reserved, 0}, fen);
    if (consumer) add(out, {k::alliance_vouchers, consumer}, {k::vouchers_issued, 0}, fen);
    else add(out, {k::merchant_vouchers, 0}, {k::vouchers_issued, 0}, fen);
    return out;
}

std::vector<ledger_entry> dividend_clawback_entries(std::uint64_t consumer, std::int64_t fen) {
    std::vector<ledger_entry> out;
    add(out, {k::alliance_fund_reserved, 0}, {k::alliance_fund_free, 0}, fen);
    if (consumer) add(out, {k::vouchers_issued, 0}, {k::alliance_vouchers, consumer}, fen);
    else add(out, {k::vouchers_issued, 0}, {k::merchant_vouchers, 0}, fen);
    return out;
}

std::vector<ledger_entry> voucher_hold_entries(std::uint64_t consumer, std::int64_t fen) {
    std::vector<ledger_entry> out;
    add(out, {k::alliance_vouchers_held, consumer}, {k::alliance_vouchers, consumer}, fen);
    return out;
}

std::vector<ledger_entry> voucher_release_entries(std::uint64_t consumer, std::int64_t back, std::int64_t to_debt) {
    std::vector<ledger_entry> out;
    add(out, {k::alliance_vouchers, consumer}, {k::alliance_vouchers_held, consumer}, back);
    add(out, {k::vouchers_issued, 0}, {k::alliance_vouchers_held, consumer}, to_debt);
    add(out, {k::voucher_debt_issued, 0}, {k::alliance_voucher_debt, consumer}, to_debt);
    add(out, {k::alliance_fund_reserved, 0}, {k::voucher_debt_advanced, 0}, to_debt);
    return out;
}

std::vector<ledger_entry> voucher_spend_entries(std::uint64_t consumer, std::int64_t held, std::int64_t from_balance, std::int64_t unbacked) {
    std::vector<ledger_entry> out;
    add(out, {k::vouchers_issued, 0}, {k::alliance_vouchers_held, consumer}, held);
    add(out, {k::vouchers_issued, 0}, {k::alliance_vouchers, consumer}, from_balance);
    add(out, {k::alliance_fund_reserved, 0}, {k::voucher_reimbursement_payable, 0}, held + from_balance);
    add(out, {k::alliance_voucher_debt, consumer}, {k::voucher_debt_issued, 0}, unbacked);
    add(out, {k::voucher_debt_advanced, 0}, {k::voucher_reimbursement_payable, 0}, unbacked);
    return out;
}

std::vector<ledger_entry> voucher_sale_entries(std::int64_t fen) {
    std::vector<ledger_entry> out;
    add(out, {k::voucher_reimbursement_receivable, 0}, {k::sales, 0}, fen);
    return out;
}

std::vector<ledger_entry> voucher_return_entries(std::uint64_t consumer, std::int64_t fen, std::int64_t to_debt) {
    std::vector<ledger_entry> out;
    add(out, {k::voucher_reimbursement_payable, 0}, {k::alliance_fund_reserved, 0}, fen);
    add(out, {k::alliance_vouchers, consumer}, {k::vouchers_issued, 0}, fen);
    add(out, {k::voucher_reimbursement_payable, 0}, {k::voucher_debt_advanced, 0}, to_debt);
    add(out, {k::voucher_debt_issued, 0}, {k::alliance_voucher_debt, consumer}, to_debt);
    return out;
}

std::vector<ledger_entry> voucher_sale_reversal_entries(std::int64_t fen) {
    std::vector<ledger_entry> out;
    add(out, {k::sales, 0}, {k::voucher_reimbursement_receivable, 0}, fen);
    return out;
}

std::vector<ledger_entry> voucher_debt_entries(std::uint64_t consumer, std::int64_t fen) {
    std::vector<ledger_entry> out;
    add(out, {k::alliance_voucher_debt, consumer}, {k::voucher_debt_issued, 0}, fen);
    add(out, {k::voucher_debt_advanced, 0}, {k::alliance_fund_free, 0}, fen);
    return out;
}

std::vector<ledger_entry> voucher_debt_netted_entries(std::uint64_t consumer, std::int64_t fen, bool earmarked) {
    std::vector<ledger_entry> out;
    add(out, {k::voucher_debt_issued, 0}, {k::alliance_voucher_debt, consumer}, fen);
    add(out, {earmarked ? k::alliance_fund_earmarked : k::alliance_fund_free, 0}, {k::voucher_debt_advanced, 0}, fen);
    return out;
}

std::vector<ledger_entry> dividend_earmark_entries(std::int64_t fen) {
    std::vector<ledger_entry> out;
    add(out, {k::alliance_fund_free, 0}, {k::alliance_fund_earmarked, 0}, fen);
    return out;
}

std::vector<ledger_entry> dividend_earmark_return_entries(std::int64_t fen) {
    std::vector<ledger_entry> out;
    add(out, {k::alliance_fund_earmarked, 0}, {k::alliance_fund_free, 0}, fen);
    return out;
}

std::vector<ledger_entry> fund_shortfall_advance_entries(std::int64_t fen) {
    std::vector<ledger_entry> out;
    add(out, {k::fund_shortfall_advanced, 0}, {k::alliance_fund_free, 0}, fen);
    return out;
}

std::vector<ledger_entry> fund_shortfall_repaid_entries(std::int64_t fen) {
    std::vector<ledger_entry> out;
    add(out, {k::alliance_fund_free, 0}, {k::fund_shortfall_advanced, 0}, fen);
    return out;
}

}  // namespace sharedstore

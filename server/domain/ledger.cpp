#include "server/domain/ledger.hpp"

namespace sharedstore {

std::string_view to_string(account_kind kind) {
    switch (kind) {
    case account_kind::desk_cash: return "desk_cash";
    case account_kind::wechat_pay_clearing: return "wechat_pay_clearing";
    case account_kind::pos_receipts: return "pos_receipts";
    case account_kind::sales: return "sales";
    case account_kind::stored_value: return "stored_value";
    case account_kind::dividend_expense: return "dividend_expense";
    case account_kind::dividend_payable: return "dividend_payable";
    case account_kind::dividend_withdrawable: return "dividend_withdrawable";
    case account_kind::payout_in_flight: return "payout_in_flight";
    case account_kind::clawback_receivable: return "clawback_receivable";
    case account_kind::prepaid_principal: return "prepaid_principal";
    case account_kind::prepaid_bonus: return "prepaid_bonus";
    case account_kind::prepaid_bonus_expense: return "prepaid_bonus_expense";
    case account_kind::member_points_issued: return "member_points_issued";
    case account_kind::member_points_pending: return "member_points_pending";
    case account_kind::member_points: return "member_points";
    case account_kind::member_points_held: return "member_points_held";
    case account_kind::bonus_expense: return "bonus_expense";
    case account_kind::bonus_payable: return "bonus_payable";
    case account_kind::concession_expense: return "concession_expense";
    case account_kind::concession_payable: return "concession_payable";
    case account_kind::merchant_alliance_points_pending: return "merchant_alliance_points_pending";
    case account_kind::merchant_alliance_points: return "merchant_alliance_points";
    case account_kind::merchant_vouchers: return "merchant_vouchers";
    case account_kind::concession_receivable: return "concession_receivable";
    case account_kind::concession_revenue: return "concession_revenue";
    case account_kind::alliance_fund_pending: return "alliance_fund_pending";
    case account_kind::alliance_fund_free: return "alliance_fund_free";
    case account_kind::alliance_fund_reserved: return "alliance_fund_reserved";
    case account_kind::lock_rewards_pending: return "lock_rewards_pending";
    case account_kind::alliance_points_issued: return "alliance_points_issued";
    case account_kind::alliance_points_pending: return "alliance_points_pending";
    case account_kind::alliance_points: return "alliance_points";
    case account_kind::vouchers_issued: return "vouchers_issued";
    case account_kind::alliance_vouchers: return "alliance_vouchers";
    case account_kind::alliance_vouchers_held: return "alliance_vouchers_held";
    case account_kind::alliance_voucher_debt: return "alliance_voucher_debt";
    case account_kind::voucher_debt_issued: return "voucher_debt_issued";
    case account_kind::voucher_reimbursement_payable: return "voucher_reimbursement_payable";
    case account_kind::voucher_reimbursement_receivable: return "voucher_reimbursement_receivable";
    case account_kind::alliance_voucher_advance: return "alliance_voucher_advance";
    case account_kind::voucher_advances_issued: return "voucher_advances_issued";
    case account_kind::voucher_debt_advanced: return "voucher_debt_advanced";
    case account_kind::merchant_voucher_debt: return "merchant_voucher_debt";
    case account_kind::supply_purchases: return "supply_purchases";
    case account_kind::supply_payable: return "supply_payable";
    case account_kind::supply_receivable: return "supply_receivable";
    case account_kind::supply_revenue: return "supply_revenue";
    case account_kind::alliance_fund_earmarked: return "alliance_fund_earmarked";
    case account_kind::fund_shortfall_advanced: return "fund_shortfall_advanced";
    case account_kind::alliance_settlement_cash: return "alliance_settlement_cash";
    case account_kind::platform_settlement_cash: return "platform_settlement_cash";
    case account_kind::share_commission_expense: return "share_commission_expense";
    case account_kind::share_commission_payable: return "share_commission_payable";
    }
    return "unknown";
}

std::string_view to_string(ledger_asset asset) {
    switch (asset) {
    case ledger_asset::cny_fen: return "cny_fen";
    case ledger_asset::points: return "points";
    case ledger_asset::voucher_fen: return "voucher_fen";
    case ledger_asset::member_points: return "member_points";
    }
    return "unknown";
}

const std::vector<account_kind>& all_account_kinds() {
    static const std::vector<account_kind> kinds{account_kind::desk_cash,         account_kind::wechat_pay_clearing,
                                                 account_kind::pos_receipts,      account_kind::sales,
                                                 account_kind::stored_value,      account_kind::dividend_expense,
                                                 account_kind::dividend_payable,  account_kind::dividend_withdrawable,
                                                 account_kind::payout_in_flight,  account_kind::clawback_receivable,
                                                 account_kind::prepaid_principal, account_kind::prepaid_bonus,
                                                 account_kind::prepaid_bonus_expense, account_kind::member_points_issued,
                                                 account_kind::member_points_pending, account_kind::member_points,
                                                 account_kind::member_points_held,  account_kind::bonus_expense,
                                                 account_kind::bonus_payable,
                                                 account_kind::concession_expense, account_kind::concession_payable,
                                                 account_kind::merchant_alliance_points_pending, account_kind::merchant_alliance_points,
                                                 account_kind::merchant_vouchers, account_kind::concession_receivable,
                                                 account_kind::concession_revenue, account_kind::alliance_fund_pending,
                                                 account_kind::alliance_fund_free, account_kind::alliance_fund_reserved,
                                                 account_kind::lock_rewards_pending, account_kind::alliance_points_issued,
                                                 account_kind::alliance_points_pending, account_kind::alliance_points,
                                                 account_kind::vouchers_issued, account_kind::alliance_vouchers,
                                                 account_kind::alliance_vouchers_held, account_kind::alliance_voucher_debt,
                                                 account_kind::voucher_debt_issued, account_kind::voucher_reimbursement_payable,
                                                 account_kind::voucher_reimbursement_receivable, account_kind::alliance_voucher_advance,
                                                 account_kind::voucher_advances_issued, account_kind::voucher_debt_advanced,
                                                 account_kind::merchant_voucher_debt, account_kind::supply_purchases,
                                                 account_kind::supply_payable, account_kind::supply_receivable,
                                                 account_kind::supply_revenue, account_kind::alliance_fund_earmarked,
                                                 account_kind::fund_shortfall_advanced, account_kind::alliance_settlement_cash,
                                                 account_kind::platform_settlement_cash, account_kind::share_commission_expense,
                                                 account_kind::share_commission_payable};
    return kinds;
}

bool is_per_user(account_kind kind) {
    switch (kind) {
    case account_kind::stored_value:
    case account_kind::dividend_payable:
    case account_kind::dividend_withdrawable:
    case account_kind::payout_in_flight:
    case account_kind::clawback_receivable:
    case account_kind::prepaid_principal:
    case account_kind::prepaid_bonus:
    case account_kind::member_points_pending:
    case account_kind::member_points:
    case account_kind::member_points_held:
    case account_kind::bonus_payable:
    case account_kind::alliance_points_pending:
    case account_kind::alliance_points:
    case account_kind::alliance_vouchers:
    case account_kind::alliance_vouchers_held:
    case account_kind::alliance_voucher_debt:
    case account_kind::alliance_voucher_advance: return true;
    default: return false;
    }
}

ledger_asset asset_of(account_kind kind) {
    switch (kind) {
    case account_kind::alliance_points_issued:
    case account_kind::alliance_points_pending:
    case account_kind::alliance_points:
    case account_kind::merchant_alliance_points_pending:
    case account_kind::merchant_alliance_points: return ledger_asset::points;
    case account_kind::vouchers_issued:
    case account_kind::alliance_vouchers:
    case account_kind::alliance_vouchers_held:
    case account_kind::alliance_voucher_debt:
    case account_kind::voucher_debt_issued:
    case account_kind::alliance_voucher_advance:
    case account_kind::voucher_advances_issued:
    case account_kind::merchant_voucher_debt:
    case account_kind::merchant_vouchers: return ledger_asset::voucher_fen;
    case account_kind::member_points_issued:
    case account_kind::member_points_pending:
    case account_kind::member_points:
    case account_kind::member_points_held: return ledger_asset::member_points;
    default: return ledger_asset::cny_fen;
    }
}

bool in_platform_book(account_kind kind) {
    switch (kind) {
    case account_kind::concession_receivable:
    case account_kind::concession_revenue:
    case account_kind::alliance_fund_pending:
    case account_kind::alliance_fund_free:
    case account_kind::alliance_fund_reserved:
    case account_kind::lock_rewards_pending:
    case account_kind::alliance_points_issued:
    case account_kind::alliance_points_pending:
    case account_kind::alliance_points:
    case account_kind::vouchers_issued:
    case account_kind::alliance_vouchers:
    case account_kind::alliance_vouchers_held:
    case account_kind::alliance_voucher_debt:
    case account_kind::voucher_debt_issued:
    case account_kind::alliance_voucher_advance:
    case account_kind::voucher_advances_issued:
    case account_kind::voucher_debt_advanced:
    case account_kind::supply_receivable:
    case account_kind::supply_revenue:
    case account_kind::alliance_fund_earmarked:
    case account_kind::fund_shortfall_advanced:
    case account_kind::platform_settlement_cash:
    case account_kind::share_commission_expense:
    case account_kind::share_commission_payable:
    case account_kind::voucher_reimbursement_payable: return true;
    default: return false;
    }
}

std::optional<std::string> check_entries(const std::vector<ledger_entry>& entries) {
    if (entries.empty()) return "a ledger transaction needs at least one entry";
    for (const auto& e : entries) {
        if (e.amount <= 0) return "entry amounts are positive";
        if (e.debit == e.credit) return "an entry moves money between two different accounts";
        if (asset_of(e.debit.kind) != asset_of(e.credit.kind)) return "an entry moves one asset: points and vouchers never mix with money";
        for (const auto& side : {e.debit, e.credit})
            if (is_per_user(side.kind) != (side.user_id != 0)) return "per-person accounts name their user; store accounts do not";
    }
    return std::nullopt;
}

std::int64_t natural_balance(account_kind kind, std::int64_t debits_minus_credits) {
    // Credit-normal: liabilities and revenue.
    const bool credit_normal = kind == account_kind::stored_value || kind == account_kind::dividend_payable ||
                               kind == account_kind::dividend_withdrawable || kind == account_kind::payout_in_flight || kind == account_kind::sales ||
                               kind == account_kind::alliance_points_issued || kind == account_kind::member_points_issued ||
                               kind == account_kind::prepaid_principal || kind == account_kind::prepaid_bonus || kind == account_kind::bonus_payable ||
                               kind == account_kind::concession_payable || kind == account_kind::concession_revenue ||
                               kind == account_kind::alliance_fund_pending || kind == account_kind::alliance_fund_free ||
                               kind == account_kind::alliance_fund_reserved || kind == account_kind::lock_rewards_pending ||
                               kind == account_kind::vouchers_issued || kind == account_kind::voucher_debt_issued || kind == account_kind::voucher_advances_issued ||
                               kind == account_kind::voucher_reimbursement_payable || kind == account_kind::supply_payable ||
                               kind == account_kind::supply_revenue || kind == account_kind::alliance_fund_earmarked ||
                               kind == account_kind::share_commission_payable;
    return credit_normal ? -debits_minus_credits : debits_minus_credits;
}

std::vector<ledger_entry> cash_buy_in_entries(std::uint64_t partner_user_id, std::int64_t amount_fen) {
    return {{{account_kind::desk_cash, 0}, {account_kind::stored_value, partner_user_id}, amount_fen}};
}

namespace {

account_ref money_account(payment_source source, std::uint64_t buyer_user_id) {
    switch (source) {
    case payment_source::wechat_pay: return {account_kind::wechat_pay_clearing, 0};
    case payment_source::stored_value: return {account_kind::stored_value, buyer_user_id};
    case payment_source::pos: return {account_kind::pos_receipts, 0};
    // Two buckets: prepaid_purchase_entries splits the money; this account is never used for it.
    case payment_source::prepaid: return {account_kind::prepaid_principal, buyer_user_id};
    }
    return {account_kind::pos_receipts, 0};
}

}  // namespace

std::vector<ledger_entry> purchase_entries(payment_source source, std::uint64_t buyer_user_id, std::int64_t amount_fen) {
    return {{money_account(source, buyer_user_id), {account_kind::sales, 0}, amount_fen}};
}

std::vector<ledger_entry> wechat_buy_in_entries(std::uint64_t partner_user_id, std::int64_t amount_fen) {
    return {{{account_kind::wechat_pay_clearing, 0}, {account_kind::stored_value, partner_user_id}, amount_fen}};
}

std::vector<ledger_entry> dividend_entries(std::uint64_t partner_user_id, std::int64_t amount_fen) {
    if (amount_fen == 0) return {};
    return {{{account_kind::dividend_expense, 0}, {account_kind::dividend_payable, partner_user_id}, amount_fen}};
}

std::vector<ledger_entry> refund_entries(payment_source source, bool buy_in, std::uint64_t buyer_user_id, std::int64_t amount_fen) {
    if (buy_in) return {{{account_kind::stored_value, buyer_user_id}, money_account(source, buyer_user_id), amount_fen}};
    return {{{account_kind::sales, 0}, money_account(source, buyer_user_id), amount_fen}};
}

std::vector<ledger_entry> reversal_entries(std::uint64_t partner_user_id, std::int64_t amount_fen) {
    if (amount_fen == 0) return {};
    return {{{account_kind::dividend_payable, partner_user_id}, {account_kind::dividend_expense, 0}, amount_fen}};
}

namespace {

void add(std::vector<ledger_entry>& entries, account_ref debit, account_ref credit, std::int64_t amount_fen) {
    if (amount_fen > 0) entries.push_back({debit, credit, amount_fen});
}

}  // namespace

namespace {

// What settles from a payable (a dividend's, a cash award's) into the withdrawable balance, the
// debt paid first; and a reversal after that, back to its expense.
std::vector<ledger_entry> settle_from(account_kind payable, std::uint64_t partner_user_id, std::int64_t to_withdrawable_fen, std::int64_t to_debt_fen) {
    std::vector<ledger_entry> entries;
    add(entries, {payable, partner_user_id}, {account_kind::dividend_withdrawable, partner_user_id}, to_withdrawable_fen);
    add(entries, {payable, partner_user_id}, {account_kind::clawback_receivable, partner_user_id}, to_debt_fen);
    return entries;
}

std::vector<ledger_entry> reverse_settled_to(account_kind expense, std::uint64_t partner_user_id, std::int64_t from_withdrawable_fen, std::int64_t to_debt_fen) {
    std::vector<ledger_entry> entries;
    add(entries, {account_kind::dividend_withdrawable, partner_user_id}, {expense, 0}, from_withdrawable_fen);
    add(entries, {account_kind::clawback_receivable, partner_user_id}, {expense, 0}, to_debt_fen);
    return entries;
}

}  // namespace

std::vector<ledger_entry> settlement_entries(std::uint64_t partner_user_id, std::int64_t to_withdrawable_fen, std::int64_t to_debt_fen) {
    return settle_from(account_kind::dividend_payable, partner_user_id, to_withdrawable_fen, to_debt_fen);
}

std::vector<ledger_entry> settled_reversal_entries(std::uint64_t partner_user_id, std::int64_t from_withdrawable_fen, std::int64_t to_debt_fen) {
    return reverse_settled_to(account_kind::dividend_expense, partner_user_id, from_withdrawable_fen, to_debt_fen);
}

std::vector<ledger_entry> bonus_settlement_entries(std::uint64_t partner_user_id, std::int64_t to_withdrawable_fen, std::int64_t to_debt_fen) {
    return settle_from(account_kind::bonus_payable, partner_user_id, to_withdrawable_fen, to_debt_fen);
}

std::vector<ledger_entry> bonus_settled_reversal_entries(std::uint64_t partner_user_id, std::int64_t from_withdrawable_fen, std::int64_t to_debt_fen) {
    return reverse_settled_to(account_kind::bonus_expense, partner_user_id, from_withdrawable_fen, to_debt_fen);
}

std::vector<ledger_entry> withdrawal_entries(std::uint64_t partner_user_id, std::int64_t amount_fen) {
    std::vector<ledger_entry> entries;
    add(entries, {account_kind::dividend_withdrawable, partner_user_id}, {account_kind::payout_in_flight, partner_user_id}, amount_fen);
    return entries;
}

std::vector<ledger_entry> payout_success_entries(std::uint64_t partner_user_id, std::int64_t amount_fen) {
    std::vector<ledger_entry> entries;
    add(entries, {account_kind::payout_in_flight, partner_user_id}, {account_kind::wechat_pay_clearing, 0}, amount_fen);
    return entries;
}

std::vector<ledger_entry> payout_return_entries(std::uint64_t partner_user_id, std::int64_t to_withdrawable_fen, std::int64_t to_debt_fen) {
    std::vector<ledger_entry> entries;
    add(entries, {account_kind::payout_in_flight, partner_user_id}, {account_kind::dividend_withdrawable, partner_user_id}, to_withdrawable_fen);
    add(entries, {account_kind::payout_in_flight, partner_user_id}, {account_kind::clawback_receivable, partner_user_id}, to_debt_fen);
    return entries;
}

namespace {

std::vector<ledger_entry> one_entry(account_ref debit, account_ref credit, std::int64_t amount) {
    if (amount <= 0) return {};
    return {{debit, credit, amount}};
}

void append(std::vector<ledger_entry>& to, std::vector<ledger_entry> more) { to.insert(to.end(), more.begin(), more.end()); }

}  // namespace

std::vector<ledger_entry> points_earned_entries(std::uint64_t user_id, std::int64_t points) {
    return one_entry({account_kind::member_points_pending, user_id}, {account_kind::member_points_issued, 0}, points);
}

std::vector<ledger_entry> points_vested_entries(std::uint64_t user_id, std::int64_t points) {
    return one_entry({account_kind::member_points, user_id}, {account_kind::member_points_pending, user_id}, points);
}

std::vector<ledger_entry> points_reversed_entries(std::uint64_t user_id, std::int64_t points, bool vested) {
    return one_entry({account_kind::member_points_issued, 0}, {vested ? account_kind::member_points : account_kind::member_points_pending, user_id},
                     points);
}

std::vector<ledger_entry> points_redeemed_entries(std::uint64_t user_id, std::int64_t points) {
    return one_entry({account_kind::member_points_issued, 0}, {account_kind::member_points, user_id}, points);
}

std::vector<ledger_entry> points_returned_entries(std::uint64_t user_id, std::int64_t points) {
    return one_entry({account_kind::member_points, user_id}, {account_kind::member_points_issued, 0}, points);
}

std::vector<ledger_entry> bonus_cash_entries(std::uint64_t partner_user_id, std::int64_t amount_fen) {
    return one_entry({account_kind::bonus_expense, 0}, {account_kind::bonus_payable, partner_user_id}, amount_fen);
}

std::vector<ledger_entry> bonus_cash_reversal_entries(std::uint64_t partner_user_id, std::int64_t amount_fen) {
    return one_entry({account_kind::bonus_payable, partner_user_id}, {account_kind::bonus_expense, 0}, amount_fen);
}

std::vector<ledger_entry> points_held_entries(std::uint64_t user_id, std::int64_t points) {
    return one_entry({account_kind::member_points_held, user_id}, {account_kind::member_points, user_id}, points);
}

std::vector<ledger_entry> points_hold_spent_entries(std::uint64_t user_id, std::int64_t points) {
    return one_entry({account_kind::member_points_issued, 0}, {account_kind::member_points_held, user_id}, points);
}

std::vector<ledger_entry> points_hold_released_entries(std::uint64_t user_id, std::int64_t points) {
    return one_entry({account_kind::member_points, user_id}, {account_kind::member_points_held, user_id}, points);
}

std::vector<ledger_entry> topup_entries(std::uint64_t user_id, std::int64_t pay_fen, std::int64_t bonus_fen) {
    auto entries = one_entry({account_kind::wechat_pay_clearing, 0}, {account_kind::prepaid_principal, user_id}, pay_fen);
    append(entries, one_entry({account_kind::prepaid_bonus_expense, 0}, {account_kind::prepaid_bonus, user_id}, bonus_fen));
    return entries;
}

std::vector<ledger_entry> topup_refund_entries(std::uint64_t user_id, std::int64_t principal_fen, std::int64_t forfeited_bonus_fen) {
    auto entries = one_entry({account_kind::prepaid_principal, user_id}, {account_kind::wechat_pay_clearing, 0}, principal_fen);
    append(entries, one_entry({account_kind::prepaid_bonus, user_id}, {account_kind::prepaid_bonus_expense, 0}, forfeited_bonus_fen));
    return entries;
}

std::vector<ledger_entry> prepaid_purchase_entries(std::uint64_t user_id, std::int64_t principal_fen, std::int64_t bonus_fen) {
    auto entries = one_entry({account_kind::prepaid_principal, user_id}, {account_kind::sales, 0}, principal_fen);
    append(entries, one_entry({account_kind::prepaid_bonus, user_id}, {account_kind::sales, 0}, bonus_fen));
    return entries;
}

std::vector<ledger_entry> prepaid_refund_entries(std::uint64_t user_id, std::int64_t principal_fen, std::int64_t bonus_fen) {
    auto entries = one_entry({account_kind::sales, 0}, {account_kind::prepaid_principal, user_id}, principal_fen);
    append(entries, one_entry({account_kind::sales, 0}, {account_kind::prepaid_bonus, user_id}, bonus_fen));
    return entries;
}

}  // namespace sharedstore

#include "server/storage/ledger_check.hpp"

#include "server/domain/alliance_config.hpp"
#include "server/domain/ledger.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

namespace sharedstore {

namespace {

std::vector<std::string> offending_ids(mysql_connection& db, const std::string& query) {
    mysql_statement select(db.prepare(query + " LIMIT 100"));
    std::unique_ptr<sql::ResultSet> rs(select->executeQuery());
    std::vector<std::string> ids;
    while (rs->next()) ids.push_back(rs->getString(1));
    return ids;
}

// (kind, asset, platform) of every account kind, as SQL rows, from the domain's own table.
std::string account_kind_rows() {
    std::string rows;
    for (auto kind : all_account_kinds())
        rows += std::string(rows.empty() ? "" : " UNION ALL ") + "SELECT '" + std::string(to_string(kind)) + "' AS kind, '" +
                std::string(to_string(asset_of(kind))) + "' AS asset, " + (in_platform_book(kind) ? "1" : "0") + " AS platform";
    return rows;
}

}  // namespace

std::vector<ledger_check_result> check_ledger(mysql_connection& db) {
    // The pool's defaults (configuration version 0 has no row) for the dividends' thresholds.
    const alliance_pool_config defaults;
    const std::vector<std::pair<std::string, std::string>> checks{
        // An entry moves a positive amount from one account to another, so a transaction whose
        // entries are all such sums to zero (its debits equal its credits).
        {"every ledger transaction has entries, each a positive amount between two accounts (so it sums to zero)",
         "SELECT CONCAT('transaction ', t.id) FROM ledger_transactions t LEFT JOIN ledger_entries e ON e.transaction_id = t.id "
         "GROUP BY t.id HAVING COUNT(e.id) = 0 OR MIN(e.amount) <= 0 OR SUM(e.debit_account_id = e.credit_account_id) > 0"},
        {"every account's balance equals its entries",
         "SELECT CONCAT('account ', a.id) FROM ledger_accounts a WHERE a.balance <> "
         "(SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE debit_account_id = a.id) - "
         "(SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE credit_account_id = a.id)"},
        {"every entry stays within its transaction's books (its store's and the platform's)",
         "SELECT CONCAT('entry ', e.id) FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id "
         "JOIN ledger_accounts d ON d.id = e.debit_account_id JOIN ledger_accounts c ON c.id = e.credit_account_id "
         "WHERE NOT (d.merchant_id = 0 OR d.merchant_id <=> t.merchant_id) OR NOT (c.merchant_id = 0 OR c.merchant_id <=> t.merchant_id)"},
        {"no entry mixes assets (points and vouchers never become money)",
         "SELECT CONCAT('entry ', e.id) FROM ledger_entries e JOIN ledger_accounts d ON d.id = e.debit_account_id "
         "JOIN ledger_accounts c ON c.id = e.credit_account_id WHERE d.asset <> c.asset"},
        {"every account holds its kind's asset, in its kind's book, and names its book's store",
         "SELECT CONCAT('account ', a.id) FROM ledger_accounts a JOIN ledger_books b ON b.id = a.book_id "
         "LEFT JOIN (" + account_kind_rows() + ") k ON k.kind = a.kind "
         "WHERE k.kind IS NULL OR a.asset <> k.asset OR (b.kind = 'platform') <> (k.platform = 1) OR a.merchant_id <> COALESCE(b.merchant_id, 0)"},
        {"each asset's balances add up to zero over every book",
         "SELECT CONCAT('asset ', asset) FROM ledger_accounts GROUP BY asset HAVING SUM(balance) <> 0"},
        {"every paid order of an owned customer has exactly one dividend, and no other order has one",
         "SELECT CONCAT('order ', o.id) FROM orders o LEFT JOIN dividends d ON d.order_id = o.id "
         "WHERE (o.status = 'paid' AND o.dividend_due <> (d.id IS NOT NULL)) OR (o.status <> 'paid' AND d.id IS NOT NULL)"},
        {"every dividend is floor(profit x ratio / 10000) of its order's profit",
         "SELECT CONCAT('dividend ', d.id) FROM dividends d JOIN orders o ON o.id = d.order_id "
         "WHERE d.profit_fen <> o.profit_fen OR d.amount_fen <> FLOOR(d.profit_fen * d.ratio_bp / 10000)"},
        {"every paid order has its ledger transaction",
         "SELECT CONCAT('order ', o.id) FROM orders o LEFT JOIN ledger_transactions t ON t.kind = 'order_paid' "
         "AND t.reference = CONCAT('order:', o.id) WHERE o.status = 'paid' AND t.id IS NULL"},
        {"no refund reverses more than its order paid",
         "SELECT CONCAT('order ', o.id) FROM orders o WHERE o.refunded_fen > o.amount_fen OR o.refunded_fen <> "
         "(SELECT COALESCE(SUM(amount_fen), 0) FROM refunds f WHERE f.order_id = o.id) OR (o.status <> 'paid' AND o.refunded_fen <> 0)"},
        {"every refund has its ledger transaction",
         "SELECT CONCAT('refund ', f.id) FROM refunds f LEFT JOIN ledger_transactions t ON t.kind = 'refund' "
         "AND t.reference = CONCAT('refund:', f.id) WHERE t.id IS NULL"},
        {"no dividend is reversed beyond what it paid, and reversals add up",
         "SELECT CONCAT('dividend ', d.id) FROM dividends d WHERE d.reversed_fen > d.amount_fen OR d.reversed_fen <> "
         "(SELECT COALESCE(SUM(amount_fen), 0) FROM dividend_reversals v WHERE v.dividend_id = d.id)"},
        {"a fully refunded order's dividend is fully reversed",
         "SELECT CONCAT('dividend ', d.id) FROM dividends d JOIN orders o ON o.id = d.order_id "
         "WHERE o.refunded_fen = o.amount_fen AND d.reversed_fen <> d.amount_fen"},
        // Cards at the desk (docs/business-rules.md section 6): a discount moves no money, but it
        // sets a profit, and a card is redeemed once.
        {"a held card points at its own live redemption, and every live redemption is its card's one",
         "SELECT CONCAT('card ', c.id) FROM card_claims c LEFT JOIN card_redemptions r ON r.id = c.redemption_id "
         "WHERE c.redemption_id IS NOT NULL AND (r.id IS NULL OR r.card_claim_id <> c.id OR r.undone_at IS NOT NULL) "
         "UNION ALL SELECT CONCAT('card redemption ', r.id) FROM card_redemptions r JOIN card_claims c ON c.id = r.card_claim_id "
         "WHERE r.undone_at IS NULL AND NOT (c.redemption_id <=> r.id)"},
        {"a card redemption discounts an order of its own store and holder, and is undone only by a full refund of it",
         "SELECT CONCAT('card redemption ', r.id) FROM card_redemptions r LEFT JOIN orders o ON o.id = r.order_id "
         "WHERE (r.order_id IS NOT NULL AND (o.id IS NULL OR o.merchant_id <> r.merchant_id OR NOT (o.customer_user_id <=> r.customer_user_id))) "
         "OR (r.undone_at IS NOT NULL AND (o.id IS NULL OR o.refunded_fen <> o.amount_fen))"},
        // Payouts (docs/payouts.md).
        {"each partner's dividend_payable equals what their unsettled dividends have left",
         "SELECT CONCAT('partner user ', x.merchant_id, '/', x.user_id) FROM ("
         "SELECT merchant_id, user_id, -balance AS ledger, 0 AS business FROM ledger_accounts WHERE kind = 'dividend_payable' "
         "UNION ALL SELECT merchant_id, partner_user_id, 0, SUM(IF(settled_at IS NULL, amount_fen - reversed_fen, 0)) FROM dividends "
         "GROUP BY merchant_id, partner_user_id) x GROUP BY x.merchant_id, x.user_id HAVING SUM(x.ledger) <> SUM(x.business)"},
        {"no payable, withdrawable or in-flight balance is below zero, and no debt",
         "SELECT CONCAT('account ', id) FROM ledger_accounts WHERE (kind IN ('dividend_payable', 'dividend_withdrawable', 'payout_in_flight') "
         "AND balance > 0) OR (kind = 'clawback_receivable' AND balance < 0)"},
        {"each partner's payout_in_flight equals their unfinished payouts",
         "SELECT CONCAT('partner user ', x.merchant_id, '/', x.user_id) FROM ("
         "SELECT merchant_id, user_id, -balance AS ledger, 0 AS business FROM ledger_accounts WHERE kind = 'payout_in_flight' "
         "UNION ALL SELECT merchant_id, partner_user_id, 0, SUM(IF(state IN ('awaiting_approval', 'creating', 'wait_user_confirm', "
         "'transferring', 'cancelling'), amount_fen, 0)) FROM payouts GROUP BY merchant_id, partner_user_id) x "
         "GROUP BY x.merchant_id, x.user_id HAVING SUM(x.ledger) <> SUM(x.business)"},
        {"every payout has its request posting, and a final one exactly one end posting that fits its state",
         "SELECT CONCAT('payout ', p.id) FROM payouts p "
         "LEFT JOIN ledger_transactions r ON r.kind = 'payout_request' AND r.reference = CAST(p.id AS CHAR) "
         "LEFT JOIN ledger_transactions s ON s.kind = 'payout_success' AND s.reference = CAST(p.id AS CHAR) "
         "LEFT JOIN ledger_transactions b ON b.kind = 'payout_return' AND b.reference = CAST(p.id AS CHAR) "
         "WHERE r.id IS NULL OR (p.state = 'succeeded') <> (s.id IS NOT NULL) "
         "OR (p.state IN ('failed', 'cancelled', 'rejected')) <> (b.id IS NOT NULL)"},
        {"every payout's postings move its amount",
         "SELECT CONCAT('payout ', p.id) FROM payouts p JOIN ledger_transactions t ON t.kind IN ('payout_request', 'payout_success', "
         "'payout_return') AND t.reference = CAST(p.id AS CHAR) JOIN ledger_entries e ON e.transaction_id = t.id "
         "GROUP BY p.id, t.id HAVING SUM(e.amount) <> MIN(p.amount_fen)"},
        {"every settlement posts what it settled",
         "SELECT CONCAT('settlement ', s.id) FROM dividend_settlements s LEFT JOIN ledger_transactions t ON t.kind = 'dividend_settlement' "
         "AND t.reference = CAST(s.id AS CHAR) LEFT JOIN ledger_entries e ON e.transaction_id = t.id "
         "GROUP BY s.id HAVING COALESCE(SUM(e.amount), 0) <> MIN(s.amount_fen)"},
        {"a reversal after settlement splits exactly into withdrawable and debt",
         "SELECT CONCAT('reversal ', id) FROM dividend_reversals WHERE from_withdrawable_fen < 0 OR to_debt_fen < 0 "
         "OR from_withdrawable_fen + to_debt_fen NOT IN (0, amount_fen)"},
        // The member journey (docs/members.md): points in lots, pre-stored value in two buckets.
        {"each member's pending points equal their pending lots",
         "SELECT CONCAT('member ', x.merchant_id, '/', x.user_id) FROM ("
         "SELECT merchant_id, user_id, balance AS ledger, 0 AS business FROM ledger_accounts WHERE kind = 'member_points_pending' "
         "UNION ALL SELECT merchant_id, user_id, 0, SUM(earned - reversed) FROM member_point_lots WHERE state = 'pending' "
         "GROUP BY merchant_id, user_id) x GROUP BY x.merchant_id, x.user_id HAVING SUM(x.ledger) <> SUM(x.business)"},
        {"each member's spendable points equal what their vested lots have left",
         "SELECT CONCAT('member ', x.merchant_id, '/', x.user_id) FROM ("
         "SELECT merchant_id, user_id, balance AS ledger, 0 AS business FROM ledger_accounts WHERE kind = 'member_points' "
         "UNION ALL SELECT merchant_id, user_id, 0, SUM(remaining) FROM member_point_lots WHERE state = 'vested' "
         "GROUP BY merchant_id, user_id) x GROUP BY x.merchant_id, x.user_id HAVING SUM(x.ledger) <> SUM(x.business)"},
        {"no points lot gives back or holds more than it earned",
         "SELECT CONCAT('lot ', id) FROM member_point_lots WHERE reversed > earned OR remaining > earned OR unrecovered > reversed "
         "OR (state <> 'vested' AND remaining <> 0)"},
        {"each member's held points equal their WeChat Pay orders' open holds",
         "SELECT CONCAT('member ', x.merchant_id, '/', x.user_id) FROM ("
         "SELECT merchant_id, user_id, balance AS ledger, 0 AS business FROM ledger_accounts WHERE kind = 'member_points_held' "
         "UNION ALL SELECT merchant_id, user_id, 0, SUM(points) FROM member_point_holds WHERE state = 'held' "
         "GROUP BY merchant_id, user_id) x GROUP BY x.merchant_id, x.user_id HAVING SUM(x.ledger) <> SUM(x.business)"},
        {"points are held only for unpaid orders, and a paid order's holds are spent",
         "SELECT CONCAT('order ', o.id) FROM orders o JOIN member_point_holds h ON h.order_id = o.id "
         "WHERE (h.state = 'held' AND o.status <> 'created') OR (h.state = 'spent' AND o.status <> 'paid') GROUP BY o.id"},
        {"a closed order holds no card redemption",
         "SELECT CONCAT('order ', o.id) FROM orders o JOIN card_redemptions r ON r.order_id = o.id WHERE o.status = 'closed'"},
        {"no member's points, pending points or pre-stored value is below zero",
         "SELECT CONCAT('account ', id) FROM ledger_accounts WHERE (kind IN ('member_points', 'member_points_pending', 'member_points_held') AND balance < 0) "
         "OR (kind IN ('prepaid_principal', 'prepaid_bonus') AND balance > 0)"},
        {"every order paid from pre-stored value drew exactly its amount from the two buckets",
         "SELECT CONCAT('order ', id) FROM orders WHERE (source = 'prepaid' AND status = 'paid' AND prepaid_principal_fen + prepaid_bonus_fen <> amount_fen) "
         "OR (source <> 'prepaid' AND (prepaid_principal_fen <> 0 OR prepaid_bonus_fen <> 0))"},
        // The bonus system (docs/bonus.md): within the order's cap, only to A2, as the books say.
        {"an order's dividend and bonus awards together stay within its cap (order_cap_bp of its profit)",
         "SELECT CONCAT('order ', a.order_id) FROM bonus_awards a LEFT JOIN dividends d ON d.order_id = a.order_id "
         "GROUP BY a.order_id HAVING COALESCE(MAX(d.amount_fen), 0) + SUM(a.amount_fen) > MAX(a.cap_fen)"},
        {"every bonus award goes to the lifetime referrer of the order's partner, one level up, never further",
         "SELECT CONCAT('award ', a.id) FROM bonus_awards a LEFT JOIN referrals r ON r.user_id = a.a1_user_id "
         "LEFT JOIN dividends d ON d.order_id = a.order_id WHERE a.user_id = a.a1_user_id OR (d.id IS NOT NULL AND d.partner_id <> a.a1_partner_id) "
         "OR ((r.referrer_user_id IS NULL OR r.referrer_user_id <> a.user_id) AND NOT EXISTS (SELECT 1 FROM referral_corrections c "
         "WHERE c.user_id = a.a1_user_id AND c.previous_referrer_user_id = a.user_id))"},
        {"each partner's cash awards owed equal their unsettled awards less reversals",
         "SELECT CONCAT('partner ', x.merchant_id, '/', x.user_id) FROM ("
         "SELECT merchant_id, user_id, -balance AS ledger, 0 AS business FROM ledger_accounts WHERE kind = 'bonus_payable' "
         "UNION ALL SELECT merchant_id, user_id, 0, SUM(amount_fen - reversed_fen) FROM bonus_awards WHERE medium = 'cash' AND settled_at IS NULL "
         "GROUP BY merchant_id, user_id "
         "UNION ALL SELECT merchant_id, user_id, 0, SUM(amount_fen) FROM bonus_period_awards WHERE settled_at IS NULL GROUP BY merchant_id, user_id) x GROUP BY x.merchant_id, x.user_id HAVING SUM(x.ledger) <> SUM(x.business)"},
        {"every period award run's shares add up to what it paid, and a top-dealer pool is within its period's profit",
         "SELECT CONCAT('run ', r.id) FROM bonus_period_runs r LEFT JOIN bonus_period_awards a ON a.run_id = r.id "
         "GROUP BY r.id HAVING COALESCE(SUM(a.amount_fen), 0) <> MAX(r.paid_fen) OR (MAX(r.kind) = 'top_dealer' AND MAX(r.pool_fen) > MAX(r.profit_fen))"},
        {"each award in points earned its own lot, reversed as the award is",
         "SELECT CONCAT('award ', a.id) FROM bonus_awards a LEFT JOIN member_point_lots l ON l.id = a.lot_id "
         "WHERE a.medium = 'points' AND (l.id IS NULL OR l.source <> 'award' OR l.user_id <> a.user_id OR l.earned <> a.amount_fen "
         "OR l.reversed <> a.reversed_fen)"},
        {"every member's growth equals their growth entries",
         "SELECT CONCAT('member ', p.merchant_id, '/', p.user_id) FROM member_profiles p WHERE p.growth <> "
         "(SELECT COALESCE(SUM(delta), 0) FROM member_growth_entries g WHERE g.merchant_id = p.merchant_id AND g.user_id = p.user_id)"},
        // The alliance (docs/alliance.md; docs/business-rules.md section 3).
        {"every alliance order splits its concession exactly: K = floor(B x c / 10000) = fund + lock + platform, reversals within each part",
         "SELECT CONCAT('order ', order_id) FROM alliance_accruals WHERE concession_fen <> FLOOR(base_fen * concession_bp / 10000) "
         "OR fund_fen <> FLOOR(concession_fen * fund_share_bp / 10000) OR fund_fen + lock_fen + platform_fen <> concession_fen "
         "OR lock_fen < 0 OR platform_fen < 0 OR lock_fen > FLOOR(base_fen * lock_bp / 10000) OR refunded_fen > amount_fen "
         "OR reversed_fund_fen > fund_fen OR reversed_lock_fen > lock_fen OR reversed_platform_fen > platform_fen "
         "OR (refunded_fen = amount_fen AND (reversed_fund_fen <> fund_fen OR reversed_lock_fen <> lock_fen OR reversed_platform_fen <> platform_fen))"},
        {"a fan-lock reward goes only to another store than the one paid",
         "SELECT CONCAT('order ', order_id) FROM alliance_accruals WHERE lock_fen > 0 AND (lock_merchant_id IS NULL OR lock_merchant_id = merchant_id)"},
        {"each alliance order has a lot of K cp for its store and one for its buyer, reversed alike, in the order's state",
         "SELECT CONCAT('order ', a.order_id) FROM alliance_accruals a "
         "LEFT JOIN alliance_lots m ON m.order_id = a.order_id AND m.holder = 'merchant' "
         "LEFT JOIN alliance_lots c ON c.order_id = a.order_id AND c.holder = 'consumer' "
         "WHERE m.id IS NULL OR m.cp <> a.concession_fen OR m.reversed_cp > m.cp OR m.state <> a.state OR m.merchant_id <> a.merchant_id "
         "OR (a.refunded_fen = a.amount_fen AND m.reversed_cp <> m.cp) OR (a.consumer_user_id IS NULL) <> (c.id IS NULL) "
         "OR (c.id IS NOT NULL AND (c.cp <> m.cp OR c.reversed_cp <> m.reversed_cp OR c.state <> a.state OR c.user_id <> a.consumer_user_id))"},
        {"each holder's alliance points, pending and vested, equal their lots (the pool S is recomputable from lots)",
         "SELECT CONCAT(x.kind, ' ', x.holder) FROM ("
         "SELECT kind, IF(kind LIKE 'merchant%', merchant_id, user_id) AS holder, balance AS ledger, 0 AS lots FROM ledger_accounts "
         "WHERE kind IN ('alliance_points', 'alliance_points_pending', 'merchant_alliance_points', 'merchant_alliance_points_pending') "
         "UNION ALL SELECT CONCAT(IF(holder = 'merchant', 'merchant_', ''), IF(state = 'vested', 'alliance_points', 'alliance_points_pending')), "
         "COALESCE(user_id, merchant_id), 0, SUM(cp - reversed_cp) FROM alliance_lots GROUP BY holder, state, COALESCE(user_id, merchant_id)) x "
         "GROUP BY x.kind, x.holder HAVING SUM(x.ledger) <> SUM(x.lots)"},
        {"each store's concession owed equals its alliance orders' concessions less reversals and less its settled statements, and the platform's receivable their sum",
         "SELECT CONCAT('store ', x.merchant_id) FROM ("
         "SELECT merchant_id, -balance AS ledger, 0 AS business FROM ledger_accounts WHERE kind = 'concession_payable' "
         "UNION ALL SELECT merchant_id, 0, SUM(concession_fen - reversed_fund_fen - reversed_lock_fen - reversed_platform_fen) "
         "FROM alliance_accruals GROUP BY merchant_id "
         "UNION ALL SELECT merchant_id, 0, -SUM(concession_fen) FROM alliance_statements WHERE state = 'settled' GROUP BY merchant_id) x "
         "GROUP BY x.merchant_id HAVING SUM(x.ledger) <> SUM(x.business) "
         "UNION ALL SELECT 'platform receivable' FROM ledger_accounts r WHERE r.kind = 'concession_receivable' AND r.balance <> "
         "(SELECT COALESCE(-SUM(balance), 0) FROM ledger_accounts WHERE kind = 'concession_payable')"},
        {"the fund's pending share and the pending fan-lock rewards equal their pending orders' parts; the fund's free balance is not below zero",
         "SELECT 'alliance_fund_pending' FROM (SELECT COALESCE(SUM(IF(state = 'pending', fund_fen - reversed_fund_fen, 0)), 0) AS fund, "
         "COALESCE(SUM(IF(state = 'pending', lock_fen - reversed_lock_fen, 0)), 0) AS locks FROM alliance_accruals) a "
         "WHERE a.fund <> (SELECT COALESCE(-SUM(balance), 0) FROM ledger_accounts WHERE kind = 'alliance_fund_pending') "
         "UNION ALL SELECT 'lock_rewards_pending' FROM (SELECT COALESCE(SUM(IF(state = 'pending', lock_fen - reversed_lock_fen, 0)), 0) AS locks "
         "FROM alliance_accruals) a WHERE a.locks <> (SELECT COALESCE(-SUM(balance), 0) FROM ledger_accounts WHERE kind = 'lock_rewards_pending') "
         "UNION ALL SELECT 'alliance_fund_free' FROM ledger_accounts WHERE kind = 'alliance_fund_free' AND balance > 0"},
        {"vouchers outstanding equal the fund's reserve, and each store's and each consumer's vouchers their credits' remaining value",
         "SELECT 'vouchers_issued' FROM (SELECT COALESCE(SUM(IF(kind = 'vouchers_issued', balance, 0)), 0) AS issued, "
         "COALESCE(SUM(IF(kind = 'alliance_fund_reserved', balance, 0)), 0) AS reserved FROM ledger_accounts) t WHERE t.issued <> t.reserved "
         "UNION ALL SELECT CONCAT('store ', x.merchant_id) FROM ("
         "SELECT merchant_id, balance AS ledger, 0 AS credits FROM ledger_accounts WHERE kind = 'merchant_vouchers' "
         "UNION ALL SELECT merchant_id, 0, SUM(remaining_fen) FROM alliance_voucher_credits WHERE holder = 'merchant' GROUP BY merchant_id) x "
         "GROUP BY x.merchant_id HAVING SUM(x.ledger) <> SUM(x.credits) "
         "UNION ALL SELECT CONCAT('user ', x.user_id) FROM ("
         "SELECT user_id, balance AS ledger, 0 AS credits FROM ledger_accounts WHERE kind = 'alliance_vouchers' "
         "UNION ALL SELECT user_id, 0, SUM(remaining_fen) FROM alliance_voucher_credits WHERE holder = 'consumer' GROUP BY user_id) x "
         "GROUP BY x.user_id HAVING SUM(x.ledger) <> SUM(x.credits)"},
        {"each consumer's held vouchers equal their orders' and reservations' holds, their voucher debt what its record owes, the debts issued their sum, and the platform's advance of them the same",
         "SELECT CONCAT('held user ', x.user_id) FROM ("
         "SELECT user_id, balance AS ledger, 0 AS holds FROM ledger_accounts WHERE kind = 'alliance_vouchers_held' "
         "UNION ALL SELECT user_id, 0, SUM(amount_fen) FROM alliance_voucher_holds WHERE state = 'held' GROUP BY user_id) x "
         "GROUP BY x.user_id HAVING SUM(x.ledger) <> SUM(x.holds) "
         "UNION ALL SELECT CONCAT('debt user ', x.user_id) FROM ("
         "SELECT user_id, balance AS ledger, 0 AS debts FROM ledger_accounts WHERE kind = 'alliance_voucher_debt' "
         "UNION ALL SELECT holder_id, 0, recorded_fen - netted_fen FROM alliance_voucher_debts WHERE holder = 'consumer') x "
         "GROUP BY x.user_id HAVING SUM(x.ledger) <> SUM(x.debts) "
         "UNION ALL SELECT CONCAT('debt store ', x.merchant_id) FROM ("
         "SELECT merchant_id, balance AS ledger, 0 AS debts FROM ledger_accounts WHERE kind = 'merchant_voucher_debt' "
         "UNION ALL SELECT holder_id, 0, recorded_fen - netted_fen FROM alliance_voucher_debts WHERE holder = 'merchant') x "
         "GROUP BY x.merchant_id HAVING SUM(x.ledger) <> SUM(x.debts) "
         "UNION ALL SELECT 'voucher_debt_issued' FROM (SELECT COALESCE(SUM(IF(kind = 'voucher_debt_issued', -balance, 0)), 0) AS issued, "
         "COALESCE(SUM(IF(kind IN ('alliance_voucher_debt', 'merchant_voucher_debt'), balance, 0)), 0) AS owed FROM ledger_accounts) t "
         "WHERE t.issued <> t.owed "
         "UNION ALL SELECT 'voucher_debt_advanced' FROM (SELECT COALESCE(SUM(IF(kind = 'voucher_debt_advanced', balance, 0)), 0) AS advanced, "
         "COALESCE(SUM(IF(kind IN ('alliance_voucher_debt', 'merchant_voucher_debt'), balance, 0)), 0) AS owed FROM ledger_accounts) t "
         "WHERE t.advanced <> t.owed"},
        {"each store's supply owed equals its paid supply orders' money part less its settled statements and the platform's receivable their sum; each paid or refunded "
         "order drew exactly its voucher part from the store's credits, and each refunded one gave it back",
         "SELECT CONCAT('store ', x.merchant_id) FROM ("
         "SELECT merchant_id, -balance AS ledger, 0 AS orders FROM ledger_accounts WHERE kind = 'supply_payable' "
         "UNION ALL SELECT merchant_id, 0, SUM(amount_fen - voucher_fen) FROM alliance_supply_orders WHERE state = 'paid' GROUP BY merchant_id "
         "UNION ALL SELECT merchant_id, 0, -SUM(supply_fen) FROM alliance_statements WHERE state = 'settled' GROUP BY merchant_id) x "
         "GROUP BY x.merchant_id HAVING SUM(x.ledger) <> SUM(x.orders) "
         "UNION ALL SELECT 'supply_receivable' FROM ledger_accounts r WHERE r.kind = 'supply_receivable' AND r.balance <> "
         "(SELECT COALESCE(-SUM(balance), 0) FROM ledger_accounts WHERE kind = 'supply_payable') "
         "UNION ALL SELECT CONCAT('supply order ', s.id) FROM alliance_supply_orders s LEFT JOIN (SELECT supply_order_id, SUM(amount_fen) AS fen "
         "FROM alliance_supply_voucher_draws GROUP BY supply_order_id) d ON d.supply_order_id = s.id "
         "LEFT JOIN alliance_voucher_credits c ON c.supply_order_id = s.id "
         "WHERE COALESCE(d.fen, 0) <> IF(s.state IN ('paid', 'refunded'), s.voucher_fen, 0) "
         "OR (c.id IS NOT NULL) <> (s.state = 'refunded' AND s.voucher_fen > 0) OR (c.id IS NOT NULL AND (c.amount_fen <> s.voucher_fen "
         "OR c.merchant_id <> s.merchant_id))"},
        {"each statement shows what was written on its store's alliance accounts in its month, and the settlement cash of each side is what the settled statements' nets moved",
         "SELECT CONCAT('statement ', s.id) FROM alliance_statements s LEFT JOIN (SELECT y.merchant_id, y.created_at, "
         "-IF(y.kind = 'concession_payable', y.amount, 0) AS concession, -IF(y.kind = 'supply_payable', y.amount, 0) AS supply, "
         "IF(y.kind = 'voucher_reimbursement_receivable', y.amount, 0) AS due FROM ("
         "SELECT a.merchant_id, a.kind, t.recorded_at AS created_at, e.amount FROM ledger_accounts a JOIN ledger_entries e ON e.debit_account_id = a.id "
         "JOIN ledger_transactions t ON t.id = e.transaction_id "
         "WHERE a.kind IN ('concession_payable', 'supply_payable', 'voucher_reimbursement_receivable') AND t.kind <> 'alliance_settlement' "
         "UNION ALL SELECT a.merchant_id, a.kind, t.recorded_at AS created_at, -e.amount FROM ledger_accounts a JOIN ledger_entries e ON e.credit_account_id = a.id "
         "JOIN ledger_transactions t ON t.id = e.transaction_id "
         "WHERE a.kind IN ('concession_payable', 'supply_payable', 'voucher_reimbursement_receivable') AND t.kind <> 'alliance_settlement') y) m "
         "ON m.merchant_id = s.merchant_id AND m.created_at >= s.period_start AND m.created_at < s.period_end "
         "GROUP BY s.id, s.concession_fen, s.supply_fen, s.reimbursement_fen "
         "HAVING COALESCE(SUM(m.concession), 0) <> s.concession_fen OR COALESCE(SUM(m.supply), 0) <> s.supply_fen "
         "OR COALESCE(SUM(m.due), 0) <> s.reimbursement_fen "
         "UNION ALL SELECT CONCAT('store ', x.merchant_id) FROM (SELECT merchant_id, balance AS ledger, 0 AS nets FROM ledger_accounts "
         "WHERE kind = 'alliance_settlement_cash' UNION ALL SELECT merchant_id, 0, -SUM(net_fen) FROM alliance_statements WHERE state = 'settled' "
         "GROUP BY merchant_id) x GROUP BY x.merchant_id HAVING SUM(x.ledger) <> SUM(x.nets) "
         "UNION ALL SELECT 'platform_settlement_cash' FROM (SELECT COALESCE(SUM(IF(kind = 'platform_settlement_cash', balance, 0)), 0) AS cash "
         "FROM ledger_accounts) c WHERE c.cash <> (SELECT COALESCE(SUM(net_fen), 0) FROM alliance_statements WHERE state = 'settled') - "
         "(SELECT COALESCE(SUM(payable_fen), 0) FROM share_statements WHERE state = 'paid')"},
        {"a dividend's earmark holds money only while a dividend past its planning runs, and the platform's shortfall advance is not below zero",
         "SELECT 'alliance_fund_earmarked' FROM ledger_accounts a WHERE a.kind = 'alliance_fund_earmarked' AND (a.balance > 0 "
         "OR (a.balance < 0 AND NOT EXISTS (SELECT 1 FROM alliance_pool_state p JOIN alliance_dividends d ON d.number = p.running_dividend "
         "WHERE p.id = 1 AND d.phase IN ('consumers', 'merchants') AND d.earmarked_fen IS NOT NULL))) "
         "UNION ALL SELECT 'fund_shortfall_advanced' FROM ledger_accounts WHERE kind = 'fund_shortfall_advanced' AND balance < 0"},
        {"each consumer's advance owed equals its record and its holds' grants less what was given back and repaid, and the advances issued their sum",
         "SELECT CONCAT('advance user ', x.user_id) FROM ("
         "SELECT user_id, balance AS ledger, 0 AS record FROM ledger_accounts WHERE kind = 'alliance_voucher_advance' "
         "UNION ALL SELECT user_id, 0, granted_fen - cancelled_fen - repaid_fen FROM alliance_voucher_advances) x "
         "GROUP BY x.user_id HAVING SUM(x.ledger) <> SUM(x.record) "
         "UNION ALL SELECT CONCAT('advance grants user ', a.user_id) FROM alliance_voucher_advances a LEFT JOIN (SELECT user_id, SUM(amount_fen) AS fen, "
         "SUM(IF(state = 'released', amount_fen, 0)) AS back FROM alliance_voucher_holds WHERE source = 'advance' GROUP BY user_id) h ON h.user_id = a.user_id "
         "WHERE a.granted_fen <> COALESCE(h.fen, 0) OR a.cancelled_fen <> COALESCE(h.back, 0) "
         "UNION ALL SELECT 'voucher_advances_issued' FROM (SELECT COALESCE(SUM(IF(kind = 'voucher_advances_issued', -balance, 0)), 0) AS issued, "
         "COALESCE(SUM(IF(kind = 'alliance_voucher_advance', balance, 0)), 0) AS owed FROM ledger_accounts) t WHERE t.issued <> t.owed"},
        {"the platform owes the stores what their books say it owes each, and each store the voucher part of its paid orders less what refunds gave back and its settled statements",
         "SELECT 'voucher_reimbursement_payable' FROM (SELECT COALESCE(SUM(IF(kind = 'voucher_reimbursement_payable', -balance, 0)), 0) AS payable, "
         "COALESCE(SUM(IF(kind = 'voucher_reimbursement_receivable', balance, 0)), 0) AS receivable FROM ledger_accounts) t "
         "WHERE t.payable <> t.receivable "
         "UNION ALL SELECT CONCAT('store ', x.merchant_id) FROM ("
         "SELECT merchant_id, balance AS ledger, 0 AS orders FROM ledger_accounts WHERE kind = 'voucher_reimbursement_receivable' "
         "UNION ALL SELECT merchant_id, 0, SUM(voucher_fen - FLOOR(CAST(voucher_fen AS DECIMAL(38, 0)) * refunded_fen / amount_fen)) FROM orders "
         "WHERE status = 'paid' AND voucher_fen > 0 GROUP BY merchant_id "
         "UNION ALL SELECT merchant_id, 0, -SUM(reimbursement_fen) FROM alliance_statements WHERE state = 'settled' GROUP BY merchant_id) x "
         "GROUP BY x.merchant_id HAVING SUM(x.ledger) <> SUM(x.orders)"},
        {"each refund of an order paid partly with vouchers gave back exactly its share of them",
         "SELECT CONCAT('order ', o.id) FROM orders o LEFT JOIN (SELECT order_id, SUM(amount_fen) AS fen FROM alliance_voucher_credits "
         "WHERE reason = 'refund_return' GROUP BY order_id) r ON r.order_id = o.id "
         "WHERE (o.voucher_fen > 0 OR r.fen IS NOT NULL) AND COALESCE(r.fen, 0) <> FLOOR(CAST(o.voucher_fen AS DECIMAL(38, 0)) * o.refunded_fen / o.amount_fen)"},
        {"a reservation holds its vouchers while reserved and nothing after; a confirmed one paid its order's voucher part; no order holds more than its voucher part",
         "SELECT CONCAT('reservation ', r.id) FROM alliance_voucher_reservations r LEFT JOIN alliance_voucher_holds h ON h.reservation_id = r.id "
         "GROUP BY r.id, r.state, r.voucher_fen HAVING COALESCE(SUM(IF(h.state = 'held', h.amount_fen, 0)), 0) <> IF(r.state = 'reserved', r.voucher_fen, 0) "
         "UNION ALL SELECT CONCAT('reservation ', r.id) FROM alliance_voucher_reservations r LEFT JOIN orders o ON o.id = r.order_id "
         "WHERE r.state = 'confirmed' AND (o.id IS NULL OR o.voucher_fen <> r.voucher_fen OR o.merchant_id <> r.merchant_id "
         "OR o.customer_user_id <> r.user_id) "
         "UNION ALL SELECT CONCAT('order ', h.order_id) FROM alliance_voucher_holds h JOIN orders o ON o.id = h.order_id "
         "WHERE h.state <> 'released' GROUP BY h.order_id, o.voucher_fen HAVING SUM(h.amount_fen) > o.voucher_fen"},
        {"every dividend credited exactly what its lots released, never more than the fund had free when it started",
         "SELECT CONCAT('dividend ', d.number) FROM alliance_dividends d "
         "LEFT JOIN (SELECT dividend_number, SUM(fen) AS fen FROM alliance_lot_releases GROUP BY dividend_number) r ON r.dividend_number = d.number "
         "LEFT JOIN (SELECT dividend_number, SUM(amount_fen) AS fen FROM alliance_voucher_credits WHERE reason = 'dividend' GROUP BY dividend_number) v "
         "ON v.dividend_number = d.number "
         "WHERE COALESCE(r.fen, 0) <> d.released_fen OR COALESCE(v.fen, 0) <> d.released_fen OR d.released_fen > d.available_fen "
         "OR d.available_fen > LEAST(d.wanted_fen, d.fund_free_fen) OR (d.state = 'done') = (d.number = (SELECT COALESCE(running_dividend, 0) "
         "FROM alliance_pool_state WHERE id = 1))"},
        {"every dividend fired past its threshold: dividend 1 at the initial value with enough holders, dividend n+1 at ceil(S_n x (10000 + growth) / 10000)",
         "SELECT CONCAT('dividend ', d.number) FROM alliance_dividends d LEFT JOIN alliance_pool_configs c ON c.version = d.pool_config_version "
         "LEFT JOIN alliance_dividends p ON p.number = d.number - 1 WHERE (d.number = 1 AND (d.pool_cp < COALESCE(c.initial_value_cp, " +
             std::to_string(defaults.initial_value_cp) + ") OR d.consumer_holders < COALESCE(c.min_holders, " + std::to_string(defaults.min_holders) +
             "))) OR (d.number > 1 AND (p.number IS NULL OR d.pool_cp < CEIL(p.pool_cp * (10000 + COALESCE(c.growth_bp, " +
             std::to_string(defaults.growth_bp) + ")) / 10000)))"},
        {"no lot has more vouchers out than its lifetime quota allows on the points it has left",
         "SELECT CONCAT('lot ', l.id) FROM alliance_lots l WHERE l.released_fen > "
         "FLOOR((l.cp - l.reversed_cp) * (SELECT COALESCE(MAX(quota_bp), 0) FROM alliance_dividends) / 10000)"},
        {"each lot's vouchers out equal its releases less what refunds took back, and each holder's dividend credits that sum",
         "SELECT CONCAT('lot ', l.id) FROM alliance_lots l LEFT JOIN (SELECT lot_id, SUM(fen) AS fen FROM alliance_lot_releases GROUP BY lot_id) r "
         "ON r.lot_id = l.id WHERE l.released_fen <> COALESCE(r.fen, 0) - l.clawed_fen OR l.released_fen < 0 "
         "UNION ALL SELECT CONCAT(x.holder, ' ', x.holder_id) FROM ("
         "SELECT holder, COALESCE(user_id, merchant_id) AS holder_id, SUM(released_fen) AS lots, 0 AS credits FROM alliance_lots "
         "WHERE released_fen <> 0 GROUP BY holder, COALESCE(user_id, merchant_id) "
         "UNION ALL SELECT holder, holder_id, 0, SUM(amount_fen - taken_back_fen) FROM alliance_voucher_credits WHERE reason = 'dividend' "
         "GROUP BY holder, holder_id) x GROUP BY x.holder, x.holder_id HAVING SUM(x.lots) <> SUM(x.credits)"},
        {"every vested fan-lock reward was credited to its locking store, less what refunds took back",
         "SELECT CONCAT('order ', a.order_id) FROM alliance_accruals a LEFT JOIN alliance_voucher_credits v ON v.reason = 'lock_reward' "
         "AND v.order_id = a.order_id WHERE (a.state = 'vested' AND a.lock_fen > 0 AND (COALESCE(v.amount_fen - v.taken_back_fen, 0) <> "
         "a.lock_fen - a.reversed_lock_fen OR (v.id IS NOT NULL AND v.merchant_id <> a.lock_merchant_id))) OR (a.state = 'pending' AND v.id IS NOT NULL)"},
        {"each order settled since net lines began has one net line of what refunds left of its platform part, less its later refunds; each reversal is shared as its settled line",
         "SELECT CONCAT('order ', a.order_id) FROM alliance_accruals a LEFT JOIN (SELECT order_id, SUM(net_fen) AS net, SUM(kind = 'settled') AS settled "
         "FROM platform_net_lines GROUP BY order_id) l ON l.order_id = a.order_id "
         "WHERE (l.order_id IS NOT NULL AND (l.settled <> 1 OR a.state <> 'vested' OR l.net <> a.platform_fen - a.reversed_platform_fen)) "
         "OR (l.order_id IS NULL AND a.state = 'vested' AND a.vested_at >= (SELECT MIN(recorded_at) FROM platform_net_lines)) "
         "UNION ALL SELECT CONCAT('net line ', r.id) FROM platform_net_lines r LEFT JOIN platform_net_lines s ON s.order_id = r.order_id AND s.kind = 'settled' "
         "WHERE r.kind = 'reversal' AND (s.id IS NULL OR r.net_fen >= 0 OR NOT (r.promoter_id <=> s.promoter_id AND r.promoter_bp = s.promoter_bp "
         "AND r.county_centre_id <=> s.county_centre_id AND r.county_bp = s.county_bp AND r.city_centre_id <=> s.city_centre_id AND r.city_bp = s.city_bp "
         "AND r.province_centre_id <=> s.province_centre_id AND r.province_bp = s.province_bp AND r.region_code <=> s.region_code "
         "AND r.merchant_id = s.merchant_id))"},
        {"each promoter's and centre's statement shows its payee's net lines of its month, and carries on what its previous statement carried",
         "SELECT CONCAT('share statement ', s.id) FROM share_statements s LEFT JOIN service_centres c ON s.payee_kind = 'centre' AND c.id = s.payee_id "
         "WHERE s.base_fen <> (SELECT COALESCE(SUM(l.net_fen), 0) FROM platform_net_lines l WHERE l.recorded_at >= s.period_start "
         "AND l.recorded_at < s.period_end AND CASE WHEN s.payee_kind = 'promoter' THEN l.promoter_id = s.payee_id "
         "WHEN c.level = 'county' THEN l.county_centre_id = s.payee_id WHEN c.level = 'city' THEN l.city_centre_id = s.payee_id "
         "ELSE l.province_centre_id = s.payee_id END) "
         "OR s.carried_in_fen <> COALESCE((SELECT p.carried_out_fen FROM share_statements p WHERE p.payee_kind = s.payee_kind "
         "AND p.payee_id = s.payee_id AND p.period < s.period ORDER BY p.period DESC LIMIT 1), 0) "
         "OR (s.state = 'nothing_due') <> (s.payable_fen = 0) OR (s.payable_fen > 0 AND s.carried_out_fen < 0) "
         // The share, per rate: floor(|net| x rate / 10000) with the sign kept, summed.
         "UNION ALL SELECT CONCAT('share statement ', t.id) FROM (SELECT s.id, s.share_fen, CASE WHEN s.payee_kind = 'promoter' THEN l.promoter_bp "
         "WHEN c.level = 'county' THEN l.county_bp WHEN c.level = 'city' THEN l.city_bp ELSE l.province_bp END AS bp, SUM(l.net_fen) AS net "
         "FROM share_statements s LEFT JOIN service_centres c ON s.payee_kind = 'centre' AND c.id = s.payee_id "
         "JOIN platform_net_lines l ON l.recorded_at >= s.period_start AND l.recorded_at < s.period_end AND CASE WHEN s.payee_kind = 'promoter' "
         "THEN l.promoter_id = s.payee_id WHEN c.level = 'county' THEN l.county_centre_id = s.payee_id WHEN c.level = 'city' "
         "THEN l.city_centre_id = s.payee_id ELSE l.province_centre_id = s.payee_id END GROUP BY s.id, s.share_fen, bp) t "
         "GROUP BY t.id, t.share_fen HAVING SUM(SIGN(t.net) * FLOOR(ABS(t.net) * t.bp / 10000)) <> t.share_fen"},
        {"the platform owes promoters and centres the payable of its due statements, and its commission expense is every statement's payable",
         "SELECT 'share_commission_payable' FROM (SELECT COALESCE(SUM(IF(kind = 'share_commission_payable', -balance, 0)), 0) AS payable, "
         "COALESCE(SUM(IF(kind = 'share_commission_expense', balance, 0)), 0) AS expense FROM ledger_accounts) a "
         "WHERE a.payable <> (SELECT COALESCE(SUM(payable_fen), 0) FROM share_statements WHERE state = 'due') "
         "OR a.expense <> (SELECT COALESCE(SUM(payable_fen), 0) FROM share_statements)"},
        {"every fan's lock is the last one its audit records",
         "SELECT CONCAT('fan ', f.user_id) FROM alliance_fans f LEFT JOIN alliance_fan_changes c ON c.id = "
         "(SELECT MAX(id) FROM alliance_fan_changes WHERE user_id = f.user_id) WHERE c.id IS NULL OR c.to_merchant_id <> f.merchant_id"},
    };
    std::vector<ledger_check_result> results;
    for (const auto& [name, query] : checks) results.push_back({name, offending_ids(db, query)});
    return results;
}

}  // namespace sharedstore

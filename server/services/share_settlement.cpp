#include "server/services/share_settlement.hpp"

#include "server/domain/platform_net_shares.hpp"
#include "server/domain/rfc3339.hpp"
#include "server/domain/statement_documents.hpp"
#include "server/services/alliance_settlement.hpp"
#include "server/storage/alliance_repository.hpp"
#include "server/storage/centre_repository.hpp"
#include "server/storage/ledger_repository.hpp"
#include "server/storage/promoter_repository.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <tuple>

namespace sharedstore {

namespace {

// Is the caller the statement's payee: the promoter, or the centre's contact.
bool is_payee(mysql_connection& db, std::uint64_t caller, const share_statement& s) {
    if (s.payee.kind == "promoter") {
        const auto p = find_promoter(db, s.payee.id);
        return p && p->user_id == caller;
    }
    const auto c = find_centre(db, s.payee.id, false);
    return c && c->contact_user_id == caller;
}

std::string beijing(std::chrono::system_clock::time_point t) {
    // The platform's months are Beijing time: shown as such on the document.
    return format_rfc3339_seconds(t + statement_utc_offset()).substr(0, 19).replace(10, 1, " ") + " (UTC+8)";
}

statement_document document_of(const share_statement_detail& d) {
    const auto& s = d.statement;
    const std::string who = s.payee.kind == "promoter" ? "推广人员 Promoter" : "服务中心 Service centre (" + s.payee_level + " " + s.payee_region + ")";
    statement_document doc;
    doc.title = "分润对账单 Share statement " + s.period;
    doc.header = {{"编号 Statement", std::to_string(s.id)},
                  {"收款方 Payee", s.payee_name},
                  {"类别 Kind", who},
                  {"期间 Period", beijing(s.period_start) + " - " + beijing(s.period_end)},
                  {"平台净收入 Platform net (yuan)", yuan_text(s.base_fen)},
                  {"分成 Share (yuan)", yuan_text(s.share_fen)},
                  {"辅助经营费 Assist fees (yuan)", yuan_text(s.assist_fen)},
                  {"上期结转 Carried in (yuan)", yuan_text(s.carried_in_fen)},
                  {"应付 Payable (yuan)", yuan_text(s.payable_fen)},
                  {"结转下期 Carried on (yuan)", yuan_text(s.carried_out_fen)},
                  {"状态 State", s.state},
                  {"付款凭证 Payment reference", s.payment_reference},
                  {"发票号 Invoice", s.invoice_number}};
    document_table merchants{.title = "商户明细 Merchants",
                             .columns = {"商户 Merchant", "编号 ID", "地区 Region", "结算订单 Orders", "结算净额 Settled", "退款笔数 Refunds", "退款净额 Reversed"},
                             .rows = {}};
    for (const auto& m : d.breakdown.merchants)
        merchants.rows.push_back({m.merchant_name, std::to_string(m.merchant_id), m.region_code, std::to_string(m.settled_orders), yuan_text(m.settled_fen),
                                  std::to_string(m.reversals), yuan_text(m.reversed_fen)});
    document_table reversals{.title = "退款冲回 Reversals",
                             .columns = {"订单 Order", "退款 Refund", "商户 Merchant", "净额 Net", "比例 Rate (bp)", "时间 Recorded"},
                             .rows = {}};
    for (const auto& r : d.breakdown.reversals)
        reversals.rows.push_back({std::to_string(r.order_id), std::to_string(r.refund_id), std::to_string(r.merchant_id), yuan_text(r.net_fen),
                                  std::to_string(r.rate_bp), beijing(r.recorded_at)});
    doc.tables = {std::move(merchants), std::move(reversals)};
    return doc;
}

}  // namespace

boost::asio::awaitable<share_statements_issued> issue_share_statements(mysql_pool& database, const statement_period& period,
                                                                       std::chrono::system_clock::time_point now, bool again) {
    share_statements_issued out{.period = period.label};
    if (!again) {
        auto marked = [label = period.label](mysql_connection& db) { return share_period_issued(db, label); };
        if (co_await database.run(std::move(marked))) {
            out.skipped = true;
            co_return out;
        }
    }
    auto read = [start = period.start, end = period.end](mysql_connection& db) {
        const auto config = net_share_config_in_force(db, false).config;
        std::map<std::uint64_t, int> assisted;
        if (config.assist_fee_fen > 0) assisted = assisted_merchants(db, start, end, config.assist_min_orders);
        return std::tuple{month_payees(db, start, end), std::move(assisted), config.assist_fee_fen};
    };
    const auto month = co_await database.run(std::move(read));
    const auto& payees = std::get<0>(month);
    const auto& assisted = std::get<1>(month);
    const auto fee = std::get<2>(month);
    for (const auto& entry : payees) {
        std::int64_t assist = 0;
        if (entry.first.kind == "promoter")
            if (const auto it = assisted.find(entry.first.id); it != assisted.end()) assist = fee * it->second;
        // One transaction a payee: a run cut short issues the rest next time, none twice.
        auto write = [payee = entry.first, m = entry.second, assist, period, now](mysql_connection& db) -> int {
            if (statement_after(db, payee, period.label)) return 2;
            share_statement s;
            s.payee = payee;
            s.period = period.label;
            s.period_start = period.start;
            s.period_end = period.end;
            s.base_fen = m.base_fen;
            s.share_fen = share_of_month(m.groups);
            s.assist_fen = assist;
            s.carried_in_fen = carried_before(db, payee, period.label);
            const auto paid = settle_period(s.carried_in_fen, s.share_fen + s.assist_fen);
            s.payable_fen = paid.payable_fen;
            s.carried_out_fen = paid.carried_fen;
            s.merchants = m.merchants;
            s.state = s.payable_fen > 0 ? "due" : "nothing_due";
            s.created_at = now;
            if (!insert_share_statement(db, s)) return 0;
            if (auto entries = share_statement_issued_entries(s.payable_fen); !entries.empty())
                post_ledger_transaction(db, ledger_posting{.merchant_id = 0,
                                                           .kind = "share_statement",
                                                           .reference = "share_statement:" + std::to_string(s.id),
                                                           .actor_user_id = std::nullopt,
                                                           .entries = std::move(entries),
                                                           .booked_at = format_sql_datetime_utc(now)});
            return 1;
        };
        const int outcome = co_await database.transaction(std::move(write), mysql_pool::conflicts::rerun_on_duplicate_key);
        if (outcome == 1) ++out.issued;
        else if (outcome == 2) ++out.out_of_order;
        else ++out.existing;
    }
    auto mark = [label = period.label, now](mysql_connection& db) { mark_share_period_issued(db, label, now); };
    co_await database.run(std::move(mark));
    co_return out;
}

boost::asio::awaitable<service_result<share_statements_issued>> share_settlement_service::issue(std::uint64_t caller, std::string label) {
    const auto now = clock_.now();
    auto check = [=](mysql_connection& db) { return is_platform_operator(db, caller); };
    if (!co_await database_.run(std::move(check))) co_return failure(service_failure::not_platform_operator);
    const auto period = parse_statement_period(label, statement_utc_offset());
    if (!period) co_return failure(service_failure::statement_period_invalid);
    if (period->end + statement_grace > now) co_return failure(service_failure::statement_period_open);
    // What is carried runs month by month: the months before it that were never issued are issued
    // first (as the job would have), so that no payee's earlier month is left out.
    auto read_first = [](mysql_connection& db) { return first_net_line_at(db); };
    const auto first = co_await database_.run(std::move(read_first));
    share_statements_issued out{.period = period->label};
    if (first)
        for (const auto& earlier : periods_between(*first, *period, statement_utc_offset())) {
            if (earlier.label == period->label) break;
            const auto done = co_await issue_share_statements(database_, earlier, now, false);
            out.out_of_order += done.out_of_order;
        }
    auto done = co_await issue_share_statements(database_, *period, now, true);
    done.out_of_order += out.out_of_order;
    co_return done;
}

boost::asio::awaitable<service_result<std::vector<share_statement>>> share_settlement_service::list(std::uint64_t caller, payee_ref payee, std::string period,
                                                                                                   std::string state, std::uint64_t before, int limit) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<share_statement>> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        return list_share_statements(db, payee, period, state, before, limit);
    };
    co_return co_await database_.run(std::move(read));
}

boost::asio::awaitable<service_result<std::pair<share_statement, bool>>> share_settlement_service::pay(std::uint64_t caller, std::uint64_t id,
                                                                                                      std::string reference, std::string invoice) {
    const auto now = clock_.now();
    auto write = [=](mysql_connection& db) -> service_result<std::pair<share_statement, bool>> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        auto s = find_share_statement(db, id, true);
        if (!s) return failure(service_failure::share_statement_not_found);
        if (s->state == "paid") {
            if (s->payment_reference == reference) return std::pair{std::move(*s), false};
            return failure(service_failure::share_statement_paid);
        }
        if (s->state != "due") return failure(service_failure::share_statement_nothing_due);
        post_ledger_transaction(db, ledger_posting{.merchant_id = 0,
                                                   .kind = "share_payment",
                                                   .reference = "share_statement:" + std::to_string(id),
                                                   .actor_user_id = caller,
                                                   .entries = share_statement_paid_entries(s->payable_fen),
                                                   .booked_at = format_sql_datetime_utc(now)});
        mark_share_statement_paid(db, id, reference, invoice, caller, now);
        auto paid = find_share_statement(db, id, false);
        if (!paid) throw std::logic_error("share statement vanished inside its transaction");
        return std::pair{std::move(*paid), true};
    };
    co_return co_await database_.transaction(std::move(write));
}

boost::asio::awaitable<service_result<share_statement_detail>> share_settlement_service::detail(std::uint64_t caller, std::uint64_t id, reader as) {
    auto read = [=](mysql_connection& db) -> service_result<share_statement_detail> {
        if (as == reader::platform && !is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        auto s = find_share_statement(db, id, false);
        // Someone else's statement is "not found" to a payee: ids are not an oracle.
        if (!s || (as == reader::payee && !is_payee(db, caller, *s))) return failure(service_failure::share_statement_not_found);
        auto breakdown = share_statement_breakdown(db, *s);
        return share_statement_detail{std::move(*s), std::move(breakdown)};
    };
    co_return co_await database_.run(std::move(read));
}

boost::asio::awaitable<service_result<statement_file>> share_settlement_service::export_statement(std::uint64_t caller, std::uint64_t id,
                                                                                                 std::string format, reader as) {
    auto got = co_await detail(caller, id, as);
    if (!got) co_return got.error();
    const auto doc = document_of(got.value());
    const auto name = "share-statement-" + std::to_string(id) + "-" + got.value().statement.period;
    if (format == "pdf") co_return statement_file{"application/pdf", name + ".pdf", statement_pdf(doc)};
    co_return statement_file{"text/csv; charset=utf-8", name + ".csv", statement_csv(doc)};
}

boost::asio::awaitable<service_result<std::vector<share_statement>>> share_settlement_service::mine(std::uint64_t caller, std::uint64_t before, int limit) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<share_statement>> {
        const auto promoter = find_promoter_by_user(db, caller);
        const auto centres = centres_of_contact(db, caller);
        if (!promoter && centres.empty()) return failure(service_failure::not_promoter);
        std::vector<share_statement> out;
        if (promoter) out = list_share_statements(db, payee_ref{"promoter", promoter->id}, "", "", before, limit);
        for (const auto& c : centres)
            for (auto& s : list_share_statements(db, payee_ref{"centre", c.id}, "", "", before, limit)) out.push_back(std::move(s));
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id > b.id; });
        if (out.size() > static_cast<std::size_t>(limit)) out.resize(static_cast<std::size_t>(limit));
        return out;
    };
    co_return co_await database_.run(std::move(read));
}

}  // namespace sharedstore

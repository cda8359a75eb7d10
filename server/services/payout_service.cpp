#include "server/services/payout_service.hpp"

#include "common/utf8.hpp"
#include "push/outbox_events.hpp"
#include "server/domain/calendar.hpp"
#include "server/services/merchant_service.hpp"
#include "server/storage/ledger_repository.hpp"
#include "server/storage/order_repository.hpp"
#include "server/storage/partner_repository.hpp"
#include "server/storage/secret_box.hpp"
#include "server/storage/user_repository.hpp"

#include <algorithm>

namespace sharedstore {

namespace asio = boost::asio;

namespace {

// Ledger transaction kinds; each reference is the row it explains.
constexpr const char* settlement_kind = "dividend_settlement";
constexpr const char* request_kind = "payout_request";
constexpr const char* success_kind = "payout_success";
constexpr const char* return_kind = "payout_return";

// The associated data that binds a sealed real name to its user.
std::string real_name_binding(std::uint64_t user_id) { return "real_name:" + std::to_string(user_id); }

std::int64_t locked_balance(mysql_connection& db, std::uint64_t merchant_id, account_kind kind, std::uint64_t user_id) {
    return account_balance(db, merchant_id, account_ref{kind, user_id}, true);
}

void announce_end(mysql_connection& db, const payout_record& p, payout_state state, const std::string& reason, wall_time at) {
    const payout_event event{.payout_id = p.id,
                             .merchant_id = p.merchant_id,
                             .merchant_name = p.merchant_name,
                             .amount_fen = p.amount_fen,
                             .state = std::string(to_string(state)),
                             .reason = reason,
                             .at = format_rfc3339_utc(at)};
    insert_outbox_event(db, p.partner_user_id, std::string(event.kind()), to_payload(event));
}

// The ledger side of a payout's end: out to the partner, or back to them (paying a debt first).
void post_end(mysql_connection& db, const payout_record& p, payout_state state, wall_time at) {
    switch (settlement_of(state)) {
    case payout_settlement::paid_out: {
        const ledger_posting posting{p.merchant_id, success_kind, std::to_string(p.id), std::nullopt,
                                     payout_success_entries(p.partner_user_id, p.amount_fen), format_sql_datetime_utc(at)};
        post_ledger_transaction(db, posting);
        return;
    }
    case payout_settlement::returned: {
        const auto debt = locked_balance(db, p.merchant_id, account_kind::clawback_receivable, p.partner_user_id);
        const auto split = net_against_debt(p.amount_fen, debt);
        const ledger_posting posting{p.merchant_id, return_kind, std::to_string(p.id), std::nullopt,
                                     payout_return_entries(p.partner_user_id, split.to_withdrawable_fen, split.to_debt_fen),
                                     format_sql_datetime_utc(at)};
        post_ledger_transaction(db, posting);
        return;
    }
    case payout_settlement::none: return;
    }
}

// Moves the locked payout to `change.state` if the state machine allows it; its money and its
// reminder in the same transaction. false: not a move (a repeat, or a late word) - nothing written.
bool move_payout(mysql_connection& db, const payout_record& p, payout_change change, wall_time now) {
    if (!payout_may_move(p.state, change.state)) return false;
    if (is_final(change.state)) change.next_check_at.reset();
    update_payout(db, p.id, change, now);
    if (is_final(change.state)) {
        post_end(db, p, change.state, now);
        announce_end(db, p, change.state, change.fail_reason.value_or(change.decision_reason.value_or("")), now);
    }
    return true;
}

// When check-payouts should next ask about a payout in `state`.
std::optional<wall_time> next_check(payout_state state, const payout_options& o, wall_time now, std::optional<wall_time> bill_created_at) {
    switch (state) {
    case payout_state::creating:
    case payout_state::transferring:
    case payout_state::cancelling: return now + o.recheck_after;
    case payout_state::wait_user_confirm: {
        auto at = now + o.confirm_check_every;
        if (bill_created_at) at = std::min(at, *bill_created_at + o.unconfirmed_lifetime);
        return std::max(at, now + o.recheck_after);
    }
    default: return std::nullopt;
    }
}

payout_change change_from_bill(const transfer_bill& bill, payout_state state) {
    payout_change c;
    c.state = state;
    if (!bill.transfer_bill_no.empty()) c.transfer_bill_no = bill.transfer_bill_no;
    if (!bill.package_info.empty()) c.package_info = bill.package_info;
    c.wechat_state = bill.state;
    if (!bill.fail_reason.empty()) c.fail_reason = bill.fail_reason;
    c.bill_created = true;
    return c;
}

}  // namespace

std::vector<validation_problem> payout_limit_problems(const payout_limits& l) {
    std::vector<validation_problem> problems;
    if (l.min_fen < wechat_transfer_min_fen)
        problems.push_back({"payout_min_fen", "below_wechat_minimum", "WeChat Pay transfers at least 10 fen (0.1 yuan)"});
    if (l.max_fen < l.min_fen) problems.push_back({"payout_max_fen", "below_minimum", "the maximum per withdrawal is below the minimum"});
    if (l.daily_max_fen < l.max_fen)
        problems.push_back({"payout_daily_max_fen", "below_single_maximum", "the daily maximum is below the maximum per withdrawal"});
    if (l.max_pending < 1 || l.max_pending > 20)
        problems.push_back({"payout_max_pending", "out_of_range", "unfinished withdrawals at once: from 1 to 20"});
    if (l.approval_above_fen && *l.approval_above_fen < 0)
        problems.push_back({"payout_approval_above_fen", "negative", "the approval amount is 0 or more (null: no approval)"});
    constexpr std::int64_t ceiling = 100'000'000'00LL;  // 100 million yuan: beyond any transfer scene's range
    for (const auto& [field, value] : {std::pair{"payout_max_fen", l.max_fen}, std::pair{"payout_daily_max_fen", l.daily_max_fen}})
        if (value > ceiling) problems.push_back({field, "too_large", "at most 10,000,000,000 fen"});
    return problems;
}

payout_service::payout_service(mysql_pool& database, transfer_gateway* gateway, const wall_clock& clock, logger& log, payout_options options)
    : database_(database), gateway_(gateway), clock_(clock), log_(log), options_(std::move(options)) {}

asio::awaitable<service_result<payout_outcome>> payout_service::withdraw(withdrawal_request in) {
    if (!gateway_) co_return failure(service_failure::payouts_unavailable);
    const auto now = clock_.now();
    auto record = [in, now, this](mysql_connection& db) -> service_result<payout_outcome> {
        // The withdrawable account's lock comes first: concurrent withdrawals queue here, and what
        // each reads after it (pending count, today's total) includes what the others committed.
        const auto withdrawable = locked_balance(db, in.merchant_id, account_kind::dividend_withdrawable, in.user_id);
        if (auto earlier = find_payout_by_request(db, in.user_id, in.request_id, true)) {
            if (earlier->merchant_id != in.merchant_id || earlier->amount_fen != in.amount_fen) return failure(service_failure::request_id_reused);
            return payout_outcome{std::move(*earlier), true};
        }
        auto partner = find_partner_by_user(db, in.merchant_id, in.user_id);
        if (!partner) return failure(service_failure::partner_not_found);
        auto settings = find_payout_settings(db, in.merchant_id);
        if (!settings) return failure(service_failure::merchant_not_found);
        auto user = find_user(db, in.user_id);
        if (!user) return failure(service_failure::user_not_found);
        const auto offset = utc_offset_of(settings->time_zone).value_or(std::chrono::minutes(8 * 60));
        withdrawal_context context{.withdrawable_fen = withdrawable,
                                   .withdrawn_today_fen = payouts_since(db, in.merchant_id, partner->id, day_and_month_start(now, offset).day),
                                   .pending = count_unfinished_payouts(db, in.merchant_id, partner->id),
                                   .has_real_name = find_user_real_name(db, in.user_id).has_value()};
        auto refusals = withdrawal_refusals(in.amount_fen, settings->limits, context);
        if (!refusals.empty()) {
            std::vector<validation_problem> problems;
            for (auto r : refusals) {
                std::string message;
                switch (r) {
                case withdrawal_refusal::below_minimum: message = "at least " + std::to_string(settings->limits.min_fen) + " fen"; break;
                case withdrawal_refusal::above_maximum: message = "at most " + std::to_string(settings->limits.max_fen) + " fen per withdrawal"; break;
                case withdrawal_refusal::daily_maximum:
                    message = "today's withdrawals at this store would pass " + std::to_string(settings->limits.daily_max_fen) + " fen";
                    break;
                case withdrawal_refusal::too_many_pending:
                    message = "at most " + std::to_string(settings->limits.max_pending) + " withdrawals unfinished at once";
                    break;
                case withdrawal_refusal::insufficient_balance: message = "withdrawable: " + std::to_string(withdrawable) + " fen"; break;
                case withdrawal_refusal::real_name_required: message = "from 2,000 yuan WeChat Pay needs your real name (PUT /api/v1/me/real-name)"; break;
                }
                problems.push_back({"amount_fen", std::string(to_string(r)), std::move(message)});
            }
            return failure(service_failure::withdrawal_refused, std::move(problems));
        }
        const bool approval = needs_approval(in.amount_fen, settings->limits);
        const new_payout row{.merchant_id = in.merchant_id,
                             .partner_id = partner->id,
                             .partner_user_id = in.user_id,
                             .request_id = in.request_id,
                             .amount_fen = in.amount_fen,
                             .state = approval ? payout_state::awaiting_approval : payout_state::creating,
                             .openid = user->openid,
                             .transfer_remark = options_.transfer_remark,
                             .needs_real_name = in.amount_fen >= wechat_transfer_real_name_from_fen,
                             // If our own call below never returns, the job takes it from here.
                             .next_check_at = approval ? std::nullopt : std::optional(now + options_.recheck_after)};
        // A concurrent copy of this request that won the key makes this throw: the pool runs the
        // transaction again (rerun_on_duplicate_key), and the rerun replays the winner.
        const auto id = insert_payout(db, row);
        const ledger_posting posting{in.merchant_id, request_kind, std::to_string(id), in.user_id,
                                     withdrawal_entries(in.user_id, in.amount_fen), format_sql_datetime_utc(now)};
        post_ledger_transaction(db, posting);
        return payout_outcome{*find_payout(db, id), false};
    };
    auto outcome = co_await database_.transaction(std::move(record), mysql_pool::conflicts::rerun_on_duplicate_key);
    if (!outcome) co_return outcome.error();
    auto done = std::move(outcome.value());
    if (!done.replayed && done.payout.state == payout_state::creating) {
        co_await submit(done.payout);
        done.payout = co_await reload(done.payout.id);
    }
    co_return done;
}

asio::awaitable<void> payout_service::submit(const payout_record& p) {
    transfer_bill_request request{.out_bill_no = p.out_bill_no, .openid = p.openid, .remark = p.transfer_remark, .amount_fen = p.amount_fen};
    if (p.needs_real_name) {
        auto read = [id = p.partner_user_id](mysql_connection& db) { return find_user_real_name(db, id); };
        auto sealed = co_await database_.run(std::move(read));
        auto name = sealed ? open_secret(options_.data_key, real_name_binding(p.partner_user_id), *sealed) : std::nullopt;
        if (!name) {
            // Withdrawals from 2,000 yuan are only recorded with a name on file: a name that no
            // longer opens (a changed data key) cannot be sent, and WeChat Pay would refuse without it.
            log_.error("payout_real_name_unreadable", {{"payout_id", p.id}});
            transfer_bill failed{.out_bill_no = p.out_bill_no, .state = "FAIL", .fail_reason = "REAL_NAME_UNAVAILABLE"};
            auto fail = [this, p, failed](mysql_connection& db) {
                auto locked = find_payout(db, p.id, true);
                if (locked) move_payout(db, *locked, change_from_bill(failed, payout_state::failed), clock_.now());
            };
            co_await database_.transaction(std::move(fail));
            co_return;
        }
        request.user_name = std::move(*name);
    }
    auto answer = co_await gateway_->create(std::move(request));
    switch (answer.outcome) {
    case transfer_outcome::answered: {
        auto applied = co_await apply_bill(p.out_bill_no, answer.bill);
        (void)applied;
        co_return;
    }
    case transfer_outcome::refused: {
        log_.warn("payout_transfer_refused", {{"payout_id", p.id}, {"code", answer.code}, {"status", answer.http_status}});
        if (answer.retry_same_bill) {
            const std::optional<wall_time> at = clock_.now() + options_.recheck_after;
            co_await schedule_check(p.id, at);
            co_return;
        }
        // The number may already hold a bill (a lost answer to an earlier try): ask before failing.
        auto no = p.out_bill_no;
        auto known = co_await gateway_->query(std::move(no));
        if (known.outcome == transfer_outcome::answered) {
            auto applied = co_await apply_bill(p.out_bill_no, known.bill);
            (void)applied;
            co_return;
        }
        if (known.outcome != transfer_outcome::not_found) {
            const std::optional<wall_time> at = clock_.now() + options_.recheck_after;
            co_await schedule_check(p.id, at);
            co_return;
        }
        // A definite no, and no bill: the money goes back.
        transfer_bill refused{.out_bill_no = p.out_bill_no, .state = "", .fail_reason = answer.code};
        auto fail = [this, id = p.id, refused](mysql_connection& db) {
            auto locked = find_payout(db, id, true);
            if (!locked) return;
            auto change = change_from_bill(refused, payout_state::failed);
            change.wechat_state.reset();
            change.bill_created = false;
            move_payout(db, *locked, change, clock_.now());
        };
        co_await database_.transaction(std::move(fail));
        co_return;
    }
    case transfer_outcome::not_found:
    case transfer_outcome::unclear: {
        // The bill may exist: check-payouts asks before anything else (same out_bill_no).
        log_.warn("payout_transfer_unclear", {{"payout_id", p.id}, {"code", answer.code}, {"status", answer.http_status}});
        const std::optional<wall_time> at = clock_.now() + options_.recheck_after;
        co_await schedule_check(p.id, at);
        co_return;
    }
    }
}

asio::awaitable<bill_applied> payout_service::apply_bill(std::string out_bill_no, transfer_bill bill) {
    auto apply = [this, out_bill_no, bill](mysql_connection& db) -> bill_applied {
        auto p = find_payout_by_out_bill_no(db, out_bill_no, true);
        if (!p) return bill_applied::unknown_bill;
        const auto now = clock_.now();
        auto state = payout_state_of_wechat(bill.state);
        if (!state) {
            log_.warn("payout_unknown_wechat_state", {{"payout_id", p->id}, {"state", bill.state}});
            return bill_applied::unchanged;
        }
        auto change = change_from_bill(bill, *state);
        change.next_check_at = next_check(*state, options_, now, p->bill_created_at.value_or(now));
        if (move_payout(db, *p, change, now)) return bill_applied::moved;
        // Not a move (the same state again, or a late word after the end): remember what WeChat
        // Pay said for the reconciliation, nothing else.
        if (!is_final(p->state)) set_payout_next_check(db, p->id, next_check(p->state, options_, now, p->bill_created_at.value_or(now)));
        return bill_applied::unchanged;
    };
    co_return co_await database_.transaction(std::move(apply));
}

asio::awaitable<bill_applied> payout_service::apply_notification(transfer_bill bill) {
    auto no = bill.out_bill_no;
    auto applied = co_await apply_bill(std::move(no), std::move(bill));
    co_return applied;
}

asio::awaitable<bool> payout_service::follow_up(const payout_record& p, wall_time now) {
    if (p.state == payout_state::wait_user_confirm && p.bill_created_at && *p.bill_created_at + options_.unconfirmed_lifetime <= now) {
        // Left unconfirmed for its lifetime: we cancel it, so that its end is certain.
        auto no = p.out_bill_no;
        auto cancelled = co_await gateway_->cancel(std::move(no));
        if (cancelled.outcome == transfer_outcome::answered) {
            auto applied = co_await apply_bill(p.out_bill_no, cancelled.bill);
            co_return applied == bill_applied::moved;
        }
        // Refused (it already ended, or was confirmed): the query below tells how.
    }
    auto no = p.out_bill_no;
    auto answer = co_await gateway_->query(std::move(no));
    switch (answer.outcome) {
    case transfer_outcome::answered: {
        auto applied = co_await apply_bill(p.out_bill_no, answer.bill);
        co_return applied == bill_applied::moved;
    }
    case transfer_outcome::not_found:
        if (p.state == payout_state::creating) {
            // WeChat Pay never got it (our call was lost on the way): the same bill, again.
            co_await submit(p);
            co_return true;
        }
        log_.error("payout_bill_missing", {{"payout_id", p.id}, {"state", std::string(to_string(p.state))}});
        break;
    case transfer_outcome::refused:
    case transfer_outcome::unclear: break;
    }
    const auto at = next_check(p.state, options_, now, p.bill_created_at);
    co_await schedule_check(p.id, at);
    co_return false;
}

asio::awaitable<check_report> payout_service::check(wall_time now, int max_payouts) {
    check_report report;
    if (!gateway_) co_return report;
    auto list = [now, max_payouts](mysql_connection& db) { return list_payouts_to_check(db, now, max_payouts); };
    auto due = co_await database_.run(std::move(list));
    for (const auto& p : due) {
        ++report.checked;
        const bool moved = co_await follow_up(p, now);
        auto after = co_await reload(p.id);
        if (is_final(after.state)) ++report.finished;
        else if (moved) ++report.still_open;
        else ++report.unclear;
    }
    co_return report;
}

asio::awaitable<settle_report> payout_service::settle(wall_time now, int max_partners) {
    settle_report report;
    auto list = [now, max_partners](mysql_connection& db) { return list_settle_candidates(db, now, max_partners); };
    auto candidates = co_await database_.run(std::move(list));
    for (const auto& who : candidates) {
        struct settled {
            int dividends = 0;
            std::int64_t amount = 0, to_debt = 0;
        };
        auto work = [who, now](mysql_connection& db) -> settled {
            // Dividends first, then the accounts: the order a refund's reversal also takes them in.
            auto due = lock_due_dividends(db, who, now, 1000);
            if (due.empty()) return {};  // another run settled them while we waited
            std::int64_t amount = 0;
            for (const auto& d : due) amount += d.left_fen;
            const auto debt = locked_balance(db, who.merchant_id, account_kind::clawback_receivable, who.partner_user_id);
            const auto split = net_against_debt(amount, debt);
            const auto id = insert_settlement(db, who, static_cast<int>(due.size()), amount, split.to_debt_fen);
            mark_dividends_settled(db, due, id, now);
            const ledger_posting posting{who.merchant_id, settlement_kind, std::to_string(id), std::nullopt,
                                         settlement_entries(who.partner_user_id, split.to_withdrawable_fen, split.to_debt_fen),
                                         format_sql_datetime_utc(now)};
            post_ledger_transaction(db, posting);
            return {static_cast<int>(due.size()), amount, split.to_debt_fen};
        };
        auto done = co_await database_.transaction(std::move(work));
        if (done.dividends == 0) continue;
        ++report.settlements;
        report.dividends += done.dividends;
        report.settled_fen += done.amount;
        report.to_debt_fen += done.to_debt;
    }
    auto close = [now](mysql_connection& db) { return close_reversed_dividends(db, now, 1000); };
    report.closed_reversed = co_await database_.transaction(std::move(close));
    co_return report;
}

asio::awaitable<service_result<payout_record>> payout_service::cancel(std::uint64_t user_id, std::uint64_t payout_id) {
    if (!gateway_) co_return failure(service_failure::payouts_unavailable);
    auto read = [user_id, payout_id](mysql_connection& db) -> service_result<payout_record> {
        auto p = find_payout(db, payout_id);
        if (!p || p->partner_user_id != user_id) return failure(service_failure::payout_not_found);
        return std::move(*p);
    };
    auto found = co_await database_.run(std::move(read));
    if (!found) co_return found.error();
    const auto& p = found.value();
    if (p.state == payout_state::awaiting_approval) {
        // Never sent to WeChat Pay: cancelled here, the money back at once.
        auto work = [this, payout_id](mysql_connection& db) -> bool {
            auto locked = find_payout(db, payout_id, true);
            if (!locked) return false;
            payout_change change;
            change.state = payout_state::cancelled;
            return move_payout(db, *locked, change, clock_.now());
        };
        const bool moved = co_await database_.transaction(std::move(work));
        if (!moved) co_return failure(service_failure::payout_not_cancellable);
        co_return co_await reload(payout_id);
    }
    if (p.state != payout_state::wait_user_confirm && p.state != payout_state::creating) co_return failure(service_failure::payout_not_cancellable);
    auto no = p.out_bill_no;
    auto answer = co_await gateway_->cancel(std::move(no));
    if (answer.outcome == transfer_outcome::answered) {
        auto applied = co_await apply_bill(p.out_bill_no, answer.bill);
        (void)applied;
    } else {
        // WeChat Pay would not cancel (already confirmed, already ended) or we cannot tell: ask.
        log_.info("payout_cancel_not_answered", {{"payout_id", p.id}, {"code", answer.code}});
        auto q = p.out_bill_no;
        auto state = co_await gateway_->query(std::move(q));
        if (state.outcome == transfer_outcome::answered) {
            auto applied = co_await apply_bill(p.out_bill_no, state.bill);
            (void)applied;
        }
        auto now_state = co_await reload(payout_id);
        if (now_state.state != payout_state::cancelled && now_state.state != payout_state::cancelling) {
            if (answer.outcome == transfer_outcome::refused) co_return failure(service_failure::payout_not_cancellable);
            co_return failure(service_failure::payouts_unavailable);
        }
    }
    co_return co_await reload(payout_id);
}

asio::awaitable<service_result<payout_record>> payout_service::my_payout(std::uint64_t user_id, std::uint64_t payout_id) {
    auto read = [user_id, payout_id](mysql_connection& db) -> service_result<payout_record> {
        auto p = find_payout(db, payout_id);
        if (!p || p->partner_user_id != user_id) return failure(service_failure::payout_not_found);
        return std::move(*p);
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<std::vector<payout_record>>> payout_service::my_payouts(std::uint64_t user_id, std::uint64_t merchant_id,
                                                                                       std::uint64_t before_id, int limit) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<payout_record>> {
        return list_user_payouts(db, user_id, merchant_id, before_id, limit);
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<std::vector<partner_payout_balance>>> payout_service::my_balances(std::uint64_t user_id, std::uint64_t merchant_id) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<partner_payout_balance>> {
        return user_payout_balances(db, user_id, merchant_id);
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<bool>> payout_service::set_real_name(std::uint64_t user_id, std::string real_name) {
    // A person's name as WeChat Pay checks it against their real-name account: 2 to 40 characters,
    // letters of any script, with the middle dot of transliterated names; no digits or controls.
    const auto characters = utf8_length(real_name);
    const bool plausible = characters >= 2 && characters <= 40 && !first_control_character(real_name) &&
                           std::none_of(real_name.begin(), real_name.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!plausible) co_return failure(service_failure::invalid_real_name);
    const auto sealed = seal_secret(options_.data_key, real_name_binding(user_id), real_name);
    auto write = [user_id, sealed](mysql_connection& db) -> service_result<bool> {
        set_user_real_name(db, user_id, sealed);
        return true;
    };
    co_return co_await database_.transaction(std::move(write));
}

asio::awaitable<service_result<payout_record>> payout_service::approve(std::uint64_t caller, std::uint64_t merchant_id, std::uint64_t payout_id) {
    auto work = [this, caller, merchant_id, payout_id](mysql_connection& db) -> service_result<payout_record> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        auto p = find_payout(db, payout_id, true);
        if (!p || p->merchant_id != merchant_id) return failure(service_failure::payout_not_found);
        if (p->state != payout_state::awaiting_approval) return failure(service_failure::payout_not_awaiting_approval);
        const auto now = clock_.now();
        payout_change change;
        change.state = payout_state::creating;
        change.decided_by_user_id = caller;
        change.next_check_at = now + options_.recheck_after;
        move_payout(db, *p, change, now);
        return *find_payout(db, payout_id);
    };
    auto approved = co_await database_.transaction(std::move(work));
    if (!approved) co_return approved.error();
    if (gateway_) co_await submit(approved.value());
    co_return co_await reload(payout_id);
}

asio::awaitable<service_result<payout_record>> payout_service::reject(std::uint64_t caller, std::uint64_t merchant_id, std::uint64_t payout_id,
                                                                      std::string reason) {
    auto work = [this, caller, merchant_id, payout_id, reason](mysql_connection& db) -> service_result<payout_record> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        auto p = find_payout(db, payout_id, true);
        if (!p || p->merchant_id != merchant_id) return failure(service_failure::payout_not_found);
        if (p->state != payout_state::awaiting_approval) return failure(service_failure::payout_not_awaiting_approval);
        payout_change change;
        change.state = payout_state::rejected;
        change.decided_by_user_id = caller;
        change.decision_reason = reason;
        move_payout(db, *p, change, clock_.now());
        return *find_payout(db, payout_id);
    };
    co_return co_await database_.transaction(std::move(work));
}

asio::awaitable<service_result<std::vector<payout_record>>> payout_service::store_payouts(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                          std::optional<payout_state> state,
                                                                                          std::uint64_t before_id, int limit) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<payout_record>> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        return list_store_payouts(db, merchant_id, state, before_id, limit);
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<std::vector<partner_payout_balance>>> payout_service::store_balances(std::uint64_t caller, std::uint64_t merchant_id) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<partner_payout_balance>> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        return store_payout_balances(db, merchant_id);
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<payout_reconciliation>> payout_service::reconciliation(std::uint64_t caller, std::uint64_t merchant_id) {
    auto read = [=](mysql_connection& db) -> service_result<payout_reconciliation> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        return reconcile_store_payouts(db, merchant_id);
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<payout_limits>> payout_service::limits(std::uint64_t caller, std::uint64_t merchant_id) {
    auto read = [=](mysql_connection& db) -> service_result<payout_limits> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        auto s = find_payout_settings(db, merchant_id);
        if (!s) return failure(service_failure::merchant_not_found);
        return s->limits;
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<payout_limits>> payout_service::change_limits(std::uint64_t caller, std::uint64_t merchant_id, payout_limits l) {
    auto write = [=](mysql_connection& db) -> service_result<payout_limits> {
        // Who asks comes first: someone who may not set limits learns nothing about them.
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner})) return *denied;
        auto problems = payout_limit_problems(l);
        if (!problems.empty()) return failure(service_failure::invalid_payout_limits, std::move(problems));
        set_payout_limits(db, merchant_id, l);
        return l;
    };
    co_return co_await database_.transaction(std::move(write));
}

asio::awaitable<void> payout_service::schedule_check(std::uint64_t payout_id, std::optional<wall_time> at) {
    auto write = [payout_id, at](mysql_connection& db) {
        auto p = find_payout(db, payout_id, true);
        if (p && !is_final(p->state)) set_payout_next_check(db, payout_id, at);
    };
    co_await database_.transaction(std::move(write));
}

asio::awaitable<payout_record> payout_service::reload(std::uint64_t payout_id) {
    auto read = [payout_id](mysql_connection& db) { return *find_payout(db, payout_id); };
    co_return co_await database_.run(std::move(read));
}

}  // namespace sharedstore

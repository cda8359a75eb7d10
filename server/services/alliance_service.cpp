#include "server/services/alliance_service.hpp"

#include "common/random_token.hpp"
#include "server/domain/alliance_vouchers.hpp"
#include "server/domain/redemption_codes.hpp"
#include "server/storage/alliance_voucher_repository.hpp"

#include <charconv>

#include "server/domain/alliance_dividends.hpp"
#include "server/domain/ledger.hpp"
#include "server/services/merchant_service.hpp"
#include "server/storage/ledger_repository.hpp"
#include "server/storage/merchant_repository.hpp"
#include "server/storage/user_repository.hpp"

namespace sharedstore {

namespace {

constexpr int history_limit = 20;
// A consumer's voucher credits shown at once (the soonest to expire first).
constexpr int consumer_credits_shown = 20;

pool_config_view make_view(mysql_connection& db) {
    pool_config_view view;
    view.history = list_pool_config_versions(db, history_limit);
    view.current = view.history.empty() ? pool_config_version{} : view.history.front();
    view.lowest_concession_bp = lowest_concession_bp(db);
    const auto& c = view.current.config;
    view.max_rate_cap_bp = sustainable_rate_cap_bp(c.fund_share_bp, c.growth_bp);
    view.max_quota_bp = sustainable_quota_bp(c.fund_share_bp);
    view.max_lock_bp = sustainable_lock_bp(c.fund_share_bp, view.lowest_concession_bp.value_or(min_concession_bp));
    return view;
}

store_alliance_view make_store_view(mysql_connection& db, std::uint64_t merchant_id) {
    const auto pool = pool_config_in_force(db).config;
    store_alliance_view view{find_alliance_member(db, merchant_id), list_concession_versions(db, merchant_id, history_limit), pool.lock_bp,
                             pool.fund_share_bp, {}};
    if (view.member) {
        auto balance = [&](account_kind kind) { return account_balance(db, merchant_id, {kind, 0}); };
        view.books = store_alliance_books{.points_pending_cp = balance(account_kind::merchant_alliance_points_pending),
                                          .points_cp = balance(account_kind::merchant_alliance_points),
                                          .vouchers_fen = balance(account_kind::merchant_vouchers),
                                          .concession_owed_fen = balance(account_kind::concession_payable),
                                          .reimbursement_due_fen = balance(account_kind::voucher_reimbursement_receivable),
                                          .fans = count_fans(db, merchant_id)};
        const auto totals = store_voucher_totals_of(db, merchant_id);
        view.books.vouchers_earned_fen = totals.earned_fen;
        view.books.vouchers_accepted_fen = totals.accepted_fen;
    }
    return view;
}

fan_view make_fan_view(mysql_connection& db, std::uint64_t user_id) {
    fan_view view;
    view.user_id = user_id;
    view.lock = find_fan_lock(db, user_id);
    if (view.lock)
        if (auto m = find_merchant(db, view.lock->merchant_id)) view.merchant_name = m->name;
    view.changes = list_fan_changes(db, user_id, history_limit);
    return view;
}

// Why a concession cannot be set, every reason at once.
std::vector<validation_problem> concession_problems(int concession_bp, int voucher_max_bp, const alliance_pool_config& pool) {
    std::vector<validation_problem> problems;
    if (concession_bp < min_concession_bp || concession_bp > max_concession_bp)
        problems.push_back({"concession_bp", "out_of_range",
                            "the concession must be " + std::to_string(min_concession_bp) + "-" + std::to_string(max_concession_bp) + " bp"});
    else if (pool.lock_bp > sustainable_lock_bp(pool.fund_share_bp, concession_bp))
        // The fan-lock reward is paid from the platform's part of the concession: a lower one leaves it unfunded.
        problems.push_back({"concession_bp", "lock_unfunded",
                            "at this concession the platform's part (" + std::to_string(sustainable_lock_bp(pool.fund_share_bp, concession_bp)) +
                                " bp of the order) cannot pay the pool's fan-lock reward of " + std::to_string(pool.lock_bp) + " bp"});
    if (voucher_max_bp < 0 || voucher_max_bp > 10'000)
        problems.push_back({"voucher_max_bp", "out_of_range", "the share vouchers may pay must be 0-10000 bp"});
    return problems;
}

}  // namespace

boost::asio::awaitable<bool> alliance_service::is_operator(std::uint64_t user_id) {
    auto read = [=](mysql_connection& db) { return is_platform_operator(db, user_id); };
    co_return co_await database_.run(std::move(read));
}

boost::asio::awaitable<service_result<pool_config_view>> alliance_service::pool_config(std::uint64_t caller) {
    auto read = [=](mysql_connection& db) -> service_result<pool_config_view> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        return make_view(db);
    };
    co_return co_await database_.run(std::move(read));
}

boost::asio::awaitable<service_result<pool_config_view>> alliance_service::set_pool_config(std::uint64_t caller, alliance_pool_config config) {
    const auto now = clock_.now();
    auto write = [=](mysql_connection& db) -> service_result<pool_config_view> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        lock_alliance(db);
        auto problems = validate_pool_config(config, lowest_concession_bp(db).value_or(min_concession_bp));
        if (!problems.empty()) return failure(service_failure::alliance_config_refused, std::move(problems));
        insert_pool_config_version(db, config, caller, now);
        return make_view(db);
    };
    co_return co_await database_.transaction(std::move(write));
}

boost::asio::awaitable<service_result<std::vector<member_with_books>>> alliance_service::members(std::uint64_t caller, std::uint64_t before,
                                                                                                 int limit) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<member_with_books>> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        const auto members = list_alliance_members(db, before, limit);
        std::vector<std::uint64_t> ids;
        for (const auto& m : members) ids.push_back(m.merchant_id);
        // One read for the page's books.
        using k = account_kind;
        const auto books = store_balances(db, ids, {k::concession_payable, k::supply_payable, k::voucher_reimbursement_receivable, k::merchant_vouchers});
        auto at = [&](std::uint64_t id, account_kind kind) {
            const auto it = books.find({id, kind});
            return it == books.end() ? std::int64_t{0} : it->second;
        };
        std::vector<member_with_books> out;
        for (const auto& m : members)
            out.push_back({m, at(m.merchant_id, k::concession_payable), at(m.merchant_id, k::supply_payable),
                           at(m.merchant_id, k::voucher_reimbursement_receivable), at(m.merchant_id, k::merchant_vouchers)});
        return out;
    };
    co_return co_await database_.run(std::move(read));
}

boost::asio::awaitable<service_result<std::pair<alliance_member, bool>>> alliance_service::admit(std::uint64_t caller, std::uint64_t merchant_id) {
    const auto now = clock_.now();
    auto write = [=](mysql_connection& db) -> service_result<std::pair<alliance_member, bool>> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        if (!find_merchant(db, merchant_id)) return failure(service_failure::merchant_not_found);
        const bool admitted = insert_alliance_member(db, merchant_id, caller, now);
        auto member = find_alliance_member(db, merchant_id);
        if (!member) throw std::logic_error("alliance member vanished inside its transaction");
        return std::pair{std::move(*member), admitted};
    };
    co_return co_await database_.transaction(std::move(write));
}

boost::asio::awaitable<service_result<store_alliance_view>> alliance_service::store_alliance(std::uint64_t caller, std::uint64_t merchant_id) {
    auto read = [=](mysql_connection& db) -> service_result<store_alliance_view> {
        if (auto denied = check_store_access(db, merchant_id, caller, {})) return *denied;
        return make_store_view(db, merchant_id);
    };
    co_return co_await database_.run(std::move(read));
}

boost::asio::awaitable<service_result<store_alliance_view>> alliance_service::set_concession(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                             int concession_bp, int voucher_max_bp) {
    const auto now = clock_.now();
    auto write = [=](mysql_connection& db) -> service_result<store_alliance_view> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner})) return *denied;
        lock_alliance(db);
        if (!find_alliance_member(db, merchant_id)) return failure(service_failure::not_in_alliance);
        auto problems = concession_problems(concession_bp, voucher_max_bp, pool_config_in_force(db).config);
        if (!problems.empty()) return failure(service_failure::alliance_concession_refused, std::move(problems));
        insert_concession_version(db, merchant_id, concession_bp, voucher_max_bp, caller, now);
        return make_store_view(db, merchant_id);
    };
    co_return co_await database_.transaction(std::move(write));
}

boost::asio::awaitable<service_result<fan_view>> alliance_service::fan(std::uint64_t caller, std::uint64_t user_id) {
    auto read = [=](mysql_connection& db) -> service_result<fan_view> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        if (!find_user(db, user_id)) return failure(service_failure::user_not_found);
        return make_fan_view(db, user_id);
    };
    co_return co_await database_.run(std::move(read));
}

boost::asio::awaitable<service_result<fan_view>> alliance_service::reassign_fan(std::uint64_t caller, std::uint64_t user_id, std::uint64_t merchant_id,
                                                                                std::string reason) {
    const auto now = clock_.now();
    auto write = [=](mysql_connection& db) -> service_result<fan_view> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        if (!find_user(db, user_id)) return failure(service_failure::user_not_found);
        if (!find_alliance_member(db, merchant_id)) return failure(service_failure::not_in_alliance);
        // Locked like a first touch would be: a concurrent touch waits, then finds the operator's lock.
        auto lock = find_fan_lock(db, user_id, "update");
        // Already there (a retry, or a move to where the fan is): nothing to audit.
        if (!lock || lock->merchant_id != merchant_id)
            reassign_fan_lock(db, user_id, lock ? std::optional(lock->merchant_id) : std::nullopt, merchant_id, caller, reason, now);
        return make_fan_view(db, user_id);
    };
    co_return co_await database_.transaction(std::move(write));
}

boost::asio::awaitable<service_result<consumer_alliance_view>> alliance_service::consumer(std::uint64_t user_id) {
    const auto now = clock_.now();
    auto read = [=](mysql_connection& db) -> service_result<consumer_alliance_view> {
        consumer_alliance_view view;
        view.lock = find_fan_lock(db, user_id);
        if (view.lock)
            if (auto m = find_merchant(db, view.lock->merchant_id)) view.merchant_name = m->name;
        view.points_pending_cp = account_balance(db, 0, {account_kind::alliance_points_pending, user_id});
        view.points_cp = account_balance(db, 0, {account_kind::alliance_points, user_id});
        view.vouchers_fen = account_balance(db, 0, {account_kind::alliance_vouchers, user_id});
        view.vouchers_held_fen = account_balance(db, 0, {account_kind::alliance_vouchers_held, user_id});
        view.voucher_debt_fen = account_balance(db, 0, {account_kind::alliance_voucher_debt, user_id});
        view.advance = consumer_advance(db, user_id, now, false);
        view.credits = list_consumer_voucher_credits(db, user_id, consumer_credits_shown);
        return view;
    };
    co_return co_await database_.run(std::move(read));
}

boost::asio::awaitable<service_result<voucher_code_view>> alliance_service::voucher_code(std::uint64_t user_id) {
    const auto now = clock_.now();
    auto make = [=](mysql_connection& db) -> service_result<voucher_code_view> {
        const auto hex = random_hex(8);
        std::uint64_t bits = 0;
        std::from_chars(hex.data(), hex.data() + hex.size(), bits, 16);
        const auto code = make_redemption_code(bits, now);
        upsert_voucher_code(db, user_id, code.digits, code.expires_at, now);
        return voucher_code_view{.digits = code.digits,
                                 .qr_payload = std::string(voucher_qr_prefix) + code.digits,
                                 .expires_at = code.expires_at,
                                 .spendable_fen = spendable_vouchers(db, user_id, now)};
    };
    // Another consumer's live code with the same digits (1 in 10^11): the unique key, and a new draw.
    co_return co_await database_.transaction(std::move(make), mysql_pool::conflicts::rerun_on_duplicate_key);
}

boost::asio::awaitable<service_result<dividends_view>> alliance_service::dividends(std::uint64_t caller, std::optional<int> before, int limit) {
    auto read = [=](mysql_connection& db) -> service_result<dividends_view> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        dividends_view view;
        const auto config = pool_config_in_force(db).config;
        const auto last = find_last_dividend(db);
        view.pool = vested_pool_figures(db);
        view.next_number = last ? last->number + 1 : 1;
        view.threshold_cp = dividend_threshold_cp(config, last ? std::optional(last->pool_cp) : std::nullopt);
        view.min_holders = config.min_holders;
        view.fund_free_fen = account_balance(db, 0, {account_kind::alliance_fund_free, 0});
        view.fund_reserved_fen = account_balance(db, 0, {account_kind::alliance_fund_reserved, 0});
        view.vouchers_outstanding_fen = account_balance(db, 0, {account_kind::vouchers_issued, 0});
        view.advances_outstanding_fen = account_balance(db, 0, {account_kind::voucher_advances_issued, 0});
        view.voucher_debt_fen = account_balance(db, 0, {account_kind::voucher_debt_issued, 0});
        view.reimbursements_owed_fen = account_balance(db, 0, {account_kind::voucher_reimbursement_payable, 0});
        view.concessions_receivable_fen = account_balance(db, 0, {account_kind::concession_receivable, 0});
        if (last && last->state == "running") view.running = last->number;
        view.items = list_dividends(db, limit, before);
        return view;
    };
    co_return co_await database_.run(std::move(read));
}

}  // namespace sharedstore

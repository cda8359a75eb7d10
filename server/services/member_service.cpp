#include "server/services/member_service.hpp"

#include "server/services/alliance_fans.hpp"

#include "server/domain/calendar.hpp"
#include "server/domain/ledger.hpp"
#include "server/services/member_journey.hpp"
#include "server/services/merchant_service.hpp"
#include "server/storage/ledger_repository.hpp"
#include "server/storage/merchant_repository.hpp"

namespace sharedstore {

namespace asio = boost::asio;
using time_point = std::chrono::system_clock::time_point;

namespace {

constexpr std::initializer_list<staff_role> managers{staff_role::owner, staff_role::manager};

service_error invalid(service_failure kind, std::vector<validation_problem> problems) {
    auto e = failure(kind);
    e.problems = std::move(problems);
    return e;
}

std::int64_t balance_of(mysql_connection& db, std::uint64_t merchant_id, account_kind kind, std::uint64_t user_id) {
    return account_balance(db, merchant_id, {kind, user_id});
}

prepaid_buckets buckets_of(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id) {
    return {balance_of(db, merchant_id, account_kind::prepaid_principal, user_id), balance_of(db, merchant_id, account_kind::prepaid_bonus, user_id)};
}

member_profile unknown_person(std::uint64_t merchant_id, std::uint64_t user_id) {
    member_profile p;
    p.merchant_id = merchant_id;
    p.user_id = user_id;
    return p;
}

}  // namespace

std::vector<validation_problem> validate_member_program(const member_program_input& in) {
    auto problems = validate_points_rules(in.points);
    if (in.task_spend_fen.has_value() != in.task_days.has_value())
        problems.push_back({"task_days", "task_incomplete", "a spend task names both task_spend_fen and task_days"});
    if (in.task_spend_fen && (*in.task_spend_fen < 100 || *in.task_spend_fen > 100'000'000))
        problems.push_back({"task_spend_fen", "task_spend_out_of_range", "task_spend_fen is 100..100000000"});
    if (in.task_days && (*in.task_days < 1 || *in.task_days > 3660))
        problems.push_back({"task_days", "task_days_out_of_range", "task_days is 1..3660"});
    if (in.task_topup_fen && (*in.task_topup_fen < 100 || *in.task_topup_fen > max_topup_pay_fen))
        problems.push_back({"task_topup_fen", "task_topup_out_of_range", "task_topup_fen is 100..500000"});
    if (in.terms_version.empty() || in.terms_version.size() > 32)
        problems.push_back({"terms_version", "terms_version_length", "terms_version has 1 to 32 characters"});
    if (in.terms_text.empty() || in.terms_text.size() > 20'000)
        problems.push_back({"terms_text", "terms_text_length", "the member terms have 1 to 20000 bytes"});
    return problems;
}

std::vector<validation_problem> validate_member_offer(const offer_record& o) {
    std::vector<validation_problem> problems;
    switch (o.kind) {
    case member_offer_kind::topup_package: return validate_topup_package({o.name, o.price_fen, o.bonus_fen});
    case member_offer_kind::membership_product:
        if (o.price_fen < 1 || o.price_fen > max_topup_pay_fen) problems.push_back({"price_fen", "price_out_of_range", "price_fen is 1..500000"});
        if (o.bonus_fen != 0 || o.points_price != 0)
            problems.push_back({"bonus_fen", "not_for_kind", "a membership product has a price only"});
        break;
    case member_offer_kind::points_item:
        if (o.points_price < 1 || o.points_price > 10'000'000)
            problems.push_back({"points_price", "points_price_out_of_range", "points_price is 1..10000000"});
        if (o.price_fen != 0 || o.bonus_fen != 0) problems.push_back({"price_fen", "not_for_kind", "a points item has a points price only"});
        break;
    }
    if (o.name.empty() || o.name.size() > 32 * 3) problems.push_back({"name", "name_length", "a name has 1 to 32 characters"});
    return problems;
}

asio::awaitable<service_result<membership_summary>> member_service::my_membership(std::uint64_t user, std::uint64_t merchant_id) {
    const auto now = clock_.now();
    auto read = [=](mysql_connection& db) -> service_result<membership_summary> {
        auto merchant = find_merchant(db, merchant_id);
        if (!merchant) return failure(service_failure::merchant_not_found);
        const auto context = load_member_context(db, merchant_id);
        auto profile = find_member_profile(db, merchant_id, user);
        membership_summary s;
        s.merchant_id = merchant_id;
        s.merchant_name = merchant->name;
        s.program = context.program;
        s.profile = profile ? *profile : unknown_person(merchant_id, user);
        s.level = level_in_force(context, profile);
        for (const auto& l : context.levels)
            if (l.threshold_growth > s.profile.growth) {
                s.next_level = l;
                break;
            }
        s.points_spendable = balance_of(db, merchant_id, account_kind::member_points, user);
        s.points_pending = balance_of(db, merchant_id, account_kind::member_points_pending, user);
        for (auto& lot : lock_spendable_lots(db, merchant_id, user, false))
            if (lot.expires_at && *lot.expires_at <= now + std::chrono::days(30)) s.points_expiring.push_back(std::move(lot));
        s.prepaid = buckets_of(db, merchant_id, user);
        return s;
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<member_profile>> member_service::record_visit(std::uint64_t user, std::uint64_t merchant_id, std::string source) {
    const auto now = clock_.now();
    auto visit = [=](mysql_connection& db) -> service_result<member_profile> {
        if (!find_merchant(db, merchant_id)) return failure(service_failure::merchant_not_found);
        record_member_contact(db, merchant_id, user, source, now);
        // A scan of a member store's QR code locks the consumer to it (docs/alliance.md, "Fan locks").
        if (source == "qr") touch_alliance_fan(db, user, merchant_id, "qr", now);
        return *find_member_profile(db, merchant_id, user);
    };
    co_return co_await database_.transaction(std::move(visit));
}

asio::awaitable<service_result<member_profile>> member_service::accept_terms(std::uint64_t user, std::uint64_t merchant_id, std::string version) {
    const auto now = clock_.now();
    auto accept = [=](mysql_connection& db) -> service_result<member_profile> {
        if (!find_merchant(db, merchant_id)) return failure(service_failure::merchant_not_found);
        const auto context = load_member_context(db, merchant_id);
        if (!context.program) return failure(service_failure::no_member_program);
        if (context.program->terms_version != version) return failure(service_failure::member_terms_mismatch);
        auto profile = lock_member_profile(db, merchant_id, user, now);
        // Accepting is an identified contact too; the first acceptance is the one kept.
        if (!profile.fan_at) {
            profile.fan_at = now;
            profile.fan_source = "terms";
            apply_stage_event(db, context, profile, stage_event::contact, std::nullopt, now);
        }
        if (profile.terms_accepted_at && profile.terms_version == version) return profile;
        profile.terms_accepted_at = now;
        profile.terms_version = version;
        apply_stage_event(db, context, profile, stage_event::terms_accepted, std::nullopt, now);
        return *find_member_profile(db, merchant_id, user);
    };
    co_return co_await database_.transaction(std::move(accept));
}

asio::awaitable<service_result<std::vector<point_move_record>>> member_service::points_history(std::uint64_t user, std::uint64_t merchant_id,
                                                                                               std::uint64_t before_id, int limit) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<point_move_record>> {
        if (!find_merchant(db, merchant_id)) return failure(service_failure::merchant_not_found);
        return list_point_moves(db, merchant_id, user, before_id, limit);
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<std::vector<offer_record>>> member_service::store_offers(std::uint64_t merchant_id, member_offer_kind kind) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<offer_record>> {
        if (!find_merchant(db, merchant_id)) return failure(service_failure::merchant_not_found);
        return list_offers(db, merchant_id, kind, true);
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<points_exchange_result>> member_service::exchange_points(std::uint64_t user, std::uint64_t merchant_id,
                                                                                        std::uint64_t item_id, std::string request_id) {
    const auto now = clock_.now();
    auto exchange = [=](mysql_connection& db) -> service_result<points_exchange_result> {
        if (!find_merchant(db, merchant_id)) return failure(service_failure::merchant_not_found);
        const auto context = load_member_context(db, merchant_id);
        if (!context.program) return failure(service_failure::no_member_program);
        // The person's profile serialises their points: a retried exchange waits here, then sees the first.
        lock_member_profile(db, merchant_id, user, now);
        for (const auto& move : list_point_moves_by_request(db, merchant_id, user, request_id)) {
            if (move.item_id != item_id) return failure(service_failure::request_id_reused);
            return points_exchange_result{item_id, move.points, balance_of(db, merchant_id, account_kind::member_points, user), true};
        }
        auto item = find_offer(db, merchant_id, item_id);
        if (!item) return failure(service_failure::member_offer_not_found);
        if (item->kind != member_offer_kind::points_item) return failure(service_failure::member_offer_wrong_kind);
        if (!item->active) return failure(service_failure::member_offer_inactive);
        const auto balance = account_balance(db, merchant_id, {account_kind::member_points, user}, true);
        if (balance < item->points_price) return failure(service_failure::points_over_balance);
        take_points_from_lots(db, merchant_id, user, item->points_price);
        const auto tx = post_ledger_transaction(db, ledger_posting{.merchant_id = merchant_id,
                                                                   .kind = "points_exchanged",
                                                                   .reference = "exchange:" + std::to_string(user) + ":" + request_id,
                                                                   .actor_user_id = user,
                                                                   .entries = points_redeemed_entries(user, item->points_price),
                                                                   .booked_at = format_sql_datetime_utc(now)});
        insert_point_move_for_request(db, merchant_id, user, item->points_price, item_id, tx, request_id, now);
        return points_exchange_result{item_id, item->points_price, balance - item->points_price, false};
    };
    co_return co_await database_.transaction(std::move(exchange), mysql_pool::conflicts::rerun_on_duplicate_key);
}

asio::awaitable<std::optional<referral_record>> member_service::my_referrer(std::uint64_t user) {
    auto read = [=](mysql_connection& db) { return find_referral(db, user); };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<std::optional<member_program_record>>> member_service::program(std::uint64_t caller, std::uint64_t merchant_id) {
    auto read = [=](mysql_connection& db) -> service_result<std::optional<member_program_record>> {
        if (auto denied = check_store_access(db, merchant_id, caller, {})) return *denied;
        return find_member_program(db, merchant_id);
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<member_program_record>> member_service::set_program(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                   member_program_input in) {
    if (auto problems = validate_member_program(in); !problems.empty())
        co_return invalid(service_failure::invalid_member_program, std::move(problems));
    const auto now = clock_.now();
    auto write = [=](mysql_connection& db) -> service_result<member_program_record> {
        if (auto denied = check_store_access(db, merchant_id, caller, managers)) return *denied;
        member_program_record p{.merchant_id = merchant_id,
                                .points = in.points,
                                .task_spend_fen = in.task_spend_fen,
                                .task_days = in.task_days,
                                .task_topup_fen = in.task_topup_fen,
                                .terms_version = in.terms_version,
                                .terms_text = in.terms_text,
                                .partner_requires_member = in.partner_requires_member,
                                .updated_by_user_id = caller,
                                .updated_at = now};
        upsert_member_program(db, p);
        return *find_member_program(db, merchant_id);
    };
    co_return co_await database_.transaction(std::move(write));
}

asio::awaitable<service_result<std::vector<member_level>>> member_service::levels(std::uint64_t caller, std::uint64_t merchant_id) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<member_level>> {
        if (auto denied = check_store_access(db, merchant_id, caller, {})) return *denied;
        return list_member_levels(db, merchant_id);
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<std::vector<member_level>>> member_service::set_levels(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                      std::vector<member_level> levels) {
    if (auto problems = validate_member_levels(levels); !problems.empty())
        co_return invalid(service_failure::invalid_member_levels, std::move(problems));
    auto write = [=](mysql_connection& db) -> service_result<std::vector<member_level>> {
        if (auto denied = check_store_access(db, merchant_id, caller, managers)) return *denied;
        if (!find_member_program(db, merchant_id)) return failure(service_failure::no_member_program);
        // Members keep their level until their growth next changes (or the retention check runs):
        // a new table never rewrites anyone's level behind their back.
        replace_member_levels(db, merchant_id, levels);
        return list_member_levels(db, merchant_id);
    };
    co_return co_await database_.transaction(std::move(write));
}

asio::awaitable<service_result<std::vector<offer_record>>> member_service::offers(std::uint64_t caller, std::uint64_t merchant_id, member_offer_kind kind) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<offer_record>> {
        if (auto denied = check_store_access(db, merchant_id, caller, {})) return *denied;
        return list_offers(db, merchant_id, kind, false);
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<offer_record>> member_service::add_offer(std::uint64_t caller, std::uint64_t merchant_id, offer_record offer) {
    offer.merchant_id = merchant_id;
    if (auto problems = validate_member_offer(offer); !problems.empty())
        co_return invalid(service_failure::invalid_member_offer, std::move(problems));
    const auto now = clock_.now();
    auto write = [=](mysql_connection& db) -> service_result<offer_record> {
        if (auto denied = check_store_access(db, merchant_id, caller, managers)) return *denied;
        if (!find_member_program(db, merchant_id)) return failure(service_failure::no_member_program);
        return *find_offer(db, merchant_id, insert_offer(db, offer, caller, now));
    };
    co_return co_await database_.transaction(std::move(write));
}

asio::awaitable<service_result<offer_record>> member_service::set_offer_active(std::uint64_t caller, std::uint64_t merchant_id, std::uint64_t offer_id,
                                                                               bool active) {
    auto write = [=](mysql_connection& db) -> service_result<offer_record> {
        if (auto denied = check_store_access(db, merchant_id, caller, managers)) return *denied;
        if (!sharedstore::set_offer_active(db, merchant_id, offer_id, active)) return failure(service_failure::member_offer_not_found);
        return *find_offer(db, merchant_id, offer_id);
    };
    co_return co_await database_.transaction(std::move(write));
}

asio::awaitable<service_result<member_funnel>> member_service::funnel(std::uint64_t caller, std::uint64_t merchant_id, int weeks) {
    const auto now = clock_.now();
    auto read = [=](mysql_connection& db) -> service_result<member_funnel> {
        // A report, as the dashboard: the store's managers and owner.
        if (auto denied = check_store_access(db, merchant_id, caller, managers)) return *denied;
        const auto merchant = find_merchant(db, merchant_id);
        const auto offset = utc_offset_of(merchant->time_zone).value_or(std::chrono::hours(8));
        return build_member_funnel(list_stage_times(db, merchant_id), now, offset, weeks);
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<member_detail>> member_service::member(std::uint64_t caller, std::uint64_t merchant_id, std::uint64_t user_id) {
    auto read = [=](mysql_connection& db) -> service_result<member_detail> {
        if (auto denied = check_store_access(db, merchant_id, caller, {})) return *denied;
        auto profile = find_member_profile(db, merchant_id, user_id);
        if (!profile) return failure(service_failure::user_not_found);
        return member_detail{*profile, list_member_events(db, merchant_id, user_id, 100),
                             balance_of(db, merchant_id, account_kind::member_points, user_id),
                             balance_of(db, merchant_id, account_kind::member_points_pending, user_id), buckets_of(db, merchant_id, user_id)};
    };
    co_return co_await database_.run(std::move(read));
}

}  // namespace sharedstore

#include "server/services/centre_service.hpp"

#include "server/domain/calendar.hpp"
#include "server/domain/regions.hpp"
#include "server/services/alliance_settlement.hpp"
#include "server/storage/alliance_repository.hpp"
#include "server/storage/region_repository.hpp"
#include "server/storage/user_repository.hpp"

namespace sharedstore {

namespace {

constexpr std::chrono::days one_day{1};

int level_rate(const net_share_config& c, const std::string& level) {
    if (level == "county") return c.rates.county_bp;
    if (level == "city") return c.rates.city_bp;
    return c.rates.province_bp;
}

centre_terms terms_of(const service_centre& c) { return {c.rate_bp, c.starts_on, c.ends_on + one_day}; }

// The code of the centre above a centre of `level` at `code`: a county's city (or, with no city
// above it, its province), a city's province; empty for a province.
std::pair<std::string, std::string> upper_of(const std::string& level, const std::string& code) {
    if (level == "province") return {};
    const std::string province = code.substr(0, 2) + "0000";
    if (level == "city") return {"province", province};
    const auto chain = region_chain_of(code);
    if (chain && !chain->city.empty()) return {"city", chain->city};
    return {"province", province};
}

// The centres one level down whose upper centre a centre of `level` at `code` would be: a city's
// counties; a province's cities and the counties with no city above them (a municipality's
// districts, province-administered units).
std::vector<service_centre> lower_centres(mysql_connection& db, const std::string& level, const std::string& code) {
    std::vector<service_centre> out;
    if (level == "county") return out;
    const auto digits = code.substr(0, level == "city" ? 4 : 2);
    for (const auto* lower : {"city", "county"}) {
        if (level == "city" && std::string(lower) == "city") continue;
        for (auto& c : list_centres(db, lower, digits, std::nullopt, 0, 10000)) {
            const auto above = upper_of(c.level, c.region_code);
            if (above.first == level && above.second == code) out.push_back(std::move(c));
        }
    }
    return out;
}

}  // namespace

boost::asio::awaitable<service_result<net_share_config_view>> centre_service::config(std::uint64_t caller) {
    auto read = [=](mysql_connection& db) -> service_result<net_share_config_view> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        return net_share_config_view{net_share_config_in_force(db, false), net_share_config_history(db)};
    };
    co_return co_await database_.run(std::move(read));
}

boost::asio::awaitable<service_result<net_share_config_view>> centre_service::set_config(std::uint64_t caller, net_share_config config) {
    const auto now = clock_.now();
    const auto today = local_day_of(now, statement_utc_offset());
    auto write = [=](mysql_connection& db) -> service_result<net_share_config_view> {
        // First: every read below then sees the newest contracts (appointments take it too).
        lock_share_settings(db);
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        auto problems = validate_net_share_config(config);
        // A level's rate is the cap of its centres' contracts: it may not go below one still running.
        for (const auto* level : {"county", "city", "province"}) {
            const auto highest = highest_rate_from(db, level, today);
            if (level_rate(config, level) < highest)
                problems.push_back({std::string(level) + "_bp", "below_contract_rate",
                                    "a " + std::string(level) + " centre's contract still running pays " + std::to_string(highest) + " bp"});
        }
        if (!problems.empty()) return failure(service_failure::share_config_refused, std::move(problems));
        const auto current = net_share_config_in_force(db, false);
        insert_net_share_config(db, current.version + 1, config, caller, now);
        return net_share_config_view{net_share_config_in_force(db, false), net_share_config_history(db)};
    };
    co_return co_await database_.transaction(std::move(write));
}

boost::asio::awaitable<service_result<std::pair<service_centre, bool>>> centre_service::appoint(std::uint64_t caller, centre_request r) {
    const auto now = clock_.now();
    auto write = [=](mysql_connection& db) -> service_result<std::pair<service_centre, bool>> {
        // Appointments, early ends and rate changes, platform-wide, one at a time; taken before any
        // plain read, so that the territory and dates below are read as they are now.
        lock_share_settings(db);
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        const auto config = net_share_config_in_force(db, false).config;
        if (auto same = find_centre_by_contract(db, r.contract_reference)) {
            const bool identical = same->level == r.level && same->region_code == r.region_code && same->name == r.name && same->rate_bp == r.rate_bp &&
                                   same->starts_on == r.starts_on && same->contact_user_id == r.contact_user_id && !same->terminated_at &&
                                   same->ends_on == r.ends_on;
            if (identical) return std::pair{std::move(*same), false};
            return failure(service_failure::centre_contract_conflict);
        }
        const auto region = find_region(db, r.region_code);
        if (!region || region->level != r.level) {
            return failure(service_failure::centre_appointment_refused,
                           {{"region_code", "region_level_mismatch", "a " + r.level + " centre is appointed on a " + r.level + "-level code of the region table"}});
        }
        if (r.contact_user_id && !find_user(db, *r.contact_user_id)) return failure(service_failure::user_not_found);
        appointment_facts facts{.proposed = {r.rate_bp, r.starts_on, r.ends_on + one_day},
                                .level_rate_bp = level_rate(config, r.level),
                                .taken = {},
                                .uppers = {},
                                .fee_income_bp = r.fee_income_bp,
                                .override_bp = r.override_bp,
                                .recruitment_reward_fen = r.recruitment_reward_fen};
        for (const auto& c : centres_on(db, r.level, r.region_code)) facts.taken.push_back(terms_of(c));
        const auto [upper_level, upper_code] = upper_of(r.level, r.region_code);
        if (!upper_level.empty())
            for (const auto& c : centres_on(db, upper_level, upper_code)) facts.uppers.push_back(terms_of(c));
        auto problems = check_centre_appointment(facts);
        // And the other way: the lower centres already appointed under it for part of its time
        // stay within it.
        const auto proposed = facts.proposed;
        for (const auto& lower : lower_centres(db, r.level, r.region_code)) {
            const auto t = terms_of(lower);
            if (t.from < proposed.to && proposed.from < t.to && (t.from < proposed.from || t.to > proposed.to)) {
                problems.push_back({"ends_on", "lower_outside_dates",
                                    "the " + lower.level + " centre " + lower.name + " (" + lower.region_code + ", " + format_iso_day(lower.starts_on) +
                                        " to " + format_iso_day(lower.ends_on) + ") would run outside this contract"});
                break;
            }
        }
        if (!problems.empty()) return failure(service_failure::centre_appointment_refused, std::move(problems));
        service_centre c;
        c.level = r.level;
        c.region_code = r.region_code;
        c.name = r.name;
        c.contract_reference = r.contract_reference;
        c.contact_user_id = r.contact_user_id;
        c.rate_bp = r.rate_bp;
        c.starts_on = r.starts_on;
        c.ends_on = r.ends_on;
        c.appointed_by_user_id = caller;
        c.appointed_at = now;
        const auto id = insert_centre(db, c);
        return std::pair{*find_centre(db, id, false), true};
    };
    co_return co_await database_.transaction(std::move(write), mysql_pool::conflicts::rerun_on_duplicate_key);
}

boost::asio::awaitable<service_result<std::vector<service_centre>>> centre_service::list(std::uint64_t caller, std::string level, std::string prefix,
                                                                                        bool in_force_today, std::uint64_t before, int limit) {
    std::optional<std::chrono::sys_days> on;
    if (in_force_today) on = local_day_of(clock_.now(), statement_utc_offset());
    auto read = [=](mysql_connection& db) -> service_result<std::vector<service_centre>> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        return list_centres(db, level, prefix, on, before, limit);
    };
    co_return co_await database_.run(std::move(read));
}

boost::asio::awaitable<service_result<service_centre>> centre_service::get(std::uint64_t caller, std::uint64_t id) {
    auto read = [=](mysql_connection& db) -> service_result<service_centre> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        auto c = find_centre(db, id, false);
        if (!c) return failure(service_failure::centre_not_found);
        return std::move(*c);
    };
    co_return co_await database_.run(std::move(read));
}

boost::asio::awaitable<service_result<service_centre>> centre_service::terminate(std::uint64_t caller, std::uint64_t id, std::chrono::sys_days ends_on,
                                                                                 std::string reason) {
    const auto now = clock_.now();
    auto write = [=](mysql_connection& db) -> service_result<service_centre> {
        lock_share_settings(db);
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        auto c = find_centre(db, id, true);
        if (!c) return failure(service_failure::centre_not_found);
        if (c->terminated_at && c->ends_on == ends_on) return std::move(*c);  // the same ending again
        if (ends_on < c->starts_on || ends_on >= c->ends_on) return failure(service_failure::centre_end_invalid);
        // A lower centre's contract stays within its upper's: the lower ones running past the new
        // end are ended first.
        for (const auto& lower : lower_centres(db, c->level, c->region_code))
            if (lower.ends_on > ends_on && lower.starts_on <= c->ends_on) {
                auto refused = failure(service_failure::centre_end_invalid);
                refused.detail = "the " + lower.level + " centre " + std::to_string(lower.id) + " (" + lower.region_code + ") runs to " +
                                 format_iso_day(lower.ends_on) + ": end it first";
                return refused;
            }
        terminate_centre(db, id, ends_on, reason, now);
        return *find_centre(db, id, false);
    };
    co_return co_await database_.transaction(std::move(write));
}

boost::asio::awaitable<service_result<std::vector<service_centre>>> centre_service::mine(std::uint64_t caller) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<service_centre>> {
        auto centres = centres_of_contact(db, caller);
        if (centres.empty()) return failure(service_failure::not_centre_contact);
        return centres;
    };
    co_return co_await database_.run(std::move(read));
}

}  // namespace sharedstore

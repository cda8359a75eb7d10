#include "server/services/bonus_service.hpp"

#include "server/domain/bonus_validator.hpp"
#include "server/services/merchant_service.hpp"
#include "server/storage/bonus_repository.hpp"
#include "server/storage/merchant_repository.hpp"

namespace sharedstore {

namespace {
constexpr int history_limit = 20;
}  // namespace

boost::asio::awaitable<service_result<bonus_config_view>> bonus_service::config(std::uint64_t caller, std::uint64_t merchant_id) {
    auto read = [=](mysql_connection& db) -> service_result<bonus_config_view> {
        if (auto denied = check_store_access(db, merchant_id, caller, {})) return *denied;
        return bonus_config_view{list_bonus_config_versions(db, merchant_id, history_limit), find_cash_sign_off(db, merchant_id)};
    };
    co_return co_await database_.run(std::move(read));
}

boost::asio::awaitable<service_result<bonus_config_view>> bonus_service::propose(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                 bonus_proposal proposal) {
    const auto now = clock_.now();
    auto write = [=, proposal = std::move(proposal)](mysql_connection& db) mutable -> service_result<bonus_config_view> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        auto tiers = list_tier_versions(db, merchant_id, 1);
        if (tiers.empty()) return failure(service_failure::no_tiers);
        proposal.tiers = tiers.front().tiers;
        proposal.level2_cash_sign_off = proposal.level2_cash ? find_cash_sign_off(db, merchant_id) : std::nullopt;
        auto problems = validate_bonus_proposal(proposal);
        if (!problems.empty()) return failure(service_failure::bonus_config_refused, std::move(problems));
        auto config = to_bonus_config(proposal);
        if (!config) return failure(service_failure::bonus_config_refused);
        insert_bonus_config_version(db, merchant_id, *config, caller, now);
        return bonus_config_view{list_bonus_config_versions(db, merchant_id, history_limit), find_cash_sign_off(db, merchant_id)};
    };
    // Two proposals at once take one version number: the second meets the unique key and runs again.
    co_return co_await database_.transaction(std::move(write), mysql_pool::conflicts::rerun_on_duplicate_key);
}

boost::asio::awaitable<std::vector<award_total>> bonus_service::my_awards(std::uint64_t user_id) {
    auto read = [=](mysql_connection& db) { return partner_award_totals(db, user_id); };
    co_return co_await database_.run(std::move(read));
}

boost::asio::awaitable<service_result<store_award_report>> bonus_service::award_report(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                      std::string from, std::string to) {
    auto read = [=](mysql_connection& db) -> service_result<store_award_report> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        return store_award_report{store_award_totals(db, merchant_id, from, to), store_profit_in(db, merchant_id, from, to)};
    };
    co_return co_await database_.run(std::move(read));
}

}  // namespace sharedstore

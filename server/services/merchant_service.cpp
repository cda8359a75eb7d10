#include "server/services/merchant_service.hpp"

#include "server/domain/bonus_validator.hpp"
#include "server/storage/bonus_repository.hpp"

#include "server/storage/ledger_repository.hpp"

namespace sharedstore {

namespace asio = boost::asio;

namespace {

constexpr int history_limit = 50;

// Reading is for any staff; staff changes are the owner's; tiers are the owner's and managers'.
std::optional<service_error> check_access(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t caller,
                                           std::initializer_list<staff_role> allowed) {
    return check_store_access(db, merchant_id, caller, allowed);
}

}  // namespace

std::optional<service_error> check_store_access(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t caller,
                                                 std::initializer_list<staff_role> allowed) {
    if (!find_merchant(db, merchant_id)) return failure(service_failure::merchant_not_found);
    auto role = find_staff_role(db, merchant_id, caller);
    if (!role) return failure(service_failure::not_staff);
    if (allowed.size() && std::find(allowed.begin(), allowed.end(), *role) == allowed.end())
        return failure(service_failure::role_too_low);
    return std::nullopt;
}

asio::awaitable<merchant_record> merchant_service::create(std::uint64_t owner_user_id, std::string name, std::string time_zone) {
    auto create = [=](mysql_connection& db) {
        auto id = insert_merchant(db, name, time_zone, owner_user_id);
        ensure_store_book(db, id);  // its ledger's book, before any posting needs it
        return *find_merchant(db, id);
    };
    co_return co_await database_.transaction(std::move(create));
}

asio::awaitable<service_result<merchant_view>> merchant_service::view(std::uint64_t caller, std::uint64_t merchant_id) {
    auto read = [=](mysql_connection& db) -> service_result<merchant_view> {
        if (auto denied = check_access(db, merchant_id, caller, {})) return *denied;
        return merchant_view{*find_merchant(db, merchant_id), *find_staff_role(db, merchant_id, caller)};
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<merchant_view>> merchant_service::change_settings(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                 settings_change change) {
    auto write = [=](mysql_connection& db) -> service_result<merchant_view> {
        if (auto denied = check_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        auto current = *find_merchant(db, merchant_id);
        merchant_settings settings{change.allow_existing_customers.value_or(current.allow_existing_customers),
                                   change.cards_for_owned_customers.value_or(current.cards_for_owned_customers),
                                   change.clear_protection ? std::nullopt
                                                           : (change.protection_days ? change.protection_days : current.protection_days),
                                   change.settlement_delay_days.value_or(current.settlement_delay_days)};
        update_merchant_settings(db, merchant_id, settings);
        return merchant_view{*find_merchant(db, merchant_id), *find_staff_role(db, merchant_id, caller)};
    };
    co_return co_await database_.transaction(std::move(write));
}

asio::awaitable<service_result<std::vector<staff_member>>> merchant_service::staff(std::uint64_t caller, std::uint64_t merchant_id) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<staff_member>> {
        if (auto denied = check_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        return list_staff(db, merchant_id);
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<std::vector<staff_member>>> merchant_service::set_staff(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                       std::uint64_t user_id, staff_role role) {
    auto change = [=](mysql_connection& db) -> service_result<std::vector<staff_member>> {
        if (auto denied = check_access(db, merchant_id, caller, {staff_role::owner})) return *denied;
        if (role == staff_role::owner || find_staff_role(db, merchant_id, user_id) == staff_role::owner)
            return failure(service_failure::owner_is_fixed);
        if (!user_exists(db, user_id)) return failure(service_failure::user_not_found);
        upsert_staff(db, merchant_id, user_id, role, caller);
        return list_staff(db, merchant_id);
    };
    co_return co_await database_.transaction(std::move(change));
}

asio::awaitable<service_result<std::vector<staff_member>>> merchant_service::remove_staff(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                          std::uint64_t user_id) {
    auto change = [=](mysql_connection& db) -> service_result<std::vector<staff_member>> {
        if (auto denied = check_access(db, merchant_id, caller, {staff_role::owner})) return *denied;
        auto role = find_staff_role(db, merchant_id, user_id);
        if (!role) return failure(service_failure::staff_not_found);
        if (*role == staff_role::owner) return failure(service_failure::owner_is_fixed);
        delete_staff(db, merchant_id, user_id);
        return list_staff(db, merchant_id);
    };
    co_return co_await database_.transaction(std::move(change));
}

asio::awaitable<service_result<std::vector<tier_version_record>>> merchant_service::change_tiers(std::uint64_t caller,
                                                                                                 std::uint64_t merchant_id,
                                                                                                 tier_change change) {
    auto problems = validate_tier_table(change.tiers, change.profit_margin_bp, change.category_margins_bp);
    if (!problems.empty()) co_return failure(service_failure::invalid_tiers, std::move(problems));
    auto write = [=](mysql_connection& db) -> service_result<std::vector<tier_version_record>> {
        if (auto denied = check_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        // A store with a bonus configuration keeps every tier within it (docs/bonus.md): a tier the
        // order cap would cut is refused here, never trimmed from a dividend later. The store's row
        // first: a bonus configuration written at the same moment waits, and sees these tiers.
        lock_merchant(db, merchant_id);
        if (auto bonus = list_bonus_config_versions(db, merchant_id, 1); !bonus.empty())
            if (auto problems = validate_bonus_config(bonus.front().config, change.tiers); !problems.empty())
                return failure(service_failure::invalid_tiers, std::move(problems));
        insert_tier_version(db, merchant_id, change.profit_margin_bp, change.category_margins_bp, change.tiers, caller);
        return list_tier_versions(db, merchant_id, history_limit);
    };
    co_return co_await database_.transaction(std::move(write));
}

asio::awaitable<service_result<std::vector<tier_version_record>>> merchant_service::tier_history(std::uint64_t caller,
                                                                                                 std::uint64_t merchant_id) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<tier_version_record>> {
        if (auto denied = check_access(db, merchant_id, caller, {})) return *denied;
        return list_tier_versions(db, merchant_id, history_limit);
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<card_template_record>> merchant_service::create_card_template(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                            card_template_input input) {
    auto checked = validate_card_template(input);
    if (auto* problems = std::get_if<std::vector<validation_problem>>(&checked))
        co_return failure(service_failure::invalid_card, std::move(*problems));
    auto write = [=, card = std::get<card_template>(checked)](mysql_connection& db) -> service_result<card_template_record> {
        if (auto denied = check_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        const auto id = insert_card_template(db, merchant_id, card, caller);
        return list_card_templates(db, merchant_id, id + 1, 1).front();
    };
    co_return co_await database_.transaction(std::move(write));
}

asio::awaitable<service_result<std::vector<card_template_record>>> merchant_service::card_templates(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                                   std::uint64_t before_id, int limit) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<card_template_record>> {
        if (auto denied = check_access(db, merchant_id, caller, {})) return *denied;
        return list_card_templates(db, merchant_id, before_id, limit);
    };
    co_return co_await database_.run(std::move(read));
}

}  // namespace sharedstore

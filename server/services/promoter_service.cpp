#include "server/services/promoter_service.hpp"

#include "common/random_token.hpp"
#include "server/services/merchant_service.hpp"
#include "server/storage/alliance_repository.hpp"
#include "server/storage/merchant_repository.hpp"
#include "server/storage/user_repository.hpp"

namespace sharedstore {

namespace {

merchant_promoter_view read_view(mysql_connection& db, std::uint64_t merchant_id, bool with_changes) {
    merchant_promoter_view v;
    v.merchant_id = merchant_id;
    v.binding = merchant_promoter(db, merchant_id, false);
    if (with_changes) v.changes = merchant_promoter_changes(db, merchant_id);
    return v;
}

}  // namespace

boost::asio::awaitable<service_result<promoter_record>> promoter_service::create(std::uint64_t caller, std::uint64_t user_id, std::string name) {
    const auto now = clock_.now();
    auto write = [=](mysql_connection& db) -> service_result<promoter_record> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        if (!find_user(db, user_id)) return failure(service_failure::user_not_found);
        if (find_promoter_by_user(db, user_id)) return failure(service_failure::promoter_exists);
        // 32^8 codes: a clash with another promoter's (or a concurrent copy of this call) is the
        // duplicate key, and the transaction runs again: another code, or promoter_exists.
        const auto id = insert_promoter(db, user_id, name, random_readable_code(8), caller, now);
        return *find_promoter(db, id);
    };
    co_return co_await database_.transaction(std::move(write), mysql_pool::conflicts::rerun_on_duplicate_key);
}

boost::asio::awaitable<service_result<std::vector<promoter_record>>> promoter_service::list(std::uint64_t caller, std::uint64_t before, int limit) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<promoter_record>> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        return list_promoters(db, before, limit);
    };
    co_return co_await database_.run(std::move(read));
}

boost::asio::awaitable<service_result<promoter_profile>> promoter_service::profile(std::uint64_t caller, std::uint64_t promoter_id) {
    auto read = [=](mysql_connection& db) -> service_result<promoter_profile> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        auto p = find_promoter(db, promoter_id);
        if (!p) return failure(service_failure::promoter_not_found);
        return promoter_profile{std::move(*p), promoter_merchants(db, promoter_id)};
    };
    co_return co_await database_.run(std::move(read));
}

boost::asio::awaitable<service_result<merchant_promoter_view>> promoter_service::merchant(std::uint64_t caller, std::uint64_t merchant_id) {
    auto read = [=](mysql_connection& db) -> service_result<merchant_promoter_view> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        if (!find_merchant(db, merchant_id)) return failure(service_failure::merchant_not_found);
        return read_view(db, merchant_id, true);
    };
    co_return co_await database_.run(std::move(read));
}

boost::asio::awaitable<service_result<merchant_promoter_view>> promoter_service::assign(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                       std::uint64_t promoter_id, std::string reason) {
    const auto now = clock_.now();
    auto write = [=](mysql_connection& db) -> service_result<merchant_promoter_view> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        if (!find_merchant(db, merchant_id)) return failure(service_failure::merchant_not_found);
        if (!find_promoter(db, promoter_id)) return failure(service_failure::promoter_not_found);
        const auto current = merchant_promoter(db, merchant_id, true);
        if (!current || current->promoter_id != promoter_id) {
            std::optional<std::uint64_t> from;
            if (current) from = current->promoter_id;
            bind_merchant_promoter(db, merchant_id, from, promoter_id, "operator", reason, caller, now);
        }
        return read_view(db, merchant_id, true);
    };
    co_return co_await database_.transaction(std::move(write));
}

boost::asio::awaitable<service_result<std::pair<merchant_promoter_view, bool>>> promoter_service::bind(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                                       std::string invite_code) {
    const auto now = clock_.now();
    auto write = [=](mysql_connection& db) -> service_result<std::pair<merchant_promoter_view, bool>> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner})) return *denied;
        const auto promoter = find_promoter_by_invite(db, invite_code);
        if (!promoter) return failure(service_failure::invite_code_unknown);
        // The first binding wins (the row's key): a second code, or a race, meets it here.
        const auto current = merchant_promoter(db, merchant_id, true);
        if (current) {
            if (current->promoter_id == promoter->id) return std::pair{read_view(db, merchant_id, false), false};
            return failure(service_failure::promoter_already_bound);
        }
        bind_merchant_promoter(db, merchant_id, std::nullopt, promoter->id, "invite", "", caller, now);
        return std::pair{read_view(db, merchant_id, false), true};
    };
    co_return co_await database_.transaction(std::move(write));
}

boost::asio::awaitable<service_result<merchant_promoter_view>> promoter_service::store_promoter(std::uint64_t caller, std::uint64_t merchant_id) {
    auto read = [=](mysql_connection& db) -> service_result<merchant_promoter_view> {
        if (auto denied = check_store_access(db, merchant_id, caller, {})) return *denied;
        return read_view(db, merchant_id, false);
    };
    co_return co_await database_.run(std::move(read));
}

boost::asio::awaitable<service_result<promoter_profile>> promoter_service::mine(std::uint64_t caller) {
    auto read = [=](mysql_connection& db) -> service_result<promoter_profile> {
        auto p = find_promoter_by_user(db, caller);
        if (!p) return failure(service_failure::not_promoter);
        auto merchants = promoter_merchants(db, p->id);
        return promoter_profile{std::move(*p), std::move(merchants)};
    };
    co_return co_await database_.run(std::move(read));
}

}  // namespace sharedstore

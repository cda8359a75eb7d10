#include "server/services/region_service.hpp"

#include "server/domain/calendar.hpp"
#include "server/domain/regions.hpp"
#include "server/services/alliance_settlement.hpp"
#include "server/services/merchant_service.hpp"
#include "server/storage/alliance_repository.hpp"
#include "server/storage/merchant_repository.hpp"

namespace sharedstore {

bool merchant_region_code_valid(mysql_connection& db, const std::string& code) {
    if (!region_chain_of(code)) return false;
    const auto row = find_region(db, code);
    if (!row) return false;
    return row->level == "county" || (row->level == "city" && !row->has_children);
}

merchant_region_view read_merchant_region(mysql_connection& db, std::uint64_t merchant_id, bool with_changes) {
    merchant_region_view v;
    v.merchant_id = merchant_id;
    v.code = merchant_region(db, merchant_id, false);
    if (v.code) {
        if (const auto chain = region_chain_of(*v.code)) {
            std::vector<std::string> codes{chain->province};
            if (!chain->city.empty()) codes.push_back(chain->city);
            if (!chain->county.empty()) codes.push_back(chain->county);
            v.chain = regions_named(db, codes);
        }
    }
    if (with_changes) v.changes = merchant_region_changes(db, merchant_id);
    return v;
}

boost::asio::awaitable<service_result<region_listing>> region_service::list(std::uint64_t caller, std::string parent) {
    const auto today = local_day_of(clock_.now(), statement_utc_offset());
    auto read = [=](mysql_connection& db) -> service_result<region_listing> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        region_listing out;
        if (!parent.empty()) {
            out.parent = find_region(db, parent);
            if (!out.parent) return failure(service_failure::region_code_unknown);
        }
        out.children = list_regions(db, parent);
        // The centres in force today on the listed codes (one read for the page's prefix).
        const std::string prefix = parent.empty() ? "" : parent.substr(0, region_level_of(parent) == "province" ? 2 : 4);
        for (auto& c : list_centres(db, "", prefix, today, 0, 2000))
            for (const auto& child : out.children)
                if (child.code == c.region_code) out.centres.push_back(c);
        return out;
    };
    co_return co_await database_.run(std::move(read));
}

boost::asio::awaitable<service_result<merchant_region_view>> region_service::merchant(std::uint64_t caller, std::uint64_t merchant_id) {
    auto read = [=](mysql_connection& db) -> service_result<merchant_region_view> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        if (!find_merchant(db, merchant_id)) return failure(service_failure::merchant_not_found);
        return read_merchant_region(db, merchant_id, true);
    };
    co_return co_await database_.run(std::move(read));
}

boost::asio::awaitable<service_result<merchant_region_view>> region_service::change(std::uint64_t caller, std::uint64_t merchant_id, std::string code,
                                                                                    std::string reason) {
    const auto now = clock_.now();
    auto write = [=](mysql_connection& db) -> service_result<merchant_region_view> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        if (!find_merchant(db, merchant_id)) return failure(service_failure::merchant_not_found);
        if (!merchant_region_code_valid(db, code)) return failure(service_failure::region_code_unknown);
        const auto current = merchant_region(db, merchant_id, true);
        if (current != code) set_merchant_region(db, merchant_id, current, code, reason, caller, now);
        return read_merchant_region(db, merchant_id, true);
    };
    co_return co_await database_.transaction(std::move(write));
}

boost::asio::awaitable<service_result<merchant_region_view>> region_service::store_region(std::uint64_t caller, std::uint64_t merchant_id) {
    auto read = [=](mysql_connection& db) -> service_result<merchant_region_view> {
        if (auto denied = check_store_access(db, merchant_id, caller, {})) return *denied;
        return read_merchant_region(db, merchant_id, false);
    };
    co_return co_await database_.run(std::move(read));
}

boost::asio::awaitable<service_result<std::pair<merchant_region_view, bool>>> region_service::set_store_region(std::uint64_t caller,
                                                                                                               std::uint64_t merchant_id, std::string code) {
    const auto now = clock_.now();
    auto write = [=](mysql_connection& db) -> service_result<std::pair<merchant_region_view, bool>> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner})) return *denied;
        if (!merchant_region_code_valid(db, code)) return failure(service_failure::region_code_unknown);
        const auto current = merchant_region(db, merchant_id, true);
        if (current == code) return std::pair{read_merchant_region(db, merchant_id, false), false};
        if (current) return failure(service_failure::region_already_set);
        set_merchant_region(db, merchant_id, std::nullopt, code, "", caller, now);
        return std::pair{read_merchant_region(db, merchant_id, false), true};
    };
    co_return co_await database_.transaction(std::move(write));
}

}  // namespace sharedstore

#include "server/services/partner_service.hpp"

#include "server/services/member_journey.hpp"
#include "server/services/member_pricing.hpp"

#include "common/clock.hpp"
#include "common/random_token.hpp"
#include "server/domain/card_templates.hpp"
#include "server/domain/rfc3339.hpp"
#include "server/domain/ledger.hpp"
#include "server/storage/ledger_repository.hpp"


namespace sharedstore {

namespace asio = boost::asio;

namespace {

const std::string cash_buy_in_kind = "buy_in_cash";

std::vector<share_tier> current_tiers(mysql_connection& db, std::uint64_t merchant_id) {
    auto versions = list_tier_versions(db, merchant_id, 1);
    return versions.empty() ? std::vector<share_tier>{} : versions.front().tiers;
}

partner_detail load_detail(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t partner_id) {
    partner_detail d;
    d.partner = *find_partner(db, merchant_id, partner_id);
    d.tier = tier_for_total_buy_in(current_tiers(db, merchant_id), d.partner.total_buy_in_fen);
    d.buy_ins = list_buy_ins(db, partner_id, 20);
    d.packs = list_card_packs(db, partner_id, std::nullopt, 0, 50);
    return d;
}

// The desk's request id makes a double-tapped "record payment" harmless; without one each call
// is a new payment.
std::string buy_in_reference(std::uint64_t merchant_id, const std::string& request_id) {
    return std::to_string(merchant_id) + ":" + (request_id.empty() ? random_hex(12) : request_id);
}

// A replay of an earlier buy-in: the same payment again (same partner and amount) is answered as
// before; the same id for something else is refused.
std::optional<service_result<partner_detail>> replay(mysql_connection& db, std::uint64_t merchant_id, const cash_buy_in& payment,
                                                      std::optional<std::uint64_t> partner_id, std::optional<std::uint64_t> user_id) {
    if (payment.request_id.empty()) return std::nullopt;
    auto earlier = find_ledger_transaction(db, cash_buy_in_kind, buy_in_reference(merchant_id, payment.request_id));
    if (!earlier) return std::nullopt;
    auto buy_in = find_buy_in_by_ledger_transaction(db, *earlier);
    auto partner = buy_in ? find_partner(db, merchant_id, buy_in->partner_id) : std::nullopt;
    if (!buy_in || !partner || buy_in->amount_fen != payment.amount_fen || (partner_id && *partner_id != partner->id) ||
        (user_id && *user_id != partner->user_id))
        return service_result<partner_detail>(failure(service_failure::request_id_reused));
    auto detail = load_detail(db, merchant_id, partner->id);
    detail.replayed = true;
    return service_result<partner_detail>(std::move(detail));
}

// The stored value and the ledger move together with the buy-in row.
void write_cash_buy_in(mysql_connection& db, std::uint64_t caller, std::uint64_t merchant_id, const partner_record& partner,
                       const cash_buy_in& payment, wall_time at) {
    const auto now = format_sql_datetime_utc(at);
    ledger_posting posting{merchant_id, cash_buy_in_kind, buy_in_reference(merchant_id, payment.request_id), caller,
                           cash_buy_in_entries(partner.user_id, payment.amount_fen), now};
    const auto transaction_id = post_ledger_transaction(db, posting);
    insert_buy_in(db, partner.id, merchant_id, payment.amount_fen, "cash", payment.note, caller, transaction_id, now);
    add_partner_buy_in(db, partner.id, payment.amount_fen);
}


// The member journey hears of a partnership begun or ended (docs/members.md, "Stages").
void note_partner_stage(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, stage_event event, wall_time at) {
    const auto context = load_member_context(db, merchant_id);
    auto profile = lock_member_profile(db, merchant_id, user_id, at);
    apply_stage_event(db, context, profile, event, std::nullopt, at);
}

}  // namespace

asio::awaitable<service_result<partner_detail>> partner_service::enrol(std::uint64_t caller, std::uint64_t merchant_id,
                                                                        std::uint64_t user_id, cash_buy_in payment) {
    const auto now = clock_.now();
    auto write = [=](mysql_connection& db) -> service_result<partner_detail> {
        if (auto denied = check_store_access(db, merchant_id, caller, {})) return *denied;
        if (auto replayed = replay(db, merchant_id, payment, std::nullopt, user_id)) return std::move(*replayed);
        if (!user_exists(db, user_id)) return failure(service_failure::user_not_found);
        const auto tiers = current_tiers(db, merchant_id);
        if (tiers.empty()) return failure(service_failure::no_tiers);
        if (!tier_for_total_buy_in(tiers, payment.amount_fen)) return failure(service_failure::below_lowest_tier);
        if (find_partner_by_user(db, merchant_id, user_id)) return failure(service_failure::already_partner);
        if (auto refused = check_partner_requires_member(db, merchant_id, user_id)) return *refused;
        // A concurrent enrolment of the same user may win the unique key: the pool then runs this
        // again, and the replay check (the same request id) or the partner check above answers.
        const auto partner_id = insert_partner(db, merchant_id, user_id, caller);
        write_cash_buy_in(db, caller, merchant_id, *find_partner(db, merchant_id, partner_id), payment, now);
        note_partner_stage(db, merchant_id, user_id, stage_event::became_partner, now);
        return load_detail(db, merchant_id, partner_id);
    };
    co_return co_await database_.transaction(std::move(write), mysql_pool::conflicts::rerun_on_duplicate_key);
}

asio::awaitable<service_result<partner_detail>> partner_service::top_up(std::uint64_t caller, std::uint64_t merchant_id,
                                                                         std::uint64_t partner_id, cash_buy_in payment) {
    const auto now = clock_.now();
    auto write = [=](mysql_connection& db) -> service_result<partner_detail> {
        if (auto denied = check_store_access(db, merchant_id, caller, {})) return *denied;
        auto partner = find_partner(db, merchant_id, partner_id, true);
        if (!partner) return failure(service_failure::partner_not_found);
        if (auto replayed = replay(db, merchant_id, payment, partner_id, std::nullopt)) return std::move(*replayed);
        if (partner->status == partner_status::ended) return failure(service_failure::partner_ended);
        write_cash_buy_in(db, caller, merchant_id, *partner, payment, now);
        return load_detail(db, merchant_id, partner_id);
    };
    co_return co_await database_.transaction(std::move(write), mysql_pool::conflicts::rerun_on_duplicate_key);
}

asio::awaitable<service_result<partner_detail>> partner_service::change_status(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                std::uint64_t partner_id, status_change change) {
    const auto now = clock_.now();
    auto write = [=](mysql_connection& db) -> service_result<partner_detail> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        auto partner = find_partner(db, merchant_id, partner_id, true);
        if (!partner) return failure(service_failure::partner_not_found);
        // Ending is final: the leads stay (for the dividends the merchant chose), the partnership does not come back.
        if (partner->status == partner_status::ended) return failure(service_failure::partner_ended);
        update_partner_status(db, partner_id, change.status, change.when_inactive.value_or(partner->when_inactive), change.note,
                              caller);
        if (change.status == partner_status::ended) note_partner_stage(db, merchant_id, partner->user_id, stage_event::left_partner, now);
        return load_detail(db, merchant_id, partner_id);
    };
    co_return co_await database_.transaction(std::move(write));
}

asio::awaitable<service_result<partner_detail>> partner_service::partner(std::uint64_t caller, std::uint64_t merchant_id,
                                                                          std::uint64_t partner_id) {
    auto read = [=](mysql_connection& db) -> service_result<partner_detail> {
        if (auto denied = check_store_access(db, merchant_id, caller, {})) return *denied;
        if (!find_partner(db, merchant_id, partner_id)) return failure(service_failure::partner_not_found);
        return load_detail(db, merchant_id, partner_id);
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<std::vector<partner_list_item>>> partner_service::partners(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                          std::optional<std::string> status,
                                                                                          std::uint64_t before_id, int limit) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<partner_list_item>> {
        if (auto denied = check_store_access(db, merchant_id, caller, {})) return *denied;
        const auto tiers = current_tiers(db, merchant_id);
        std::vector<partner_list_item> out;
        for (auto& p : list_partners(db, merchant_id, status, before_id, limit)) {
            auto tier = tier_for_total_buy_in(tiers, p.total_buy_in_fen);
            out.push_back({std::move(p), std::move(tier)});
        }
        return out;
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<card_pack_record>> partner_service::issue_pack(std::uint64_t caller, std::uint64_t merchant_id,
                                                                               std::uint64_t partner_id, std::uint64_t card_template_id,
                                                                               int quota) {
    const auto now = clock_.now();
    auto write = [=](mysql_connection& db) -> service_result<card_pack_record> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        auto partner = find_partner(db, merchant_id, partner_id, true);
        if (!partner) return failure(service_failure::partner_not_found);
        if (partner->status != partner_status::active) return failure(service_failure::partner_not_active);
        auto templates = list_card_templates(db, merchant_id, card_template_id + 1, 1);
        if (templates.empty() || templates.front().id != card_template_id) return failure(service_failure::card_template_not_found);
        if (templates.front().valid_until <= now) return failure(service_failure::card_expired);
        const auto pack_id = insert_card_pack(db, merchant_id, card_template_id, partner_id, quota, caller);
        return *find_card_pack(db, pack_id);
    };
    co_return co_await database_.transaction(std::move(write));
}

asio::awaitable<service_result<std::vector<lead_record>>> partner_service::leads(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                 lead_filter filter, std::uint64_t before_id, int limit) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<lead_record>> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        auto scoped = filter;
        scoped.merchant_id = merchant_id;  // never another store's
        scoped.partner_user_id = 0;
        return list_leads(db, scoped, before_id, limit);
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<std::vector<lead_change_record>>> partner_service::lead_history(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                               std::uint64_t customer_user_id,
                                                                                               std::uint64_t partner_id,
                                                                                               std::uint64_t before_id, int limit) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<lead_change_record>> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        return list_lead_changes(db, merchant_id, customer_user_id, partner_id, before_id, limit);
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<lead_record>> partner_service::reassign(std::uint64_t caller, std::uint64_t merchant_id,
                                                                        std::uint64_t customer_user_id, std::uint64_t partner_id,
                                                                        std::string reason) {
    auto write = [=](mysql_connection& db) -> service_result<lead_record> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner})) return *denied;
        if (!user_exists(db, customer_user_id)) return failure(service_failure::user_not_found);
        auto partner = find_partner(db, merchant_id, partner_id);
        if (!partner) return failure(service_failure::partner_not_found);
        if (partner->status != partner_status::active) return failure(service_failure::partner_not_active);
        if (partner->user_id == customer_user_id) return failure(service_failure::self_referral);
        // FOR UPDATE: a claim or another reassignment of this customer waits for us.
        auto current = find_lead_owner(db, merchant_id, customer_user_id, "update");
        if (current && current->partner_id == partner_id) return failure(service_failure::already_owner);
        if (current) replace_lead_owner(db, merchant_id, customer_user_id, partner_id, std::nullopt);
        else insert_lead(db, merchant_id, customer_user_id, partner_id, std::nullopt);
        std::optional<std::uint64_t> previous;
        if (current) previous = current->partner_id;
        insert_lead_change(db, merchant_id, customer_user_id, previous, partner_id, "reassigned", caller, reason);
        return list_leads(db, lead_filter{merchant_id, 0, 0, customer_user_id}, 0, 1).front();
    };
    co_return co_await database_.transaction(std::move(write));
}

asio::awaitable<std::vector<partner_list_item>> partner_service::memberships(std::uint64_t user_id) {
    auto read = [=](mysql_connection& db) {
        std::vector<partner_list_item> out;
        for (auto& p : list_memberships(db, user_id)) {
            auto tier = tier_for_total_buy_in(current_tiers(db, p.merchant_id), p.total_buy_in_fen);
            out.push_back({std::move(p), std::move(tier)});
        }
        return out;
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<std::vector<card_pack_record>> partner_service::my_packs(std::uint64_t user_id, std::uint64_t before_id, int limit) {
    auto read = [=](mysql_connection& db) { return list_card_packs(db, std::nullopt, user_id, before_id, limit); };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<std::vector<lead_record>> partner_service::my_customers(std::uint64_t user_id, std::uint64_t merchant_id,
                                                                        std::uint64_t before_id, int limit) {
    auto read = [=](mysql_connection& db) { return list_leads(db, lead_filter{merchant_id, 0, user_id, 0}, before_id, limit); };
    co_return co_await database_.run(std::move(read));
}

}  // namespace sharedstore

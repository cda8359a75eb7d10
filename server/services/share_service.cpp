#include "server/services/share_service.hpp"

#include "server/services/alliance_fans.hpp"

#include "server/services/member_journey.hpp"

#include "common/dependency_error.hpp"
#include "common/random_token.hpp"
#include "server/domain/card_templates.hpp"
#include "server/domain/rfc3339.hpp"
#include "server/domain/share_links.hpp"
#include "server/storage/partner_repository.hpp"


#include <algorithm>

namespace sharedstore {

namespace asio = boost::asio;
using clock_type = std::chrono::system_clock;

namespace {



share_state state_of(const share_context& c, clock_type::time_point now) {
    return share_state_at(share_state_facts{.revoked = c.share.revoked,
                                            .partner_active = c.partner_state == partner_status::active,
                                            .valid_from = c.valid_from_time,
                                            .valid_until = c.valid_until_time,
                                            .quota = c.quota,
                                            .claimed = c.claimed},
                          now);
}

// Same person: the partner's own user, or another account with the same unionid or phone.
bool same_person(std::uint64_t customer, std::uint64_t partner_user, const person_facts& a, const person_facts& b) {
    return customer == partner_user || (!a.unionid.empty() && a.unionid == b.unionid) || (!a.phone.empty() && a.phone == b.phone);
}

// The claim, in one READ COMMITTED transaction:
// 1. the pack row is locked FOR UPDATE, so claims through one pack queue and its quota is exact;
// 2. the (store, customer) lead row is read FOR UPDATE when it exists; when it does not, the
//    INSERT races on the primary key: one claim inserts, the others get a duplicate-key error
//    (after waiting for the winner's commit), re-read the owner share-locked, and answer
//    owned_by_other. READ COMMITTED keeps gap locks out, so the losers do not deadlock.
service_result<claim_result> claim_in_transaction(mysql_connection& db, std::uint64_t customer, const std::string& code, wall_time now) {
    use_read_committed(db);
    auto ctx = find_share_context(db, code);
    if (!ctx) return failure(service_failure::share_not_found);
    const auto merchant = ctx->share.merchant_id;
    const auto pack = ctx->share.card_pack_id;
    auto [quota, claimed] = lock_card_pack(db, pack);
    ctx->quota = quota;
    ctx->claimed = claimed;

    claim_facts f;
    f.now = now;
    f.share_revoked = ctx->share.revoked;
    f.partner_active = ctx->partner_state == partner_status::active;
    f.valid_from = ctx->valid_from_time;
    f.valid_until = ctx->valid_until_time;
    f.pack_quota = quota;
    f.pack_claimed = claimed;
    f.customer_is_partner_user = same_person(customer, ctx->partner_user_id, find_person_facts(db, customer), find_person_facts(db, ctx->partner_user_id));
    const auto purchases = find_purchase_facts(db, merchant, customer);
    f.customer_bought_here_before = purchases.first.has_value();
    f.store_allows_existing_customers = ctx->allow_existing_customers;
    f.store_gives_cards_to_owned_customers = ctx->cards_for_owned_customers;
    f.claiming_partner_id = ctx->share.partner_id;

    const char* lock = "update";
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto owner = find_lead_owner(db, merchant, customer, lock);
        f.current_owner_partner_id.reset();
        f.binding_lapses_at.reset();
        if (owner) {
            f.current_owner_partner_id = owner->partner_id;
            if (ctx->protection_days) {
                // Protection runs from the binding or the customer's last purchase, whichever is later.
                const auto since = std::max(owner->bound_at, purchases.last.value_or(owner->bound_at));
                f.binding_lapses_at = since + std::chrono::hours(24) * *ctx->protection_days;
            }
        }
        const auto decision = decide_claim(f);
        if (decision.take_ownership) {
            if (owner) {
                replace_lead_owner(db, merchant, customer, ctx->share.partner_id, ctx->share.id);
            } else {
                if (insert_lead(db, merchant, customer, ctx->share.partner_id, ctx->share.id) == insert_outcome::duplicate) {
                    lock = "share";  // the duplicate check already holds a shared lock on the winner's row
                    continue;
                }
            }
            std::optional<std::uint64_t> previous;
            if (owner) previous = owner->partner_id;
            insert_lead_change(db, merchant, customer, previous, ctx->share.partner_id,
                               decision.replaces_lapsed_owner ? "claimed_after_lapse" : "claimed", customer, "");
        }
        bool holds = has_card_claim(db, pack, customer);
        if (decision.give_card && !holds) {
            insert_card_claim(db, pack, ctx->share.id, merchant, customer);
            ++ctx->claimed;
            holds = true;
        }
        // The member journey: a claim is an identified contact, and the first claim that binds the
        // customer to a partner links them to that partner for life (docs/members.md).
        record_member_contact(db, merchant, customer, "claim", now);
        // The alliance: a claimed card of a member store locks the consumer to it, first touch wins
        // (docs/alliance.md, "Fan locks").
        if (holds) touch_alliance_fan(db, customer, merchant, "claim", now);
        if (decision.take_ownership) link_first_referral(db, customer, ctx->partner_user_id, merchant, ctx->share.id, now);
        return claim_result{decision.outcome, holds, std::move(*ctx)};
    }
    // Two lost races in one claim: the winner's row vanished in between (a rollback). Let the
    // caller retry the whole claim.
    throw std::runtime_error("claim: lead row changed twice during the claim");
}

}  // namespace

asio::awaitable<service_result<created_share>> share_service::create(std::uint64_t partner_user_id, std::uint64_t card_pack_id) {
    const auto now = clock_.now();
    auto write = [=, page = config_.page](mysql_connection& db) -> service_result<created_share> {
        auto pack = find_card_pack(db, card_pack_id);
        // Someone else's pack does not exist for this caller (404, not 403: ids are not to be probed).
        if (!pack) return failure(service_failure::card_pack_not_found);
        auto partner = find_partner(db, pack->merchant_id, pack->partner_id, true);
        if (!partner || partner->user_id != partner_user_id) return failure(service_failure::card_pack_not_found);
        if (partner->status != partner_status::active) return failure(service_failure::partner_not_active);
        if (pack->claimed >= pack->quota) return failure(service_failure::pack_exhausted);
        if (pack->valid_until <= now) return failure(service_failure::card_expired);
        if (count_active_shares(db, card_pack_id) >= max_active_shares_per_pack) return failure(service_failure::too_many_shares);
        const auto code = random_url_token(share_code_random_bytes);
        insert_share(db, code, card_pack_id, partner->id, pack->merchant_id);
        return created_share{code, share_path(page, code), share_qr_scene(code), card_pack_id};
    };
    co_return co_await database_.transaction(std::move(write));
}

asio::awaitable<service_result<bool>> share_service::revoke(std::uint64_t partner_user_id, std::string code) {
    if (!is_share_code(code)) co_return failure(service_failure::share_not_found);
    auto write = [=](mysql_connection& db) -> service_result<bool> {
        if (!revoke_share(db, code, partner_user_id)) return failure(service_failure::share_not_found);
        return true;
    };
    co_return co_await database_.transaction(std::move(write));
}

asio::awaitable<service_result<share_view>> share_service::view(std::string code) {
    if (!is_share_code(code)) co_return failure(service_failure::share_not_found);
    const auto now = clock_.now();
    auto read = [=](mysql_connection& db) -> service_result<share_view> {
        auto ctx = find_share_context(db, code);
        if (!ctx) return failure(service_failure::share_not_found);
        auto state = state_of(*ctx, now);
        return share_view{std::move(*ctx), std::move(state)};
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<claim_result>> share_service::claim(std::uint64_t customer_user_id, std::string code) {
    if (!is_share_code(code)) co_return failure(service_failure::share_not_found);
    // A deadlock (a lapsed binding claimed through two links at once) rolls one claim back whole;
    // the pool runs it again.
    const auto now = clock_.now();
    auto work = [=](mysql_connection& db) { return claim_in_transaction(db, customer_user_id, code, now); };
    co_return co_await database_.transaction(std::move(work));
}

asio::awaitable<service_result<qr_image>> share_service::qr_code(std::string code) {
    using qr_result = service_result<qr_image>;
    if (!is_share_code(code)) co_return qr_result(failure(service_failure::share_not_found));
    // The share must be live; a revoked link's cached image is never served.
    auto check = [=](mysql_connection& db) {
        auto ctx = find_share_context(db, code);
        return ctx && !ctx->share.revoked;
    };
    if (!co_await database_.run(std::move(check))) co_return qr_result(failure(service_failure::share_not_found));

    const std::string cache_key = "qr:share:" + code;
    bool cache_up = true;
    try {
        std::vector<std::string> get{"GET", cache_key};
        auto cached = co_await redis_.command(std::move(get));
        if (cached.type == redis_reply::kind::string) co_return qr_result(qr_image{std::move(cached.str), true});
    } catch (const dependency_unavailable&) {
        cache_up = false;  // serve from WeChat without the cache rather than fail
    }
    wxacode_request request;
    request.scene = share_qr_scene(code);
    request.page = config_.page;
    request.env_version = config_.qr_env_version;
    // WeChat only checks the page against the released version; trial and develop builds skip it.
    request.check_path = config_.qr_env_version == "release";
    auto image = co_await wechat_.get_wxacode_unlimit(std::move(request));
    if (!image) {
        log_.warn("share_qr_failed", {{"errcode", image.error().errcode}, {"unreachable", image.error().unreachable}});
        co_return qr_result(failure(service_failure::qr_unavailable));
    }
    if (cache_up) {
        try {
            std::vector<std::string> set{"SET", cache_key, image.value(), "EX", std::to_string(config_.qr_cache_ttl.count())};
            co_await redis_.command(std::move(set));
        } catch (const dependency_unavailable&) {
        }
    }
    co_return qr_result(qr_image{std::move(image.value()), false});
}

}  // namespace sharedstore

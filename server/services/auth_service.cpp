#include "server/services/auth_service.hpp"

#include "common/dependency_error.hpp"
#include "server/domain/masking.hpp"

namespace sharedstore {

namespace asio = boost::asio;
using namespace std::chrono_literals;

auth_service::auth_service(wechat_api& api, wechat_client& client, mysql_pool& database, session_store& sessions,
                           rate_limiter& limiter, const auth_config& config, logger& log)
    : api_(api), client_(client), database_(database), sessions_(sessions), limiter_(limiter), config_(config), log_(log) {}

service_error auth_service::from_wechat(const wechat_error& e, service_failure code_invalid) const {
    if (e.unreachable || e.errcode == wechat_errcode::system_busy)
        return service_error{.kind = service_failure::wechat_unavailable, .problems = {}, .retry_after = 2s, .detail = {}};
    switch (e.errcode) {
    case wechat_errcode::invalid_code:
    case wechat_errcode::code_used: return failure(code_invalid);
    case wechat_errcode::rate_limited:
        return service_error{.kind = service_failure::wechat_rate_limited, .problems = {}, .retry_after = 60s, .detail = {}};
    case wechat_errcode::risky_user: return failure(service_failure::wechat_risky_user);
    default: break;
    }
    // Wrong secret or appid, or an errcode we do not know: operators must see it.
    log_.error("wechat_unexpected_errcode", {{"errcode", e.errcode}, {"errmsg", e.errmsg}});
    return service_error{.kind = service_failure::wechat_error, .problems = {}, .retry_after = {}, .detail = "errcode " + std::to_string(e.errcode)};
}

namespace {
service_error rate_limited(std::chrono::seconds retry_after) {
    return service_error{.kind = service_failure::login_rate_limited, .problems = {}, .retry_after = retry_after, .detail = {}};
}
}  // namespace

asio::awaitable<service_result<login_success>> auth_service::login(std::string code, std::string client_address) {
    // Before calling WeChat: one address cannot make us burn WeChat's quota.
    std::string address_key = "login:ip:" + client_address;  // named: docs/coroutines.md
    auto by_address = co_await limiter_.hit(std::move(address_key), config_.login_limit_per_ip, 60s);
    if (!by_address.allowed) co_return rate_limited(by_address.retry_after);

    auto session = co_await api_.jscode2session(std::move(code));
    if (!session) co_return from_wechat(session.error(), service_failure::login_code_invalid);
    auto& wechat_session = session.value();

    std::string openid_key = "login:openid:" + wechat_session.openid;
    auto by_openid = co_await limiter_.hit(std::move(openid_key), config_.login_limit_per_openid, 60s);
    if (!by_openid.allowed) co_return rate_limited(by_openid.retry_after);

    const std::string appid = api_.appid();
    auto upsert = [appid, openid = wechat_session.openid, unionid = wechat_session.unionid](mysql_connection& db) {
        return upsert_user_by_openid(db, appid, openid, unionid);
    };
    auto user = co_await database_.run(std::move(upsert));
    auto token = co_await sessions_.create(user.id, wechat_session.openid, std::move(wechat_session.session_key));
    log_.info("login", {{"user_id", user.id}, {"openid", mask_openid(user.openid)}});
    co_return login_success{std::move(token), sessions_.ttl(), std::move(user)};
}

asio::awaitable<std::optional<user_record>> auth_service::user(std::uint64_t user_id) {
    auto lookup = [user_id](mysql_connection& db) { return find_user(db, user_id); };
    co_return co_await database_.run(std::move(lookup));
}

asio::awaitable<service_result<user_record>> auth_service::bind_phone(std::uint64_t user_id, std::string code) {
    auto phone = co_await client_.get_user_phone_number(std::move(code));
    if (!phone) co_return from_wechat(phone.error(), service_failure::phone_code_invalid);
    auto update = [user_id, number = phone.value().pure_phone_number, country = phone.value().country_code](mysql_connection& db) {
        set_user_phone(db, user_id, number, country);
        auto user = find_user(db, user_id);
        if (!user) throw std::runtime_error("user vanished while binding a phone");
        return *user;
    };
    co_return co_await database_.transaction(std::move(update));
}

}  // namespace sharedstore

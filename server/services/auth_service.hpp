#pragma once
// Mini-program login and the signed-in user's profile: code -> WeChat session -> our user and
// session token; phone binding from a getPhoneNumber code. Expected failures are values.
#include "common/log.hpp"
#include "common/mysql_pool.hpp"
#include "common/result.hpp"
#include "server/config.hpp"
#include "server/services/service_error.hpp"
#include "server/storage/rate_limiter.hpp"
#include "server/storage/session_store.hpp"
#include "server/storage/user_repository.hpp"
#include "wechat/wechat_api.hpp"
#include "wechat/wechat_client.hpp"

#include <boost/asio/awaitable.hpp>

namespace sharedstore {

struct login_success {
    std::string token;
    std::chrono::seconds expires_in;
    user_record user;
};

class auth_service {
public:
    auth_service(wechat_api& api, wechat_client& client, mysql_pool& database, session_store& sessions, rate_limiter& limiter,
                 const auth_config& config, logger& log);

    boost::asio::awaitable<service_result<login_success>> login(std::string code, std::string client_address);
    boost::asio::awaitable<std::optional<user_record>> user(std::uint64_t user_id);
    boost::asio::awaitable<service_result<user_record>> bind_phone(std::uint64_t user_id, std::string code);

private:
    service_error from_wechat(const wechat_error& e, service_failure code_invalid) const;

    wechat_api& api_;
    wechat_client& client_;
    mysql_pool& database_;
    session_store& sessions_;
    rate_limiter& limiter_;
    auth_config config_;
    logger& log_;
};

}  // namespace sharedstore

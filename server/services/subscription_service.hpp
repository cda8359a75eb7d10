#pragma once
// WeChat one-time subscriptions the mini-program reports (wx.requestSubscribeMessage accepted):
// each acceptance lets the reminder fallback send one subscribe message (push/outbox_relay).
#include "common/mysql_pool.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>

namespace sharedstore {

class subscription_service {
public:
    explicit subscription_service(mysql_pool& database) : database_(database) {}
    // Adds `accepted` acceptances of the template; returns the user's remaining count.
    boost::asio::awaitable<std::int64_t> record(std::uint64_t user_id, std::string template_id, int accepted);

private:
    mysql_pool& database_;
};

}  // namespace sharedstore

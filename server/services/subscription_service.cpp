#include "server/services/subscription_service.hpp"

#include "server/storage/subscription_repository.hpp"

namespace sharedstore {

boost::asio::awaitable<std::int64_t> subscription_service::record(std::uint64_t user_id, std::string template_id, int accepted) {
    auto write = [=](mysql_connection& db) { return add_accepted_subscriptions(db, user_id, template_id, accepted); };
    co_return co_await database_.transaction(std::move(write));
}

}  // namespace sharedstore

#pragma once
// Share links of card packs, their public view and QR code, and the claim that decides who owns
// a customer (docs/business-rules.md section 2). The claim's race is settled by the database: see
// share_service.cpp for the locking protocol.
#include "server/domain/share_links.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"
#include "common/mysql_pool.hpp"
#include "common/redis_client.hpp"
#include "server/domain/lead_ownership.hpp"
#include "server/services/merchant_service.hpp"
#include "server/storage/lead_repository.hpp"
#include "wechat/wechat_client.hpp"

#include <boost/asio/awaitable.hpp>

namespace sharedstore {

struct share_config {
    std::string page = "pages/share/index";  // the mini-program page that opens a share
    std::string qr_env_version = "release";  // release | trial | develop (getwxacodeunlimit env_version)
    std::chrono::seconds qr_cache_ttl{30 * 24 * 3600};
};

constexpr int max_active_shares_per_pack = 20;

struct created_share {
    std::string code, path, qr_scene;
    std::uint64_t card_pack_id = 0;
};

// The card as a customer sees it; never the partner.
struct share_view {
    share_context context;
    share_state state = share_state::open;
};

struct claim_result {
    claim_outcome outcome;
    bool holds_card = false;  // the customer holds this card (given now or before)
    share_context context;
};

struct qr_image {
    std::string png;
    bool from_cache = false;
};


class share_service {
public:
    share_service(mysql_pool& database, redis_client& redis, wechat_client& wechat, share_config config, logger& log,
                  const wall_clock& clock = system_clock_instance())
        : database_(database), redis_(redis), wechat_(wechat), config_(std::move(config)), log_(log), clock_(clock) {}

    const share_config& config() const { return config_; }

    // A new link for one of the caller's own packs (partner active, card valid, quota left).
    boost::asio::awaitable<service_result<created_share>> create(std::uint64_t partner_user_id, std::uint64_t card_pack_id);
    boost::asio::awaitable<service_result<bool>> revoke(std::uint64_t partner_user_id, std::string code);
    boost::asio::awaitable<service_result<share_view>> view(std::string code);
    boost::asio::awaitable<service_result<claim_result>> claim(std::uint64_t customer_user_id, std::string code);
    // The share's QR code from getwxacodeunlimit, cached in Redis so one share costs one WeChat call.
    boost::asio::awaitable<service_result<qr_image>> qr_code(std::string code);

private:
    mysql_pool& database_;
    redis_client& redis_;
    wechat_client& wechat_;
    share_config config_;
    logger& log_;
    const wall_clock& clock_;
};

}  // namespace sharedstore

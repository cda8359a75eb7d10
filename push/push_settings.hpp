#pragma once
// Settings of real-time reminders (config keys push.*, docs/configuration.md).
#include <chrono>
#include <cstddef>
#include <string>

namespace sharedstore {

struct push_settings {
    std::chrono::milliseconds ping_interval{25000};  // the server pings each connection this often
    std::chrono::milliseconds idle_timeout{60000};   // nothing received for this long: closed
    std::size_t max_frame_bytes = 4096;              // client frames above this: closed (1008)
    std::size_t send_queue_limit = 256;              // frames waiting for a slow client: past it, closed (1013)
    std::chrono::milliseconds write_timeout{10000};  // one frame's write
    std::chrono::milliseconds resume_window{1000};   // a client that sends no resume gets live events after this
    int inbox_max_events = 1000;                     // per user, the newest kept for resume
    std::chrono::seconds inbox_ttl{7 * 24 * 3600};   // an inbox untouched this long is dropped
    std::chrono::seconds redis_loss_replay{3600};   // Redis lost its data: events relayed this recently go again
    std::chrono::milliseconds relay_interval{200};   // the relay's poll when nothing woke it (commits wake it)
    std::chrono::milliseconds ack_timeout{30000};    // unacknowledged this long: the subscribe-message fallback
    // The fallback's WeChat subscribe message; empty template: no fallback.
    std::string subscribe_template_id;
    std::string subscribe_page = "pages/dividends/index";
    std::string subscribe_miniprogram_state = "formal";  // developer | trial | formal
    std::string field_amount = "amount1";
    std::string field_merchant = "thing2";
    std::string field_time = "time3";
    std::string field_customer = "thing4";
};

}  // namespace sharedstore

#pragma once
// The connections this instance holds, by user: where a poke for a user goes, what presence this
// instance advertises, and whom to tell on shutdown. Thread-safe.
#include "push/inbox.hpp"

#include <boost/container/small_vector.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sharedstore {

class push_session;

class connection_hub {
public:
    // True when it is the user's first connection here (presence must be advertised now).
    bool add(std::uint64_t user_id, const std::shared_ptr<push_session>& session);
    void remove(std::uint64_t user_id, const push_session* session);
    // Each of the user's sessions here looks at the inbox.
    void poke(std::uint64_t user_id);
    // Frames for many users (one poke entry), each user's sessions getting theirs: handed over an
    // executor at a time, one post per event loop instead of one per session
    // (http_server::set_connection_loops). Sessions on strands of their own (no loops) get one
    // post each (push_session::deliver).
    using user_frames = std::pair<std::uint64_t, std::vector<poked_frame>>;
    void deliver(std::vector<user_frames> batch);
    void poke_all();
    void close_all(std::uint16_t code);
    // The user's sockets opened with this login session close with 4401.
    // Returns how many there were.
    int end_session(std::uint64_t user_id, const std::string& session_id);
    std::vector<std::uint64_t> users() const;
    std::size_t connections() const;

private:
    // Inline for up to two (a user's phone and one more): no allocation per poke or delivery.
    boost::container::small_vector<std::shared_ptr<push_session>, 2> sessions_of(std::uint64_t user_id) const;

    mutable std::mutex mutex_;
    std::unordered_map<std::uint64_t, std::vector<std::weak_ptr<push_session>>> by_user_;
    std::size_t count_ = 0;
};

}  // namespace sharedstore

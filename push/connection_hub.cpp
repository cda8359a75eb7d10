#include "push/connection_hub.hpp"

#include "push/push_session.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

namespace sharedstore {

bool connection_hub::add(std::uint64_t user_id, const std::shared_ptr<push_session>& session) {
    std::lock_guard lock(mutex_);
    auto& sessions = by_user_[user_id];
    const bool first = sessions.empty();
    sessions.push_back(session);
    ++count_;
    return first;
}

void connection_hub::remove(std::uint64_t user_id, const push_session* session) {
    std::lock_guard lock(mutex_);
    auto it = by_user_.find(user_id);
    if (it == by_user_.end()) return;
    auto& sessions = it->second;
    auto gone = std::remove_if(sessions.begin(), sessions.end(), [&](const std::weak_ptr<push_session>& w) {
        auto s = w.lock();
        return !s || s.get() == session;
    });
    count_ -= static_cast<std::size_t>(std::distance(gone, sessions.end()));
    sessions.erase(gone, sessions.end());
    if (sessions.empty()) by_user_.erase(it);
}

boost::container::small_vector<std::shared_ptr<push_session>, 2> connection_hub::sessions_of(std::uint64_t user_id) const {
    boost::container::small_vector<std::shared_ptr<push_session>, 2> out;
    std::lock_guard lock(mutex_);
    if (auto it = by_user_.find(user_id); it != by_user_.end())
        for (const auto& w : it->second)
            if (auto s = w.lock()) out.push_back(std::move(s));
    return out;
}

void connection_hub::poke(std::uint64_t user_id) {
    for (auto& s : sessions_of(user_id)) s->poke();
}

void connection_hub::deliver(std::vector<user_frames> batch) {
    struct parcel {
        boost::asio::any_io_executor executor;
        std::vector<std::pair<std::shared_ptr<push_session>, std::vector<poked_frame>>> items;
    };
    // Few with loops (one per io thread). Strands are each their own executor: past this many
    // parcels a session gets its own post, so that the search stays short.
    constexpr std::size_t max_parcels = 64;
    std::vector<parcel> parcels;
    std::size_t last = 0;
    for (auto& [user, frames] : batch) {
        auto sessions = sessions_of(user);
        for (std::size_t i = 0; i < sessions.size(); ++i) {
            auto frames_for_this = i + 1 == sessions.size() ? std::move(frames) : frames;  // a second phone gets copies
            const auto executor = sessions[i]->executor();
            std::size_t at = parcels.size();
            if (last < parcels.size() && parcels[last].executor == executor) at = last;
            else
                for (std::size_t p = 0; p < parcels.size(); ++p)
                    if (parcels[p].executor == executor) {
                        at = p;
                        break;
                    }
            if (at == parcels.size()) {
                if (parcels.size() == max_parcels) {
                    sessions[i]->deliver(std::move(frames_for_this));
                    continue;
                }
                parcels.push_back({executor, {}});
            }
            last = at;
            parcels[at].items.emplace_back(std::move(sessions[i]), std::move(frames_for_this));
        }
    }
    for (auto& p : parcels) {
        auto executor = p.executor;
        boost::asio::post(executor, [items = std::move(p.items)]() mutable {
            for (auto& [session, frames] : items) session->take_here(frames);
        });
    }
}

int connection_hub::end_session(std::uint64_t user_id, const std::string& session_id) {
    int ended = 0;
    for (auto& s : sessions_of(user_id)) {
        if (s->session_id() != session_id) continue;
        s->close(close_code::session_ended, "signed out; sign in again");
        ++ended;
    }
    return ended;
}

void connection_hub::poke_all() {
    for (auto user : users()) poke(user);
}

void connection_hub::close_all(std::uint16_t code) {
    std::vector<std::shared_ptr<push_session>> all;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [user, sessions] : by_user_)
            for (const auto& w : sessions)
                if (auto s = w.lock()) all.push_back(std::move(s));
    }
    for (auto& s : all) s->close(code, "server shutting down");
}

std::vector<std::uint64_t> connection_hub::users() const {
    std::lock_guard lock(mutex_);
    std::vector<std::uint64_t> out;
    out.reserve(by_user_.size());
    for (const auto& [user, sessions] : by_user_) out.push_back(user);
    return out;
}

std::size_t connection_hub::connections() const {
    std::lock_guard lock(mutex_);
    return count_;
}

}  // namespace sharedstore

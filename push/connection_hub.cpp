#include "push/connection_hub.hpp"

#include "push/push_session.hpp"

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

void connection_hub::deliver(std::uint64_t user_id, std::vector<poked_frame> frames) {
    auto sessions = sessions_of(user_id);
    for (std::size_t i = 0; i < sessions.size(); ++i) {
        if (i + 1 == sessions.size()) sessions[i]->deliver(std::move(frames));
        else sessions[i]->deliver(frames);  // a second phone gets copies
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

#include "push/inbox.hpp"

#include "common/dependency_error.hpp"
#include "common/redis_lease.hpp"

#include <algorithm>
#include <charconv>

namespace sharedstore {

namespace asio = boost::asio;

namespace {

std::string inbox_key(std::uint64_t user) { return "inbox:" + std::to_string(user); }
std::string presence_key(std::uint64_t user) { return "presence:" + std::to_string(user); }
std::string ack_key(std::uint64_t user) { return "acked:" + std::to_string(user); }
const std::string fallback_key = "push:fallback-due";
const std::string relay_lock_key = "push:relay-lock";
const std::string relay_mark_key = "push:relay-mark";

std::int64_t epoch_ms(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// Redis said no: an error reply is a bug of ours or a Redis problem, never something to skip.
redis_reply checked(redis_reply reply) {
    if (reply.is_error()) throw dependency_unavailable("redis", reply.str);
    return reply;
}

std::uint64_t to_id(const std::string& text) {
    std::uint64_t v = 0;
    std::from_chars(text.data(), text.data() + text.size(), v);
    return v;
}

}  // namespace

std::optional<std::uint64_t> parse_event_id(std::string_view text) {
    if (text.size() < 3 || text.substr(text.size() - 2) != "-0") return std::nullopt;
    std::uint64_t id = 0;
    auto digits = text.substr(0, text.size() - 2);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    return id;
}

std::string format_event_id(std::uint64_t id) { return std::to_string(id) + "-0"; }

std::string pokes_key(const std::string& instance) { return "pokes:" + instance; }
std::string session_ends_key() { return "push:session-ends"; }

asio::awaitable<inbox::relay_outcome> inbox::relay_batch(std::vector<relayed_event> events, std::int64_t expected_mark_us, std::int64_t now_us) {
    // KEYS: none (every key is derived here, so the script suits a single Redis, not a cluster).
    // ARGV: max_len, ttl_s, now_ms, expected_mark_us, now_us, then (user, id, frame, due_ms) quadruples.
    // Stamps are microseconds since the epoch: below 2^53, exact in Lua's doubles.
    static const std::string script = R"lua(
local max_len, ttl, now, expected, stamp = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local mark = tonumber(redis.call('GET', 'push:relay-mark') or '0')
-- MariaDB says events were relayed after the last batch Redis remembers: Redis lost its tail.
-- Nothing is appended before the relay has put that tail back in the outbox (per-user order).
if mark < expected then return {0, mark} end
if #ARGV < 6 then return {1, mark} end
if stamp <= mark then stamp = mark + 1 end
-- Per user, in order: the frames appended now (they ride the poke, with the id of the entry
-- before each, so that a session that sent that one knows it missed nothing); `pull` when an
-- append was a retry's (then a plain poke: the session reads its inbox instead).
local users, order = {}, {}
for i = 6, #ARGV, 4 do
  local user, id, frame, due = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3])
  local key = 'inbox:' .. user
  local list = users[user]
  if not list then list = {} users[user] = list order[#order + 1] = user end
  -- The entry before: the stream's top, read once per user and batch (then the last appended).
  local prev = list.top
  if not prev then
    local top = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)
    prev = top[1] and string.sub(top[1][1], 1, -3) or '0'
  end
  -- An id at or below the stream's top was appended before (a relay's retry): skip it. Any other
  -- error stops the batch here, so a later event never passes an earlier one.
  local added = redis.pcall('XADD', key, 'MAXLEN', '~', max_len, id .. '-0', 'frame', frame)
  if type(added) == 'table' and added.err and not string.find(added.err, 'equal or smaller', 1, true) then return added end
  -- The inbox lives `ttl` from its last append; refreshed at most once a minute (an EXPIRE per
  -- frame is a write, and a line in the AOF, for every frame of a burst).
  if not list.fresh then
    if redis.call('TTL', key) < ttl - 60 then redis.call('EXPIRE', key, ttl) end
    list.fresh = true
  end
  -- Scheduled once, when appended: a retry must not push an earlier schedule later.
  if due > 0 and type(added) ~= 'table' then redis.call('ZADD', 'push:fallback-due', due, user .. ':' .. id) end
  if type(added) == 'table' then list.pull = true list.top = nil else list[#list + 1] = user .. ':' .. prev .. ':' .. id list[#list + 1] = frame list.top = id end
end
redis.call('SET', 'push:relay-mark', string.format('%.0f', stamp))
-- One poke entry per instance and batch: a sequence number (a reader that finds one missing lost
-- entries to MAXLEN and has every session read its inbox), then the frames as field/value pairs.
local pokes, plain = {}, {}
for _, user in ipairs(order) do
  local list = users[user]
  for _, instance in ipairs(redis.call('ZRANGEBYSCORE', 'presence:' .. user, now, '+inf')) do
    if list.pull then
      plain[#plain + 1] = {instance, user}
    else
      local fields = pokes[instance]
      if not fields then fields = {} pokes[instance] = fields end
      for j = 1, #list do fields[#fields + 1] = list[j] end
    end
  end
end
-- Pokes are wake-ups, not data: the frames they carry are in the inboxes. They stay out of the
-- AOF and the replicas (a second copy of every frame); after a restart or a failover the
-- listener finds the sequence broken, or its connection lost, and every session reads its inbox.
redis.set_repl(redis.REPL_NONE)
for instance, fields in pairs(pokes) do
  local key = 'pokes:' .. instance
  -- unpack() is bounded by Lua's C stack: at most 400 frames an entry.
  for first = 1, #fields, 800 do
    local seq = redis.call('INCR', 'pokes-seq:' .. instance)
    redis.call('EXPIRE', 'pokes-seq:' .. instance, ttl)
    redis.call('XADD', key, 'MAXLEN', '~', '1000', '*', 'seq', seq, unpack(fields, first, math.min(#fields, first + 799)))
  end
end
for _, p in ipairs(plain) do redis.call('XADD', 'pokes:' .. p[1], 'MAXLEN', '~', '1000', '*', 'user', p[2]) end
redis.set_repl(redis.REPL_ALL)
return {1, stamp}
)lua";
    std::vector<std::string> eval{"EVAL", script, "0", std::to_string(max_events_), std::to_string(ttl_.count()),
                                  std::to_string(epoch_ms(std::chrono::system_clock::now())), std::to_string(expected_mark_us),
                                  std::to_string(now_us)};
    eval.reserve(eval.size() + events.size() * 4);
    for (auto& e : events) {
        eval.push_back(std::to_string(e.user_id));
        eval.push_back(std::to_string(e.event_id));
        eval.push_back(std::move(e.frame));
        eval.push_back(std::to_string(e.fallback_due_ms));
    }
    auto reply = checked(co_await redis_.command(std::move(eval)));
    if (reply.elements.size() != 2) throw dependency_unavailable("redis", "unexpected answer from the relay script");
    co_return relay_outcome{reply.elements[0].integer == 0, reply.elements[1].integer};
}

asio::awaitable<void> inbox::raise_relay_mark(std::int64_t mark_us) {
    static const std::string raise =
        "local c = tonumber(redis.call('GET', KEYS[1]) or '0') "
        "if tonumber(ARGV[1]) > c then redis.call('SET', KEYS[1], ARGV[1]) end return 1";
    std::vector<std::string> eval{"EVAL", raise, "1", relay_mark_key, std::to_string(mark_us)};
    checked(co_await redis_.command(std::move(eval)));
}

asio::awaitable<std::uint64_t> inbox::first_id(std::uint64_t user_id) {
    std::vector<std::string> first{"XRANGE", inbox_key(user_id), "-", "+", "COUNT", "1"};
    auto reply = checked(co_await redis_.command(std::move(first)));
    if (reply.elements.empty() || reply.elements[0].elements.empty()) co_return 0;
    co_return parse_event_id(reply.elements[0].elements[0].str).value_or(0);
}

asio::awaitable<std::vector<inbox_event>> inbox::read_after(std::uint64_t user_id, std::uint64_t after_id, int count) {
    std::vector<std::string> range{"XRANGE", inbox_key(user_id), "(" + format_event_id(after_id), "+", "COUNT", std::to_string(count)};
    auto reply = checked(co_await redis_.command(std::move(range)));
    std::vector<inbox_event> out;
    for (const auto& entry : reply.elements) {
        if (entry.elements.size() != 2) continue;
        auto id = parse_event_id(entry.elements[0].str);
        const auto& fields = entry.elements[1].elements;
        for (std::size_t i = 0; id && i + 1 < fields.size(); i += 2)
            if (fields[i].str == "frame") out.push_back({*id, fields[i + 1].str});
    }
    co_return out;
}

asio::awaitable<std::uint64_t> inbox::last_id(std::uint64_t user_id) {
    std::vector<std::string> last{"XREVRANGE", inbox_key(user_id), "+", "-", "COUNT", "1"};
    auto reply = checked(co_await redis_.command(std::move(last)));
    if (reply.elements.empty() || reply.elements[0].elements.empty()) co_return 0;
    co_return parse_event_id(reply.elements[0].elements[0].str).value_or(0);
}

asio::awaitable<void> inbox::mark_present(std::vector<std::uint64_t> user_ids, std::string instance, std::chrono::milliseconds ttl) {
    // A sorted set per user: member = instance, score = when its claim expires. One round trip
    // per presence_batch users (a Lua script; keys derived inside, like relay_batch's), not two
    // per user: every refresh covers every connected user, 100k of them on a busy instance.
    // ARGV: expires_ms, ttl_ms, instance, then the user ids.
    static const std::string script = R"lua(
local expires, ttl, instance = ARGV[1], ARGV[2], ARGV[3]
for i = 4, #ARGV do
  local key = 'presence:' .. ARGV[i]
  redis.call('ZADD', key, expires, instance)
  redis.call('PEXPIRE', key, ttl)
end
return 1
)lua";
    const auto expires = std::to_string(epoch_ms(std::chrono::system_clock::now() + ttl));
    for (std::size_t first = 0; first < user_ids.size(); first += presence_batch) {
        const auto last = std::min(user_ids.size(), first + presence_batch);
        std::vector<std::string> eval{"EVAL", script, "0", expires, std::to_string(ttl.count()), instance};
        eval.reserve(eval.size() + (last - first));
        for (auto i = first; i < last; ++i) eval.push_back(std::to_string(user_ids[i]));
        checked(co_await redis_.command(std::move(eval)));
    }
}

asio::awaitable<std::vector<std::string>> inbox::instances_of(std::uint64_t user_id) {
    std::vector<std::string> live{"ZRANGEBYSCORE", presence_key(user_id), std::to_string(epoch_ms(std::chrono::system_clock::now())), "+inf"};
    auto reply = checked(co_await redis_.command(std::move(live)));
    std::vector<std::string> out;
    for (const auto& e : reply.elements) out.push_back(e.str);
    co_return out;
}

asio::awaitable<void> inbox::acknowledge(std::uint64_t user_id, std::uint64_t event_id) {
    // Only forward: a late ack of an older reminder does not move the mark back.
    static const std::string raise =
        "local c = tonumber(redis.call('GET', KEYS[1]) or '0') "
        "if tonumber(ARGV[1]) > c then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end return 1";
    std::vector<std::string> eval{"EVAL", raise, "1", ack_key(user_id), std::to_string(event_id), std::to_string(ttl_.count())};
    checked(co_await redis_.command(std::move(eval)));
}

asio::awaitable<void> inbox::acknowledge_many(std::vector<std::pair<std::uint64_t, std::uint64_t>> acks) {
    // Each user's mark only moves forward, as in acknowledge(); ARGV: ttl, then (user, id) pairs.
    static const std::string script = R"lua(
local ttl = ARGV[1]
for i = 2, #ARGV, 2 do
  local key = 'acked:' .. ARGV[i]
  local c = tonumber(redis.call('GET', key) or '0')
  if tonumber(ARGV[i + 1]) > c then redis.call('SET', key, ARGV[i + 1], 'EX', ttl) end
end
return 1
)lua";
    constexpr std::size_t per_call = 1000;
    for (std::size_t first = 0; first < acks.size(); first += per_call) {
        const auto last = std::min(acks.size(), first + per_call);
        std::vector<std::string> eval{"EVAL", script, "0", std::to_string(ttl_.count())};
        eval.reserve(eval.size() + 2 * (last - first));
        for (auto i = first; i < last; ++i) {
            eval.push_back(std::to_string(acks[i].first));
            eval.push_back(std::to_string(acks[i].second));
        }
        checked(co_await redis_.command(std::move(eval)));
    }
}

asio::awaitable<inbox::due_fallback_page> inbox::take_due_fallbacks(std::chrono::system_clock::time_point now, int scan) {
    // KEYS: the schedule; the acknowledgement keys are derived here (a single Redis, as relay_batch).
    static const std::string script = R"lua(
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local open = {}
for _, entry in ipairs(due) do
  local colon = string.find(entry, ':', 1, true)
  local acked = tonumber(redis.call('GET', 'acked:' .. string.sub(entry, 1, colon - 1)) or '0')
  if acked >= tonumber(string.sub(entry, colon + 1)) then redis.call('ZREM', KEYS[1], entry) else open[#open + 1] = entry end
end
return {#due, open}
)lua";
    std::vector<std::string> eval{"EVAL", script, "1", fallback_key, std::to_string(epoch_ms(now)), std::to_string(scan)};
    auto reply = checked(co_await redis_.command(std::move(eval)));
    due_fallback_page page;
    if (reply.elements.size() != 2) co_return page;
    page.scanned = static_cast<int>(reply.elements[0].integer);
    for (const auto& e : reply.elements[1].elements) {
        auto colon = e.str.find(':');
        if (colon != std::string::npos) page.unacknowledged.emplace_back(to_id(e.str.substr(0, colon)), to_id(e.str.substr(colon + 1)));
    }
    co_return page;
}

asio::awaitable<void> inbox::drop_fallback(std::uint64_t user_id, std::uint64_t event_id) {
    std::vector<std::string> remove{"ZREM", fallback_key, std::to_string(user_id) + ":" + std::to_string(event_id)};
    checked(co_await redis_.command(std::move(remove)));
}

asio::awaitable<void> inbox::drop_fallbacks(const std::vector<std::pair<std::uint64_t, std::uint64_t>>& entries) {
    if (entries.empty()) co_return;
    std::vector<std::string> remove{"ZREM", fallback_key};
    for (const auto& [user, event] : entries) remove.push_back(std::to_string(user) + ":" + std::to_string(event));
    checked(co_await redis_.command(std::move(remove)));
}

asio::awaitable<void> inbox::wake_relay(std::string self) {
    static const std::string wake =
        "local holder = redis.call('GET', KEYS[1]) or ARGV[1] "
        "redis.call('XADD', 'pokes:' .. holder, 'MAXLEN', '~', '10000', '*', 'relay', '1') return 1";
    std::vector<std::string> eval{"EVAL", wake, "1", relay_lock_key, std::move(self)};
    checked(co_await redis_.command(std::move(eval)));
}

asio::awaitable<void> inbox::announce_session_end(std::uint64_t user_id, std::string session_id) {
    // Readers only look at what arrives after they started reading: a short tail is enough.
    std::vector<std::string> add{"XADD", session_ends_key(), "MAXLEN", "~", "10000", "*", "user", std::to_string(user_id), "session",
                                 std::move(session_id)};
    checked(co_await redis_.command(std::move(add)));
}

asio::awaitable<bool> inbox::hold_lock(std::string owner, std::chrono::milliseconds ttl) {
    co_return co_await hold_redis_lease(redis_, relay_lock_key, std::move(owner), ttl);
}

}  // namespace sharedstore

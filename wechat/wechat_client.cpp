#include "wechat/wechat_client.hpp"

namespace sharedstore {

namespace asio = boost::asio;

namespace {

// Token, attempt, and on a refused token (40001/42001/41001) one more attempt with a fresh one.
// Single-use codes survive this: WeChat checks the token before it looks at the code.
// `call(token)` returns the awaitable of one attempt.
template <class T, class Call>
asio::awaitable<wechat_result<T>> with_access_token(access_token_provider& tokens, Call call) {
    auto token = co_await tokens.get();
    auto answer = co_await call(token);
    if (!answer && is_access_token_error(answer.error().errcode)) {
        co_await tokens.invalidate(token);
        auto fresh = co_await tokens.get();
        answer = co_await call(fresh);
    }
    co_return answer;
}

}  // namespace

asio::awaitable<wechat_result<phone_info>> wechat_client::get_user_phone_number(std::string code) {
    co_return co_await with_access_token<phone_info>(
        tokens_, [this, &code](const std::string& token) { return api_.get_user_phone_number(token, code); });
}

asio::awaitable<wechat_result<std::string>> wechat_client::get_wxacode_unlimit(wxacode_request request) {
    co_return co_await with_access_token<std::string>(
        tokens_, [this, &request](const std::string& token) { return api_.get_wxacode_unlimit(token, request); });
}

asio::awaitable<wechat_result<std::string>> wechat_client::send_subscribe_message(subscribe_message message) {
    co_return co_await with_access_token<std::string>(
        tokens_, [this, &message](const std::string& token) { return api_.send_subscribe_message(token, message); });
}

}  // namespace sharedstore

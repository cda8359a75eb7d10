#include "wechat/wechat_client.hpp"

namespace sharedstore {

namespace asio = boost::asio;

// Each call: token, attempt, and on a refused token one more attempt with a new one. Codes are
// single-use, but WeChat refuses the token before it looks at the code, so the retry is safe.
asio::awaitable<wechat_result<phone_info>> wechat_client::get_user_phone_number(std::string code) {
    auto token = co_await tokens_.get();
    auto answer = co_await api_.get_user_phone_number(token, code);
    if (!answer && is_access_token_error(answer.error().errcode)) {
        co_await tokens_.invalidate(std::move(token));
        auto fresh = co_await tokens_.get();
        answer = co_await api_.get_user_phone_number(std::move(fresh), std::move(code));
    }
    co_return answer;
}

asio::awaitable<wechat_result<std::string>> wechat_client::get_wxacode_unlimit(wxacode_request request) {
    auto token = co_await tokens_.get();
    auto answer = co_await api_.get_wxacode_unlimit(token, request);
    if (!answer && is_access_token_error(answer.error().errcode)) {
        co_await tokens_.invalidate(std::move(token));
        auto fresh = co_await tokens_.get();
        answer = co_await api_.get_wxacode_unlimit(std::move(fresh), std::move(request));
    }
    co_return answer;
}

asio::awaitable<wechat_result<std::string>> wechat_client::send_subscribe_message(subscribe_message message) {
    auto token = co_await tokens_.get();
    auto answer = co_await api_.send_subscribe_message(token, message);
    if (!answer && is_access_token_error(answer.error().errcode)) {
        co_await tokens_.invalidate(std::move(token));
        auto fresh = co_await tokens_.get();
        answer = co_await api_.send_subscribe_message(std::move(fresh), std::move(message));
    }
    co_return answer;
}

}  // namespace sharedstore

#pragma once
// The token-using WeChat calls with the access token handled: fetched from the shared provider,
// and on 40001/42001 invalidated and the call made once more with a fresh token.
#include "wechat/access_token_provider.hpp"
#include "wechat/wechat_api.hpp"

namespace sharedstore {

class wechat_client {
public:
    wechat_client(wechat_api& api, access_token_provider& tokens) : api_(api), tokens_(tokens) {}

    wechat_api& api() { return api_; }
    boost::asio::awaitable<wechat_result<phone_info>> get_user_phone_number(std::string code);
    boost::asio::awaitable<wechat_result<std::string>> get_wxacode_unlimit(wxacode_request request);
    boost::asio::awaitable<wechat_result<std::string>> send_subscribe_message(subscribe_message message);

private:
    wechat_api& api_;
    access_token_provider& tokens_;
};

}  // namespace sharedstore

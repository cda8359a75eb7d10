#pragma once
// WeChat Pay reads only the status; the body is its documented {"code":"FAIL","message"}
// (docs/api.md, "WeChat Pay notifications"), never our {"error":...}.
#include "common/http/message.hpp"

#include <string>

namespace sharedstore {

// 204 with no body, or {"code":"FAIL","message":message} with that status.
http_response wechat_pay_answer(int status, const std::string& message);

}  // namespace sharedstore

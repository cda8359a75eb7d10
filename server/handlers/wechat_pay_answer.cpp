#include "server/handlers/wechat_pay_answer.hpp"

#include <boost/json/object.hpp>

namespace sharedstore {

http_response wechat_pay_answer(int status, const std::string& message) {
    if (status == 204) return http_response{204, "application/json", {}, ""};
    return http_response::json(status, boost::json::object{{"code", "FAIL"}, {"message", message}});
}

}  // namespace sharedstore

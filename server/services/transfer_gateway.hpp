#pragma once
// What the payout service asks of WeChat Pay's merchant transfer (商家转账, docs/payouts.md): make a
// bill, ask where one stands, cancel one. Answers are values; "unclear" (a timeout, a 5xx, an
// answer we cannot read) means the bill may or may not exist: the caller queries and retries the
// SAME out_bill_no, never a new one. wechat_transfer_gateway.cpp speaks it through wechat/pay.
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace sharedstore {

struct transfer_bill_request {
    std::string out_bill_no, openid, remark;
    std::int64_t amount_fen = 0;
    std::optional<std::string> user_name;  // plain; the gateway encrypts it for WeChat Pay
};

struct transfer_bill {
    std::string out_bill_no, transfer_bill_no;
    std::string state;         // WeChat Pay's word: WAIT_USER_CONFIRM, SUCCESS, FAIL, ...
    std::string package_info;  // for WAIT_USER_CONFIRM
    std::string fail_reason;
};

enum class transfer_outcome {
    answered,   // `bill` says where it stands
    refused,    // a definite no (4xx): `code`; for create, no bill was made
    not_found,  // query or cancel: WeChat Pay has no such bill
    unclear,    // nothing certain: query before anything else
};

struct transfer_answer {
    transfer_outcome outcome = transfer_outcome::unclear;
    transfer_bill bill;
    std::string code;  // WeChat Pay's error code, or what went wrong
    int http_status = 0;
    // refused: nothing is wrong with the bill (WeChat Pay's balance is short, its rate limit):
    // the same bill may simply be sent again later.
    bool retry_same_bill = false;
};

// What the mini-program passes to wx.requestMerchantTransfer besides the package.
struct transfer_confirm_ids {
    std::string mch_id, app_id;
};

class transfer_gateway {
public:
    virtual ~transfer_gateway() = default;
    virtual boost::asio::awaitable<transfer_answer> create(transfer_bill_request request) = 0;
    virtual boost::asio::awaitable<transfer_answer> query(std::string out_bill_no) = 0;
    virtual boost::asio::awaitable<transfer_answer> cancel(std::string out_bill_no) = 0;
    virtual transfer_confirm_ids confirm_ids() const = 0;
};

}  // namespace sharedstore

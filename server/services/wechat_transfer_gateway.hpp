#pragma once
// The transfer gateway over WeChat Pay's merchant transfer client (wechat/pay/transfer_client.hpp):
// the scene, its report infos and wording from configuration (payouts.*), answers mapped to the
// payout service's values.
#include "server/services/transfer_gateway.hpp"
#include "wechat/pay/transfer_client.hpp"

#include <string>

namespace sharedstore {

struct transfer_scene {
    std::string scene_id;              // payouts.transfer_scene_id
    std::string user_recv_perception;  // payouts.user_recv_perception
    std::string position;              // report info 岗位类型
    std::string description;           // report info 报酬说明
};

class wechat_transfer_gateway final : public transfer_gateway {
public:
    // `client` must outlive the gateway.
    wechat_transfer_gateway(wechat_pay::transfer_client& client, transfer_scene scene) : client_(client), scene_(std::move(scene)) {}

    boost::asio::awaitable<transfer_answer> create(transfer_bill_request request) override;
    boost::asio::awaitable<transfer_answer> query(std::string out_bill_no) override;
    boost::asio::awaitable<transfer_answer> cancel(std::string out_bill_no) override;
    transfer_confirm_ids confirm_ids() const override;

private:
    wechat_pay::transfer_client& client_;
    transfer_scene scene_;
};

// A decrypted MCHTRANSFER.BILL.FINISHED bill as the payout service reads it.
transfer_bill bill_of(const wechat_pay::transfer_bill& bill);

}  // namespace sharedstore

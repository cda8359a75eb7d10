#include "server/services/wechat_transfer_gateway.hpp"

namespace sharedstore {

namespace asio = boost::asio;

namespace {

template <class... Ts>
struct overloaded : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
overloaded(Ts...) -> overloaded<Ts...>;

transfer_answer refused(const wechat_pay::transfer_refusal& r) {
    return transfer_answer{.outcome = transfer_outcome::refused, .bill = {}, .code = r.code, .http_status = r.http_status, .retry_same_bill = r.retry_same_bill};
}

transfer_answer unclear(const wechat_pay::transfer_unclear& u) {
    return transfer_answer{.outcome = transfer_outcome::unclear, .bill = {}, .code = u.code, .http_status = u.http_status, .retry_same_bill = false};
}

transfer_answer answered(transfer_bill bill) {
    return transfer_answer{.outcome = transfer_outcome::answered, .bill = std::move(bill), .code = {}, .http_status = 200, .retry_same_bill = false};
}

transfer_answer from_query(const wechat_pay::transfer_query_outcome& outcome) {
    return std::visit(overloaded{[](const wechat_pay::transfer_bill& b) { return answered(bill_of(b)); },
                                 [](const wechat_pay::transfer_not_found&) {
                                     return transfer_answer{.outcome = transfer_outcome::not_found, .bill = {}, .code = "NOT_FOUND", .http_status = 404,
                                                            .retry_same_bill = false};
                                 },
                                 [](const wechat_pay::transfer_refusal& r) { return refused(r); },
                                 [](const wechat_pay::transfer_unclear& u) { return unclear(u); }},
                      outcome);
}

}  // namespace

transfer_bill bill_of(const wechat_pay::transfer_bill& b) {
    return transfer_bill{.out_bill_no = b.out_bill_no,
                         .transfer_bill_no = b.transfer_bill_no,
                         .state = std::string(wechat_pay::to_string(b.state)),
                         .package_info = {},
                         .fail_reason = b.fail_reason};
}

asio::awaitable<transfer_answer> wechat_transfer_gateway::create(transfer_bill_request in) {
    wechat_pay::transfer_request request{.out_bill_no = in.out_bill_no,
                                         .transfer_scene_id = scene_.scene_id,
                                         .openid = in.openid,
                                         .amount_fen = in.amount_fen,
                                         .remark = in.remark,
                                         .user_name = in.user_name.value_or(""),
                                         .user_recv_perception = scene_.user_recv_perception,
                                         .scene_report_infos = {{"岗位类型", scene_.position}, {"报酬说明", scene_.description}}};
    auto outcome = co_await client_.create(std::move(request));
    co_return std::visit(overloaded{[](const wechat_pay::transfer_accepted& a) {
                                        return answered(transfer_bill{.out_bill_no = a.out_bill_no,
                                                                      .transfer_bill_no = a.transfer_bill_no,
                                                                      .state = std::string(wechat_pay::to_string(a.state)),
                                                                      .package_info = a.package_info,
                                                                      .fail_reason = a.fail_reason});
                                    },
                                    [](const wechat_pay::transfer_refusal& r) { return refused(r); },
                                    [](const wechat_pay::transfer_unclear& u) { return unclear(u); }},
                         outcome);
}

asio::awaitable<transfer_answer> wechat_transfer_gateway::query(std::string out_bill_no) {
    auto outcome = co_await client_.query(std::move(out_bill_no));
    co_return from_query(outcome);
}

asio::awaitable<transfer_answer> wechat_transfer_gateway::cancel(std::string out_bill_no) {
    auto outcome = co_await client_.cancel(std::move(out_bill_no));
    co_return std::visit(overloaded{[](const wechat_pay::transfer_cancel_accepted& c) {
                                        return answered(transfer_bill{.out_bill_no = c.out_bill_no,
                                                                      .transfer_bill_no = c.transfer_bill_no,
                                                                      .state = std::string(wechat_pay::to_string(c.state)),
                                                                      .package_info = {},
                                                                      .fail_reason = {}});
                                    },
                                    [](const wechat_pay::transfer_not_found&) {
                                        return transfer_answer{.outcome = transfer_outcome::not_found, .bill = {}, .code = "NOT_FOUND",
                                                               .http_status = 404, .retry_same_bill = false};
                                    },
                                    [](const wechat_pay::transfer_refusal& r) { return refused(r); },
                                    [](const wechat_pay::transfer_unclear& u) { return unclear(u); }},
                         outcome);
}

transfer_confirm_ids wechat_transfer_gateway::confirm_ids() const {
    return transfer_confirm_ids{.mch_id = client_.config().mchid, .app_id = client_.config().appid};
}

}  // namespace sharedstore

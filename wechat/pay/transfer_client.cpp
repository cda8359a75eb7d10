#include "wechat/pay/transfer_client.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>

namespace sharedstore::wechat_pay {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr const char* bills_path = "/v3/fund-app/mch-transfer/transfer-bills";

std::optional<json::object> parse_object(const std::string& text) {
    boost::system::error_code ec;
    auto value = json::parse(text, ec);
    if (ec || !value.is_object()) return std::nullopt;
    return std::move(value.as_object());
}

// A number that goes into a path: letters and digits only, so nothing needs escaping.
bool path_safe(const std::string& s) {
    return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
}

transfer_unclear unclear_of(const pay_error& e) { return transfer_unclear{e.http_status, e.code, e.message}; }

transfer_unclear bad_answer(int status, std::string what) { return transfer_unclear{status, "bad_answer", std::move(what)}; }

template <class Outcome>
Outcome error_outcome(const client_response& response) {
    auto e = error_of(response);
    auto classified = classify_transfer_error(response.status, std::move(e.code), std::move(e.message));
    if (auto* refusal = std::get_if<transfer_refusal>(&classified)) return std::move(*refusal);
    return std::get<transfer_unclear>(std::move(classified));
}

}  // namespace

transfer_client::transfer_client(https_client& http, transfer_client_config config, private_key merchant_key,
                                 const signature_verifier& answers, std::optional<sensitive_field_key> encryption, logger& log)
    : config_(std::move(config)),
      transport_(http,
                 v3_transport_config{.base_url = config_.base_url,
                                     .mchid = config_.mchid,
                                     .merchant_serial = config_.merchant_serial,
                                     .wechatpay_serial = config_.wechatpay_serial,
                                     .max_attempts = config_.max_attempts,
                                     .retry_backoff = config_.retry_backoff},
                 std::move(merchant_key), answers, log),
      encryption_(std::move(encryption)) {}

asio::awaitable<transfer_outcome<transfer_accepted>> transfer_client::create(transfer_request request) {
    if (auto problem = transfer_request_problem(request)) co_return transfer_refusal{0, "refused_locally", *problem, false};
    std::string encrypted_name, serial;
    if (sends_user_name(request)) {
        if (!encryption_)
            co_return transfer_refusal{0, "refused_locally", "user_name needs WeChat Pay's public key or platform certificate", false};
        auto sealed = encryption_->key.encrypt_oaep(request.user_name);
        if (!sealed) co_return transfer_refusal{0, "refused_locally", "user_name does not fit the encryption key", false};
        // Sealed once: a retry inside send() repeats these very bytes, and WeChat compares the
        // decrypted name when the same bill comes again.
        encrypted_name = std::move(*sealed);
        serial = encryption_->serial;
    }
    auto text = json::serialize(transfer_request_body(request, config_.appid, config_.notify_url, encrypted_name));
    std::string method = "POST", path = bills_path;
    auto response = co_await transport_.send(std::move(method), std::move(path), std::move(text), std::move(serial));
    if (!response) co_return unclear_of(response.error());
    const auto& r = response.value();
    if (r.status != 200) co_return error_outcome<transfer_outcome<transfer_accepted>>(r);
    auto body = parse_object(r.body);
    std::optional<transfer_accepted> accepted;
    if (body) accepted = decode_transfer_accepted(*body);
    if (!accepted || accepted->out_bill_no != request.out_bill_no) co_return bad_answer(r.status, "create answer is not our bill");
    co_return std::move(*accepted);
}

asio::awaitable<transfer_query_outcome> transfer_client::query(std::string out_bill_no) {
    if (!path_safe(out_bill_no)) co_return transfer_refusal{0, "refused_locally", "out_bill_no must be letters and digits", false};
    std::string path = std::string(bills_path) + "/out-bill-no/" + out_bill_no, field = "out_bill_no";
    co_return co_await query_path(std::move(path), std::move(field), std::move(out_bill_no));
}

asio::awaitable<transfer_query_outcome> transfer_client::query_by_transfer_bill_no(std::string transfer_bill_no) {
    if (!path_safe(transfer_bill_no)) co_return transfer_refusal{0, "refused_locally", "transfer_bill_no must be letters and digits", false};
    std::string path = std::string(bills_path) + "/transfer-bill-no/" + transfer_bill_no, field = "transfer_bill_no";
    co_return co_await query_path(std::move(path), std::move(field), std::move(transfer_bill_no));
}

asio::awaitable<transfer_query_outcome> transfer_client::query_path(std::string path, std::string expected_field, std::string expected_value) {
    std::string method = "GET", body;
    auto response = co_await transport_.send(std::move(method), std::move(path), std::move(body));
    if (!response) co_return unclear_of(response.error());
    const auto& r = response.value();
    if (r.status == 404 && error_of(r).code == "NOT_FOUND") co_return transfer_not_found{};
    if (r.status != 200) co_return error_outcome<transfer_query_outcome>(r);
    auto answer = parse_object(r.body);
    std::optional<transfer_bill> bill;
    if (answer) bill = decode_transfer_bill(*answer);
    if (!bill) co_return bad_answer(r.status, "query answer is not a transfer bill");
    const auto& got = expected_field == "out_bill_no" ? bill->out_bill_no : bill->transfer_bill_no;
    if (got != expected_value) co_return bad_answer(r.status, "query answer is another bill");
    co_return std::move(*bill);
}

asio::awaitable<transfer_cancel_outcome> transfer_client::cancel(std::string out_bill_no) {
    if (!path_safe(out_bill_no)) co_return transfer_refusal{0, "refused_locally", "out_bill_no must be letters and digits", false};
    // The merchant API takes no body: the bill is named by the path alone.
    std::string method = "POST", path = std::string(bills_path) + "/out-bill-no/" + out_bill_no + "/cancel", body;
    auto response = co_await transport_.send(std::move(method), std::move(path), std::move(body));
    if (!response) co_return unclear_of(response.error());
    const auto& r = response.value();
    if (r.status == 404 && error_of(r).code == "NOT_FOUND") co_return transfer_not_found{};
    if (r.status != 200) co_return error_outcome<transfer_cancel_outcome>(r);
    auto answer = parse_object(r.body);
    std::optional<transfer_cancel_accepted> accepted;
    if (answer) accepted = decode_transfer_cancel(*answer);
    if (!accepted || accepted->out_bill_no != out_bill_no) co_return bad_answer(r.status, "cancel answer is not our bill");
    co_return std::move(*accepted);
}

transfer_confirm_params transfer_client::confirm_params(const std::string& package_info) const {
    return transfer_confirm_params{config_.mchid, config_.appid, package_info};
}

}  // namespace sharedstore::wechat_pay

#pragma once
// Pre-stored value (docs/business-rules.md section 4, "Pre-stored value"): a top-up package pays
// X and gives a bonus Y, kept in two buckets; every spend draws principal and bonus in proportion
// to what remains; refunding the unused balance returns the remaining principal only, and the
// bonus goes with it. Separate from a partner's buy-in (tier stored value). Pure.
#include "server/domain/validation_problem.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

struct topup_package_terms {
    std::string name;
    std::int64_t pay_fen = 0;
    std::int64_t bonus_fen = 0;
};

// A named prepaid card above 5000 yuan meets the 单用途卡 caps (docs/business-rules.md section 4).
constexpr std::int64_t max_topup_pay_fen = 500'000;

// Every problem at once: a name of 1..32 characters, pay 100..500000 fen, bonus 0..pay.
std::vector<validation_problem> validate_topup_package(const topup_package_terms& terms);

struct prepaid_buckets {
    std::int64_t principal_fen = 0;
    std::int64_t bonus_fen = 0;
    std::int64_t total() const { return principal_fen + bonus_fen; }
};

struct prepaid_draw {
    std::int64_t principal_fen = 0;
    std::int64_t bonus_fen = 0;
};

// A spend of `spend_fen` (<= the total): principal floor(spend x P / (P + B)), the bonus the rest.
// nullopt when the buckets hold less than the spend.
std::optional<prepaid_draw> draw_prepaid(const prepaid_buckets& buckets, std::int64_t spend_fen);

// What a refund of an order of `amount_fen`, `drawn` of it paid from the buckets, puts back: the
// wallet's cumulative proportional floor (as dividends' reversals; all of the refund when the
// order was paid from the buckets alone), split with the principal floored and the bonus the
// rest, so every fen refunded to the wallet lands in a bucket and a full refund restores exactly
// what was drawn.
prepaid_draw prepaid_refund_split(const prepaid_draw& drawn, std::int64_t amount_fen, std::int64_t refunded_before_fen, std::int64_t refund_fen);

// Refunding `refund_fen` of the unused principal (<= principal): the bonus forfeited with it,
// cumulative over the remaining buckets: floor(B x R / P), all of it when R = P.
std::int64_t bonus_forfeited(const prepaid_buckets& buckets, std::int64_t refund_fen);

}  // namespace sharedstore

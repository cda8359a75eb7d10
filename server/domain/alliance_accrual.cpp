#include "server/domain/alliance_accrual.hpp"

#include <algorithm>

namespace sharedstore {

concession_split split_concession(std::int64_t base_fen, int concession_bp, int fund_share_bp, bool locked_elsewhere, int lock_bp) {
    concession_split s;
    s.base_fen = std::max<std::int64_t>(0, base_fen);
    s.concession_fen = s.base_fen * concession_bp / 10000;
    s.lot_cp = s.concession_fen;
    s.fund_fen = s.concession_fen * fund_share_bp / 10000;
    const auto platform_part = s.concession_fen - s.fund_fen;
    s.lock_fen = locked_elsewhere ? std::min(platform_part, s.base_fen * lock_bp / 10000) : 0;
    s.platform_fen = platform_part - s.lock_fen;
    return s;
}

std::int64_t reversal_of(std::int64_t total, std::int64_t base_fen, std::int64_t refunded_before_fen, std::int64_t refunded_now_fen,
                         std::int64_t reversed_before) {
    if (base_fen <= 0) return 0;
    const auto refunded = std::min(base_fen, refunded_before_fen + refunded_now_fen);
    // 128-bit: total x refunded may pass int64 for large totals.
    const auto target = refunded == base_fen ? total : static_cast<std::int64_t>(static_cast<__int128>(total) * refunded / base_fen);
    return std::max<std::int64_t>(0, target - reversed_before);
}

}  // namespace sharedstore

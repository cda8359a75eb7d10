#include "server/services/platform_net_lines.hpp"

#include "server/domain/calendar.hpp"
#include "server/domain/platform_net_shares.hpp"
#include "server/domain/regions.hpp"
#include "server/services/alliance_settlement.hpp"
#include "server/storage/centre_repository.hpp"
#include "server/storage/promoter_repository.hpp"
#include "server/storage/share_statement_repository.hpp"

namespace sharedstore {

void record_settled_net_line(mysql_connection& db, const alliance_accrual& a, std::int64_t net_fen, wall_time now) {
    const auto config = net_share_config_in_force(db, false).config;
    net_line line{.merchant_id = a.merchant_id,
                  .order_id = a.order_id,
                  .kind = "settled",
                  .refund_id = 0,
                  .net_fen = net_fen,
                  .region_code = a.region_code,
                  .shares = {},
                  .recorded_at = now};
    if (auto binding = merchant_promoter(db, a.merchant_id, true)) {
        auto ends = binding->term_ends_at;
        // The term starts with the first order that leaves the platform something to share.
        if (!binding->term_started_at && net_fen > 0) {
            ends = term_end(now, config.promoter_term_months, statement_utc_offset());
            start_promoter_term(db, a.merchant_id, now, *ends);
        }
        if (ends && now < *ends) {
            line.shares.promoter_id = binding->promoter_id;
            line.shares.promoter_bp = config.rates.promoter_bp;
        }
    }
    if (a.region_code) {
        if (const auto chain = region_chain_of(*a.region_code)) {
            const auto today = local_day_of(now, statement_utc_offset());
            auto take = [&](const std::string& level, const std::string& code, std::optional<std::uint64_t>& id, int& bp) {
                if (code.empty()) return;  // no such level above this region: vacant
                if (auto c = centre_in_force(db, level, code, today)) {
                    id = c->id;
                    bp = c->rate_bp;
                }
            };
            take("county", chain->county, line.shares.county_centre_id, line.shares.county_bp);
            take("city", chain->city, line.shares.city_centre_id, line.shares.city_bp);
            take("province", chain->province, line.shares.province_centre_id, line.shares.province_bp);
        }
    }
    insert_net_line(db, line);
}

void record_reversed_net_line(mysql_connection& db, std::uint64_t order_id, std::uint64_t refund_id, std::int64_t reversed_fen, wall_time at) {
    if (reversed_fen <= 0) return;
    auto settled = find_settled_line(db, order_id);
    if (!settled) return;
    settled->kind = "reversal";
    settled->refund_id = refund_id;
    settled->net_fen = -reversed_fen;
    settled->recorded_at = at;
    insert_net_line(db, *settled);
}

}  // namespace sharedstore

#include "server/domain/platform_net_shares.hpp"

#include <string>

namespace sharedstore {

namespace {

std::int64_t share_of(std::int64_t net, int bp) {
    // Exact for any net a month can have: 128 bits for the product.
    const auto magnitude = static_cast<std::int64_t>(static_cast<__int128>(net < 0 ? -net : net) * bp / 10'000);
    return net < 0 ? -magnitude : magnitude;
}

}  // namespace

std::int64_t platform_net_fen(std::int64_t concession_fen, std::int64_t fund_fen, std::int64_t lock_fen) {
    return concession_fen - fund_fen - lock_fen;
}

std::vector<validation_problem> validate_share_rates(const share_rates& r) {
    std::vector<validation_problem> problems;
    const std::pair<const char*, int> fields[] = {
        {"promoter_bp", r.promoter_bp}, {"county_bp", r.county_bp}, {"city_bp", r.city_bp}, {"province_bp", r.province_bp}};
    bool in_range = true;
    for (const auto& [name, value] : fields)
        if (value < 0 || value > 10'000) {
            problems.push_back({name, "out_of_range", std::string(name) + " must be 0-10000 bp"});
            in_range = false;
        }
    const auto total = r.promoter_bp + r.county_bp + r.city_bp + r.province_bp;
    if (in_range && total > max_shares_bp)
        problems.push_back({"promoter_bp", "shares_over_half",
                            "the promoter's and the centres' rates add up to " + std::to_string(total) + " bp: the platform keeps at least half of its net (at most " +
                                std::to_string(max_shares_bp) + " bp shared)"});
    return problems;
}

net_split split_platform_net(std::int64_t net, const share_rates& r, const share_holders& h) {
    net_split s;
    if (h.promoter) s.promoter_fen = share_of(net, r.promoter_bp);
    if (h.county) s.county_fen = share_of(net, r.county_bp);
    if (h.city) s.city_fen = share_of(net, r.city_bp);
    if (h.province) s.province_fen = share_of(net, r.province_bp);
    s.platform_fen = net - s.promoter_fen - s.county_fen - s.city_fen - s.province_fen;
    return s;
}

period_payment settle_period(std::int64_t carried_in, std::int64_t month) {
    const auto total = carried_in + month;
    if (total >= 0) return {total, 0};
    return {0, total};
}

std::vector<validation_problem> check_centre_terms(const centre_terms& lower, const std::optional<centre_terms>& upper) {
    std::vector<validation_problem> problems;
    if (lower.to <= lower.from) problems.push_back({"to", "dates_reversed", "a contract ends after it starts"});
    if (!upper) return problems;
    if (lower.rate_bp > upper->rate_bp)
        problems.push_back({"rate_bp", "rate_above_upper",
                            "the rate " + std::to_string(lower.rate_bp) + " bp is above the upper centre's " + std::to_string(upper->rate_bp) + " bp"});
    if (lower.from < upper->from || lower.to > upper->to)
        problems.push_back({"to", "dates_outside_upper", "the contract runs outside the upper centre's"});
    return problems;
}

}  // namespace sharedstore

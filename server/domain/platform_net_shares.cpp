#include "server/domain/platform_net_shares.hpp"

#include <algorithm>
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

std::vector<validation_problem> validate_net_share_config(const net_share_config& c) {
    auto problems = validate_share_rates(c.rates);
    if (c.promoter_term_months < 1 || c.promoter_term_months > 120)
        problems.push_back({"promoter_term_months", "out_of_range", "promoter_term_months must be 1-120"});
    if (c.assist_fee_fen < 0 || c.assist_fee_fen > 1'000'000)
        problems.push_back({"assist_fee_fen", "out_of_range", "assist_fee_fen must be 0-1000000 fen"});
    if (c.assist_min_orders < 1 || c.assist_min_orders > 100'000)
        problems.push_back({"assist_min_orders", "out_of_range", "assist_min_orders must be 1-100000"});
    return problems;
}

std::chrono::system_clock::time_point term_end(std::chrono::system_clock::time_point start, int months, std::chrono::minutes offset) {
    using namespace std::chrono;
    const auto local = start + offset;
    const auto day = floor<days>(local);
    const year_month_day ymd{day};
    const auto target = year_month{ymd.year(), ymd.month()} + std::chrono::months(months);
    const auto last = year_month_day_last{target.year(), month_day_last{target.month()}}.day();
    const year_month_day end{target.year(), target.month(), std::min(ymd.day(), last)};
    return sys_days{end} + (local - day) - offset;
}

std::int64_t share_of_month(const std::vector<rated_net>& groups) {
    std::int64_t total = 0;
    for (const auto& g : groups) total += share_of(g.net_fen, g.rate_bp);
    return total;
}

std::vector<validation_problem> check_centre_appointment(const appointment_facts& f) {
    std::vector<validation_problem> problems;
    const auto& p = f.proposed;
    const bool dated = p.to > p.from;
    if (!dated) problems.push_back({"ends_on", "dates_reversed", "a contract ends on or after the day it starts"});
    if (p.rate_bp < 0 || p.rate_bp > 10'000) problems.push_back({"rate_bp", "out_of_range", "rate_bp must be 0-10000"});
    else if (p.rate_bp > f.level_rate_bp)
        problems.push_back({"rate_bp", "rate_above_level",
                            "the rate " + std::to_string(p.rate_bp) + " bp is above the level's " + std::to_string(f.level_rate_bp) +
                                " bp in the sharing configuration"});
    auto overlaps = [&](const centre_terms& other) { return other.from < p.to && p.from < other.to; };
    if (dated) {
        for (const auto& other : f.taken)
            if (overlaps(other)) {
                problems.push_back({"region_code", "territory_taken", "another centre is appointed on this code and level for part of that time"});
                break;
            }
        bool upper_appointed = false, covered = false;
        for (const auto& upper : f.uppers) {
            if (!overlaps(upper)) continue;
            upper_appointed = true;
            if (upper.from <= p.from && p.to <= upper.to) covered = true;
        }
        if (upper_appointed && !covered)
            problems.push_back({"ends_on", "dates_outside_upper", "the contract runs outside its upper centre's: it may start no earlier and end no later"});
    }
    if (f.fee_income_bp != 0)
        problems.push_back({"fee_income_bp", "centre_fee_income", "a centre earns nothing from fees other centres pay (franchise or shareholder fees)"});
    if (f.override_bp != 0) problems.push_back({"override_bp", "centre_override", "a centre earns no share of another centre's income"});
    if (f.recruitment_reward_fen != 0)
        problems.push_back({"recruitment_reward_fen", "recruitment_reward", "no reward or rate is tied to the centres recruited"});
    return problems;
}

std::vector<ledger_entry> share_statement_issued_entries(std::int64_t fen) {
    if (fen <= 0) return {};
    return {{{account_kind::share_commission_expense, 0}, {account_kind::share_commission_payable, 0}, fen}};
}

std::vector<ledger_entry> share_statement_paid_entries(std::int64_t fen) {
    if (fen <= 0) return {};
    return {{{account_kind::share_commission_payable, 0}, {account_kind::platform_settlement_cash, 0}, fen}};
}

}  // namespace sharedstore

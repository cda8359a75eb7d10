#pragma once
// The compliance validator of a proposed bonus configuration (docs/business-rules.md section 7,
// "Refused configurations"): every problem at once, each with a stable code, a plain-language
// reason and the field it concerns, so the console shows each reason next to its field. Pure.
//
// Codes (field in brackets):
//   depth_exceeds_two_levels  an award pays or reads beyond A2 (awards[i].depth / level_rates_bp)
//   base_not_consumer_sales   an award on a top-up, buy-in, membership or qualification purchase,
//                             sign-up, card claim or head count (awards[i].base)
//   eligibility_by_headcount  money-bearing eligibility by people recruited (awards[i].min_people_recruited)
//   team_volume               qualifying or weighing by a downline's sales (awards[i].counts_team_sales)
//   entry_fee                 a fee, or a forced purchase that is not returnable or unlocks rewards on
//                             others, to become partner (partner_entry.fee_fen / required_purchase_fen)
//   level_rates_not_monotonic a higher tier with a lower rate under a level-difference award (tiers[i].ratio_bp)
//   order_cap_exceeded        an award that could never be paid in full on any order, or a tier the cap
//                             would cut (order_cap_bp, tiers[i].ratio_bp, awards[i].flat_bp, ...)
//   referrer_cash             cash to a referrer who is no partner, or to A2 without level2_cash (awards[i].medium)
//   forbidden_bonus_type      见点奖, 对碰奖, 层推奖, 小区业绩奖, 报单奖, by type or by name (awards[i].type / label)
//   unsupported_award_type    an award this system does not compute (awards[i].type)
//   duplicate_award           a second tier, level-difference, flat push or top-dealer award (awards[i].type)
//   rates_not_applicable      per-level rates on one of the five awards (awards[i].level_rates_bp)
//   level2_cash_without_sign_off  level2_cash without the operator's who, when and reference (level2_cash_sign_off)
//   order_cap_out_of_range, rate_out_of_range, depth_out_of_range, label_length, campaign_missing,
//   campaign_name, campaign_dates, campaign_goal, campaign_product, campaign_award, campaign_budget,
//   campaign_winner_limit, top_dealer_missing, top_dealer_threshold: the ranges of each value.
#include "server/domain/bonus_config.hpp"
#include "server/domain/validation_problem.hpp"

#include <optional>
#include <vector>

namespace sharedstore {

// Empty when the proposal is lawful and complete.
std::vector<validation_problem> validate_bonus_proposal(const bonus_proposal& proposal);

// The configuration a lawful proposal turns into; nullopt when validate_bonus_proposal finds anything.
std::optional<bonus_config> to_bonus_config(const bonus_proposal& proposal);

// A stored configuration under a tier table: describe() then the same validator.
std::vector<validation_problem> validate_bonus_config(const bonus_config& config, const std::vector<share_tier>& tiers);

}  // namespace sharedstore

#include "server/handlers/payee_json.hpp"

#include "server/domain/calendar.hpp"
#include "server/domain/rfc3339.hpp"

namespace sharedstore {

namespace json = boost::json;

namespace {

json::value when(const std::optional<std::chrono::system_clock::time_point>& t) {
    return t ? json::value(format_rfc3339_seconds(*t)) : json::value(nullptr);
}
json::value id_or_null(const std::optional<std::uint64_t>& id) { return id ? json::value(std::to_string(*id)) : json::value(nullptr); }
json::value text_or_null(const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); }

}  // namespace

json::object region_json(const region_row& r) {
    return json::object{{"code", r.code},
                        {"level", r.level},
                        {"name", r.name},
                        {"parent_code", text_or_null(r.parent_code)},
                        {"has_children", r.has_children},
                        {"merchants", r.merchants}};
}

json::object centre_json(const service_centre& c) {
    return json::object{{"id", std::to_string(c.id)},
                        {"level", c.level},
                        {"region", json::object{{"code", c.region_code}, {"name", c.region_name}}},
                        {"name", c.name},
                        {"contract_reference", c.contract_reference},
                        {"contact_user_id", id_or_null(c.contact_user_id)},
                        {"rate_bp", c.rate_bp},
                        {"starts_on", format_iso_day(c.starts_on)},
                        {"ends_on", format_iso_day(c.ends_on)},
                        {"appointed_at", format_rfc3339_seconds(c.appointed_at)},
                        {"terminated_at", when(c.terminated_at)},
                        {"termination_reason", text_or_null(c.termination_reason)}};
}

json::object promoter_json(const promoter_record& p) {
    return json::object{{"id", std::to_string(p.id)},
                        {"user_id", std::to_string(p.user_id)},
                        {"name", p.name},
                        {"invite_code", p.invite_code},
                        {"merchants", p.merchants},
                        {"created_at", format_rfc3339_seconds(p.created_at)}};
}

json::object binding_json(const promoter_binding& b) {
    return json::object{{"merchant", json::object{{"id", std::to_string(b.merchant_id)}, {"name", b.merchant_name}}},
                        {"promoter", json::object{{"id", std::to_string(b.promoter_id)}, {"name", b.promoter_name}}},
                        {"source", b.source},
                        {"bound_at", format_rfc3339_seconds(b.bound_at)},
                        {"term_started_at", when(b.term_started_at)},
                        {"term_ends_at", when(b.term_ends_at)}};
}

json::object share_statement_json(const share_statement& s) {
    return json::object{{"id", std::to_string(s.id)},
                        {"payee",
                         json::object{{"kind", s.payee.kind},
                                      {"id", std::to_string(s.payee.id)},
                                      {"name", s.payee_name},
                                      {"level", s.payee_level},
                                      {"region_code", text_or_null(s.payee_region)}}},
                        {"period", s.period},
                        {"period_start", format_rfc3339_seconds(s.period_start)},
                        {"period_end", format_rfc3339_seconds(s.period_end)},
                        {"base_fen", s.base_fen},
                        {"share_fen", s.share_fen},
                        {"assist_fen", s.assist_fen},
                        {"carried_in_fen", s.carried_in_fen},
                        {"payable_fen", s.payable_fen},
                        {"carried_out_fen", s.carried_out_fen},
                        {"merchants", s.merchants},
                        {"state", s.state},
                        {"payment_reference", text_or_null(s.payment_reference)},
                        {"invoice_number", text_or_null(s.invoice_number)},
                        {"paid_by_user_id", id_or_null(s.paid_by_user_id)},
                        {"paid_at", when(s.paid_at)},
                        {"created_at", format_rfc3339_seconds(s.created_at)}};
}

}  // namespace sharedstore

#pragma once
// What the what-if of a tier table reads (docs/api.md, "What-if of a tier table"): a store's
// partners as a payment sees them, and its paid purchases of a window in chunks by id, each with
// the customer's owner at paid time. Read only; blocking: call through mysql_pool.
#include "common/mysql_connection.hpp"
#include "server/domain/partner_status.hpp"
#include "server/domain/tier_preview.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

struct preview_partner {
    partner_facts facts;
    partner_status status = partner_status::active;
    std::string phone;  // whole; handlers mask it
};

// Every partner of the store by id, at most `limit`.
std::vector<preview_partner> list_preview_partners(mysql_connection& db, std::uint64_t merchant_id, int limit);
// One partner of the store (nullopt: not the store's).
std::optional<preview_partner> find_preview_partner(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t partner_id);

// Paid purchases with paid_at in [from, to) (DATETIME texts in UTC) and an id above `after_id`,
// by id, at most `limit`: one chunk of the stream. The owner at paid time is the lead history's
// last entry at or before it, as apply_order_paid reads it (lead_owner_at).
std::vector<replayed_order> paid_purchases_after(mysql_connection& db, std::uint64_t merchant_id, const std::string& from,
                                                 const std::string& to, std::uint64_t after_id, int limit);

}  // namespace sharedstore

#pragma once
// Money out to readers: a partner's dividends and summary (/api/v1/partners/me/...) and a store's
// orders, dividends per partner, reconciliation and payment anomalies (/api/v1/merchants/{id}/...).
#include "server/handlers/route.hpp"

#include <span>

namespace sharedstore {

std::span<const route> report_routes();

}  // namespace sharedstore

#pragma once
// Statements of promoters and centres (docs/promoters-and-centres.md "Settlement"): the operator's
// (/api/v1/platform/shares/statements...) and the payees' own (/api/v1/me/share-statements...),
// with their CSV and PDF exports.
#include "server/handlers/route.hpp"

#include <span>

namespace sharedstore {

std::span<const route> share_statement_routes();

}  // namespace sharedstore

#pragma once
// The JSON of regions, promoters, centres and share statements (docs/openapi.yaml), shared by
// their handlers.
#include "server/storage/centre_repository.hpp"
#include "server/storage/promoter_repository.hpp"
#include "server/storage/region_repository.hpp"
#include "server/storage/share_statement_repository.hpp"

#include <boost/json/object.hpp>

namespace sharedstore {

boost::json::object region_json(const region_row& r);
boost::json::object centre_json(const service_centre& c);
boost::json::object promoter_json(const promoter_record& p);
boost::json::object binding_json(const promoter_binding& b);
boost::json::object share_statement_json(const share_statement& s);

}  // namespace sharedstore

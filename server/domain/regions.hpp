#pragma once
// A merchant's region (docs/regions.md; docs/business-rules.md section 3): the six-digit GB/T 2260
// code of the county-level unit of its licensed address, and the city and province above it,
// derived from the digits. A municipality's district (110105) and a province-administered
// county-level unit (429004, digits 3-4 "90") have no city above them; a prefecture-level city
// without counties (441900 东莞, 442000 中山, 460400 儋州) is its own region, with no county.
// Whether a code names a unit is the region table's answer (schema/0028_region_codes.sql). Pure.
#include <optional>
#include <string>
#include <string_view>

namespace sharedstore {

struct region_chain {
    std::string county;    // empty: the region is a city without counties
    std::string city;      // empty: no prefecture above (a municipality's district, a province-administered unit)
    std::string province;  // always
};

// The chain of a merchant's region code, or nullopt when the digits cannot be one: not six
// digits, a province's code (xx0000), a summary code (a municipality's 1101/1102, xx90 00).
std::optional<region_chain> region_chain_of(std::string_view code);

// The level a centre at `code` would serve: "province" (xx0000), "city" (xxxx00), else "county".
std::string_view region_level_of(std::string_view code);

}  // namespace sharedstore

#include "server/domain/regions.hpp"

#include <algorithm>
#include <cctype>

namespace sharedstore {

namespace {

bool six_digits(std::string_view code) {
    return code.size() == 6 && std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The four municipalities: their districts (and Chongqing's counties, 5002xx) sit under the
// province-level unit itself.
bool municipality(std::string_view code) {
    const auto p = code.substr(0, 2);
    return p == "11" || p == "12" || p == "31" || p == "50";
}

}  // namespace

std::optional<region_chain> region_chain_of(std::string_view code) {
    if (!six_digits(code) || code.substr(2) == "0000") return std::nullopt;
    region_chain chain;
    chain.province = std::string(code.substr(0, 2)) + "0000";
    const auto prefecture = code.substr(2, 2);
    if (code.substr(4) == "00") {
        // A prefecture-level code: a region only for a city without counties (the table says which).
        if (municipality(code) || prefecture == "90") return std::nullopt;
        chain.city = std::string(code);
        return chain;
    }
    chain.county = std::string(code);
    if (!municipality(code) && prefecture != "90") chain.city = std::string(code.substr(0, 4)) + "00";
    return chain;
}

std::string_view region_level_of(std::string_view code) {
    if (code.size() == 6 && code.substr(2) == "0000") return "province";
    if (code.size() == 6 && code.substr(4) == "00") return "city";
    return "county";
}

}  // namespace sharedstore

// A merchant's region and the chain above it (server/domain/regions.hpp), and the region table
// shipped in schema/0028_region_codes.sql read against it: every county-level row's parent is the
// city (or province) its digits derive, and exactly the prefecture-level cities without counties
// are regions of their own.
#include "server/domain/regions.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

using namespace sharedstore;

TEST(regions, the_chain_of_a_county_a_district_of_a_municipality_and_the_special_cases) {
    auto nanshan = region_chain_of("440305");
    ASSERT_TRUE(nanshan);
    EXPECT_EQ(nanshan->county, "440305");
    EXPECT_EQ(nanshan->city, "440300");
    EXPECT_EQ(nanshan->province, "440000");
    auto chaoyang = region_chain_of("110105");  // Beijing's district: no prefecture between it and the municipality
    ASSERT_TRUE(chaoyang);
    EXPECT_EQ(chaoyang->city, "");
    EXPECT_EQ(chaoyang->province, "110000");
    EXPECT_EQ(region_chain_of("500229")->city, "") << "Chongqing's county";
    auto xiantao = region_chain_of("429004");  // a province-administered county-level city
    ASSERT_TRUE(xiantao);
    EXPECT_EQ(xiantao->county, "429004");
    EXPECT_EQ(xiantao->city, "");
    EXPECT_EQ(xiantao->province, "420000");
    auto dongguan = region_chain_of("441900");  // a city without counties: its own region
    ASSERT_TRUE(dongguan);
    EXPECT_EQ(dongguan->county, "");
    EXPECT_EQ(dongguan->city, "441900");
    EXPECT_EQ(dongguan->province, "440000");
    for (const auto* bad : {"44030", "4403051", "44a305", "440000", "110100", "429000", " 44030", ""}) EXPECT_FALSE(region_chain_of(bad)) << bad;
    EXPECT_EQ(region_level_of("440000"), "province");
    EXPECT_EQ(region_level_of("440300"), "city");
    EXPECT_EQ(region_level_of("440305"), "county");
}

TEST(regions, the_shipped_table_agrees_with_the_derivation) {
    std::ifstream in(std::string(SHAREDSTORE_SOURCE_DIR) + "/schema/0028_region_codes.sql");
    ASSERT_TRUE(in) << "schema/0028_region_codes.sql";
    std::stringstream text;
    text << in.rdbuf();
    const auto sql = text.str();
    const std::regex row(R"(\('(\d{6})', '(province|city|county)', '([^']+)', (NULL|'(\d{6})'), 'nbs-2023'\))");
    struct entry {
        std::string level, parent;
    };
    std::map<std::string, entry> rows;
    for (auto it = std::sregex_iterator(sql.begin(), sql.end(), row); it != std::sregex_iterator(); ++it)
        rows[(*it)[1]] = entry{(*it)[2], (*it)[5]};
    ASSERT_EQ(rows.size(), 3339u) << "31 provinces, 333 prefecture-level units, 2975 county-level units";
    std::set<std::string> with_counties;
    int counties = 0;
    for (const auto& [code, e] : rows) {
        if (e.level != "county") continue;
        ++counties;
        const auto chain = region_chain_of(code);
        ASSERT_TRUE(chain) << code;
        EXPECT_EQ(e.parent, chain->city.empty() ? chain->province : chain->city) << code;
        ASSERT_TRUE(rows.contains(e.parent)) << code;
        if (!chain->city.empty()) with_counties.insert(chain->city);
    }
    EXPECT_EQ(counties, 2975);
    std::set<std::string> without;
    for (const auto& [code, e] : rows) {
        if (e.level == "province") EXPECT_EQ(region_level_of(code), "province") << code;
        if (e.level != "city") continue;
        EXPECT_EQ(e.parent, code.substr(0, 2) + "0000") << code;
        if (!with_counties.contains(code)) without.insert(code);
    }
    EXPECT_EQ(without, (std::set<std::string>{"441900", "442000", "460400"}));
    for (const auto& code : without) EXPECT_TRUE(region_chain_of(code)) << code;
    EXPECT_EQ(rows.at("440305").parent, "440300");
    EXPECT_EQ(rows.at("110105").parent, "110000");
    EXPECT_EQ(rows.at("429004").parent, "420000");
}

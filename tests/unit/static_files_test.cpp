// Which request paths may name a console file, their content types, and reading a file that
// must resolve inside the served folder (server/http/static_files.hpp).
#include "server/http/static_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace sharedstore;
namespace fs = std::filesystem;

namespace {

TEST(static_path_segments, decodes_plain_paths_and_drops_a_trailing_slash) {
    EXPECT_EQ(static_path_segments(""), std::vector<std::string>{});
    EXPECT_EQ(static_path_segments("assets/index-1a2b.js"), (std::vector<std::string>{"assets", "index-1a2b.js"}));
    EXPECT_EQ(static_path_segments("assets/"), std::vector<std::string>{"assets"});
    EXPECT_EQ(static_path_segments("my%20page"), std::vector<std::string>{"my page"});
    EXPECT_EQ(static_path_segments("%E5%BA%97"), std::vector<std::string>{"\xE5\xBA\x97"}) << "UTF-8 names are names";
}

TEST(static_path_segments, refuses_every_way_out_of_the_folder) {
    for (const char* attempt : {"..", "../x", "a/../../x", "%2e%2e", "%2E%2E/x", ".", "./x", "a/%2e/x", "a%2fb", "a%2Fb", "%2f", "a\\b",
                                "a%5cb", "..%5c..%5cx", "x%00.js", "%00", "a//b", "/etc/passwd", ".env", ".git/config", "a/.hidden",
                                "%zz", "%4", "a%0ab", "a%7fb"})
        EXPECT_FALSE(static_path_segments(attempt)) << attempt;
}

TEST(static_files, content_types_by_extension) {
    EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
    EXPECT_EQ(content_type_for("index-1a2b.js"), "text/javascript; charset=utf-8");
    EXPECT_EQ(content_type_for("a.CSS"), "text/css; charset=utf-8");
    EXPECT_EQ(content_type_for("logo.svg"), "image/svg+xml");
    EXPECT_EQ(content_type_for("f.woff2"), "font/woff2");
    EXPECT_EQ(content_type_for("x.js.map"), "application/json");
    EXPECT_EQ(content_type_for("noext"), "application/octet-stream");
    EXPECT_EQ(content_type_for("x.exe"), "application/octet-stream");
    EXPECT_TRUE(has_extension("app.3f2a.js"));
    EXPECT_FALSE(has_extension("dashboard"));
    EXPECT_FALSE(has_extension("trailing."));
}

class read_static_file_test : public ::testing::Test {
protected:
    void SetUp() override {
        base = fs::path(::testing::TempDir()) / ("static-files-" + std::to_string(::getpid()) + "-" +
                                                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(base);
        fs::create_directories(base / "root" / "assets");
        fs::create_directories(base / "outside");
        std::ofstream(base / "root" / "index.html") << "<html>";
        std::ofstream(base / "outside" / "secret") << "secret";
        std::ofstream(base / "root-sibling") << "sibling";
    }
    void TearDown() override { fs::remove_all(base); }
    static_read read(const std::vector<std::string>& segments, std::size_t limit = 1024) {
        out = {};
        return read_static_file((base / "root").string(), segments, limit, out);
    }
    fs::path base;
    static_file out;
};

TEST_F(read_static_file_test, reads_a_regular_file_inside_with_an_etag) {
    ASSERT_EQ(read({"index.html"}), static_read::found);
    EXPECT_EQ(out.body, "<html>");
    EXPECT_EQ(out.etag.front(), '"');
    const auto first = out.etag;
    std::ofstream(base / "root" / "index.html") << "<html><body>";
    ASSERT_EQ(read({"index.html"}), static_read::found);
    EXPECT_NE(out.etag, first) << "a rewritten file has a new validator";
}

TEST_F(read_static_file_test, refuses_folders_symlinks_out_and_files_past_the_limit) {
    EXPECT_EQ(read({"assets"}), static_read::missing) << "a folder is not a file";
    EXPECT_EQ(read({"missing.js"}), static_read::missing);
    fs::create_symlink(base / "outside" / "secret", base / "root" / "leak");
    EXPECT_EQ(read({"leak"}), static_read::missing);
    fs::create_directory_symlink(base / "outside", base / "root" / "assets" / "out");
    EXPECT_EQ(read({"assets", "out", "secret"}), static_read::missing);
    // A prefix of the root's name is not the root: root-sibling is outside.
    fs::create_symlink(base / "root-sibling", base / "root" / "sibling");
    EXPECT_EQ(read({"sibling"}), static_read::missing);
    fs::create_symlink(base / "root" / "index.html", base / "root" / "alias.html");
    EXPECT_EQ(read({"alias.html"}), static_read::found) << "a symlink that stays inside is fine";
    std::ofstream(base / "root" / "big.js") << std::string(2048, 'x');
    EXPECT_EQ(read({"big.js"}), static_read::too_large);
    EXPECT_EQ(read_static_file("", {"index.html"}, 1024, out), static_read::missing) << "no folder configured";
    EXPECT_EQ(read_static_file((base / "nowhere").string(), {"index.html"}, 1024, out), static_read::missing);
}

}  // namespace

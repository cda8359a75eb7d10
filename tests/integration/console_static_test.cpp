// The merchant console's files served by the server itself at /console/ (docs/console-login.md,
// "Serving the console"): content types, cache headers, the single-page app's fallback to
// index.html, HEAD, validators, and every way of reaching outside the folder refused.
#include "tests/integration/support/http_client.hpp"
#include "tests/integration/support/test_environment.hpp"
#include "tests/support/eventually.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace sharedstore;
using namespace sharedstore::test_support;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const std::string index_html = "<!doctype html><html><head><title>console</title></head><body><div id=app></div></body></html>";
const std::string script = "console.log('hashed chunk');";
const std::string secret = "SECRET-OUTSIDE-THE-CONSOLE";

void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

class console_static_test : public ::testing::Test {
protected:
    // A build as Vite leaves it, and a folder beside it that must stay out of reach.
    static void SetUpTestSuite() {
        root_ = new fs::path(make_temp_dir("console-build"));
        outside_ = new fs::path(make_temp_dir("console-outside"));
        const auto& root = *root_;
        write(root / "index.html", index_html);
        write(root / "favicon.ico", "ico");
        write(root / "assets" / "index-3f2a1b9c.js", script);
        write(root / "assets" / "index-3f2a1b9c.css", "body{}");
        write(root / "assets" / "logo-77aa.svg", "<svg/>");
        write(root / "assets" / "font-1c2d.woff2", "woff2");
        write(root / "assets" / "data-9e8f.json", "{}");
        write(root / "assets" / "blob-0a0b.bin", "bin");
        write(root / "docs" / "readme.txt", "a folder, never listed");
        write(root / ".env", secret);
        write(*outside_ / "secret.txt", secret);
        fs::create_symlink(*outside_ / "secret.txt", root / "leak.txt");
        fs::create_directory_symlink(*outside_, root / "assets" / "linked");
        fs::create_symlink(root / "index.html", root / "alias.html");  // inside: fine
        // Larger than any console chunk may be: never read.
        std::ofstream(root / "assets" / "huge-1111.js").close();
        fs::resize_file(root / "assets" / "huge-1111.js", 17u * 1024 * 1024);
        server_ = new server_process({{"SHAREDSTORE_CONSOLE_STATIC_DIR", root.string()}});
    }
    static void TearDownTestSuite() {
        delete server_;
        fs::remove_all(*root_);
        fs::remove_all(*outside_);
        delete root_;
        delete outside_;
    }
    static int port() { return server_->port(); }
    static http_reply get(const std::string& path, const std::vector<std::pair<std::string, std::string>>& headers = {}) {
        return http_call(port(), "GET", path, "", headers);
    }
    // The target exactly as written: no client normalises "..", "\" or escapes on the way.
    static http_reply raw(const std::string& target) {
        tcp_connection connection(port());
        connection.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        auto reply = connection.read_reply();
        if (!reply) throw std::runtime_error("no reply to " + target);
        return *reply;
    }

    static inline fs::path* root_ = nullptr;
    static inline fs::path* outside_ = nullptr;
    static inline server_process* server_ = nullptr;
};

TEST_F(console_static_test, files_are_served_with_their_content_type_and_cache_policy) {
    auto index = get("/console/");
    ASSERT_EQ(index.status, 200) << index.body;
    EXPECT_EQ(index.body, index_html);
    EXPECT_EQ(index.header("content-type"), "text/html; charset=utf-8");
    EXPECT_EQ(index.header("cache-control"), "no-cache") << "index.html names the hashed assets of the current build";
    EXPECT_EQ(index.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(index.header("x-frame-options"), "DENY");
    EXPECT_EQ(get("/console/index.html").body, index_html);

    const std::map<std::string, std::string> types{{"/console/assets/index-3f2a1b9c.js", "text/javascript; charset=utf-8"},
                                                   {"/console/assets/index-3f2a1b9c.css", "text/css; charset=utf-8"},
                                                   {"/console/assets/logo-77aa.svg", "image/svg+xml"},
                                                   {"/console/assets/font-1c2d.woff2", "font/woff2"},
                                                   {"/console/assets/data-9e8f.json", "application/json"},
                                                   {"/console/assets/blob-0a0b.bin", "application/octet-stream"}};
    for (const auto& [path, type] : types) {
        auto reply = get(path);
        ASSERT_EQ(reply.status, 200) << path;
        EXPECT_EQ(reply.header("content-type"), type) << path;
        EXPECT_EQ(reply.header("cache-control"), "public, max-age=31536000, immutable") << path << ": hashed, so cached for good";
        EXPECT_EQ(reply.header("x-content-type-options"), "nosniff") << path;
    }
    EXPECT_EQ(get("/console/assets/index-3f2a1b9c.js").body, script);
    // Outside assets/ a name is not a content hash: revalidated every time.
    auto icon = get("/console/favicon.ico");
    EXPECT_EQ(icon.header("content-type"), "image/x-icon");
    EXPECT_EQ(icon.header("cache-control"), "no-cache");
    // A symlink that stays inside the folder is a file like any other.
    EXPECT_EQ(get("/console/alias.html").body, index_html);
}

TEST_F(console_static_test, an_etag_lets_a_browser_revalidate_without_the_body) {
    auto first = get("/console/index.html");
    const auto etag = first.header("etag");
    ASSERT_FALSE(etag.empty());
    auto again = get("/console/index.html", {{"If-None-Match", etag}});
    EXPECT_EQ(again.status, 304);
    EXPECT_TRUE(again.body.empty());
    EXPECT_EQ(again.header("etag"), etag);
    EXPECT_EQ(get("/console/index.html", {{"If-None-Match", "\"other\""}}).status, 200);
    EXPECT_EQ(get("/console/index.html", {{"If-None-Match", "\"other\", W/" + etag}}).status, 304) << "one of a list, weakly compared";
}

TEST_F(console_static_test, head_answers_the_headers_of_get_without_the_body) {
    auto head = http_call(port(), "HEAD", "/console/assets/index-3f2a1b9c.js");
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.header("content-length"), std::to_string(script.size()));
    EXPECT_EQ(head.header("content-type"), "text/javascript; charset=utf-8");
    EXPECT_TRUE(head.body.empty());
    // And on a kept-alive connection the next answer is read where it starts.
    tcp_connection connection(port());
    connection.send(build_request("HEAD", "/console/", "", {}, true) + build_request("GET", "/console/favicon.ico"));
    auto first = connection.read_reply(10s, true);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->header("content-length"), std::to_string(index_html.size()));
    auto second = connection.read_reply();
    ASSERT_TRUE(second);
    EXPECT_EQ(second->body, "ico");
}

TEST_F(console_static_test, a_page_of_the_app_gets_index_html_and_a_missing_file_404) {
    for (const auto* page : {"/console/dashboard", "/console/stores/12/partners", "/console/login?next=%2Fconsole%2Ftiers"}) {
        auto reply = get(page);
        ASSERT_EQ(reply.status, 200) << page;
        EXPECT_EQ(reply.body, index_html) << page;
        EXPECT_EQ(reply.header("cache-control"), "no-cache") << page;
    }
    for (const auto* file : {"/console/missing.js", "/console/assets/index-00000000.js", "/console/stores/12/logo.png"}) {
        auto reply = get(file);
        EXPECT_EQ(reply.status, 404) << file;
        EXPECT_EQ(std::string(reply.json().at("error").at("code").as_string()), "not_found") << file;
    }
    // A folder is never listed: without an extension it is a page of the app.
    for (const auto* folder : {"/console/assets/", "/console/assets", "/console/docs/"}) {
        auto reply = get(folder);
        EXPECT_EQ(reply.body, index_html) << folder;
        EXPECT_EQ(reply.body.find("index-3f2a1b9c"), std::string::npos) << folder;
    }
    auto bare = get("/console");
    EXPECT_EQ(bare.status, 308);
    EXPECT_EQ(bare.header("location"), "/console/");
    auto post = http_call(port(), "POST", "/console/index.html");
    EXPECT_EQ(post.status, 405);
    EXPECT_EQ(post.header("allow"), "GET, HEAD");
}

TEST_F(console_static_test, nothing_outside_the_folder_can_be_reached) {
    const std::vector<std::string> attempts{
        "/console/../" + fs::path(*outside_).filename().string() + "/secret.txt",
        "/console/assets/../../secret.txt",
        "/console/%2e%2e/%2e%2e/etc/passwd",
        "/console/%2E%2E%2Fsecret.txt",
        "/console/assets/..%2f..%2fsecret.txt",
        "/console/%5c..%5csecret.txt",
        "/console/..%5Csecret.txt",
        "/console/index.html%00.js",
        "/console/%00",
        "/console/leak.txt",                 // a symlink to a file outside
        "/console/assets/linked/secret.txt",  // a symlink to a folder outside
        "/console/.env",                     // dot files
        "/console/assets/%2e%2e",
        "/console//etc/passwd",
        "/console/%2fetc%2fpasswd",
        "/console/assets/./index-3f2a1b9c.js",
        "/console/assets/huge-1111.js",  // past the size limit
        "/console/%zz",
    };
    for (const auto& target : attempts) {
        auto reply = raw(target);
        EXPECT_EQ(reply.status, 404) << target << ": " << reply.body;
        EXPECT_EQ(reply.body.find(secret), std::string::npos) << target;
        EXPECT_NE(reply.body, index_html) << target << ": refused, not answered with the app";
    }
    // A raw backslash: Beast may refuse the target itself; either way nothing is served.
    auto backslash = raw("/console/..\\..\\secret.txt");
    EXPECT_TRUE(backslash.status == 400 || backslash.status == 404) << backslash.status;
    EXPECT_EQ(backslash.body.find(secret), std::string::npos);
}

TEST(console_static_disabled, an_empty_static_dir_serves_nothing_at_console) {
    server_process server({{"SHAREDSTORE_CONSOLE_STATIC_DIR", std::string()}});
    for (const auto* path : {"/console/", "/console/index.html", "/console/dashboard", "/console"}) {
        auto reply = http_call(server.port(), "GET", path);
        EXPECT_EQ(reply.status, 404) << path;
        EXPECT_EQ(std::string(reply.json().at("error").at("code").as_string()), "not_found") << path;
    }
}

TEST(console_static_disabled, a_folder_that_is_not_there_yet_is_named_in_the_log_and_serves_nothing) {
    const auto missing = make_temp_dir("console-missing") + "/dist";
    server_process server({{"SHAREDSTORE_CONSOLE_STATIC_DIR", missing}});
    EXPECT_EQ(http_call(server.port(), "GET", "/console/").status, 404);
    EXPECT_TRUE(eventually([&] { return server.log().find("console_not_built") != std::string::npos; }, 5s));
    // Built while the server runs: served from then on, no restart.
    write(fs::path(missing) / "index.html", index_html);
    EXPECT_EQ(http_call(server.port(), "GET", "/console/").body, index_html);
}

}  // namespace

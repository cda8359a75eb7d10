// What strict input means below the handlers: JSON objects with a key twice, and text with
// control characters, line separators or bidi overrides.
#include "common/json_duplicates.hpp"
#include "common/utf8.hpp"
#include "server/http/api_error.hpp"
#include "server/http/body_reader.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

using namespace sharedstore;

namespace {

TEST(json_duplicates, finds_the_first_key_given_twice_with_its_path) {
    EXPECT_EQ(first_duplicate_key(R"({"amount_fen":-100,"amount_fen":100})"), "amount_fen");
    EXPECT_EQ(first_duplicate_key(R"({"tiers":[{"name":"a"},{"name":"b","ratio_bp":1,"ratio_bp":2}]})"), "tiers[1].ratio_bp");
    EXPECT_EQ(first_duplicate_key(R"({"a":{"b":{"c":1,"c":2}}})"), "a.b.c");
    EXPECT_EQ(first_duplicate_key(R"([{"x":1},[{"y":1,"y":1}]])"), "[1][0].y");
    // Escapes are compared decoded: "\u0061" is "a".
    EXPECT_EQ(first_duplicate_key(R"({"a":1,"\u0061":2})"), "a");
}

TEST(json_duplicates, equal_keys_in_different_objects_and_invalid_json_are_not_duplicates) {
    EXPECT_EQ(first_duplicate_key(R"({"a":{"x":1},"b":{"x":1},"c":[{"x":1},{"x":2}]})"), std::nullopt);
    EXPECT_EQ(first_duplicate_key(R"({"a":1,"A":2})"), std::nullopt) << "keys are case-sensitive";
    EXPECT_EQ(first_duplicate_key(R"({"a":1,)"), std::nullopt);
    EXPECT_EQ(first_duplicate_key("[]"), std::nullopt);
}

TEST(json_duplicates, a_request_body_with_a_key_twice_is_refused_naming_the_key) {
    try {
        parse_json_body(R"({"amount_fen":-100,"amount_fen":100})");
        FAIL() << "accepted";
    } catch (const api_error& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_EQ(e.code(), "invalid_body");
        EXPECT_NE(e.message().find("amount_fen"), std::string::npos) << e.message();
    }
}

TEST(control_characters, are_found_in_every_form_they_take) {
    EXPECT_EQ(first_control_character("Alice"), std::nullopt);
    EXPECT_EQ(first_control_character("奶茶店 · 二号店"), std::nullopt);
    EXPECT_EQ(first_control_character(std::string("a\0b", 3)), U'\0');
    EXPECT_EQ(first_control_character("a\tb"), U'\t');
    EXPECT_EQ(first_control_character("line\r\nforged"), U'\r');
    EXPECT_EQ(first_control_character("\x1b[31mred"), U'\x1b');
    EXPECT_EQ(first_control_character("del\x7f"), U'\x7f');
    EXPECT_EQ(first_control_character("c1\xc2\x85"), U'\u0085');
    EXPECT_EQ(first_control_character("abc\xe2\x80\xae" "cba"), U'\u202E') << "right-to-left override";
    EXPECT_EQ(first_control_character("\xe2\x81\xa6x"), U'\u2066') << "left-to-right isolate";
    EXPECT_EQ(first_control_character("a\xe2\x80\xa8" "b"), U'\u2028') << "line separator";
    // Neighbours that are ordinary text: en dash U+2013, ellipsis U+2026, word joiner U+2060.
    EXPECT_EQ(first_control_character("1\xe2\x80\x93" "2\xe2\x80\xa6\xe2\x81\xa0"), std::nullopt);
}

TEST(control_characters, a_line_feed_passes_only_where_text_may_have_lines) {
    EXPECT_EQ(first_control_character("one\ntwo"), U'\n');
    EXPECT_EQ(first_control_character("one\ntwo", true), std::nullopt);
    EXPECT_EQ(first_control_character("one\r\ntwo", true), U'\r');
}

TEST(control_characters, a_body_string_with_one_is_refused_naming_field_and_character) {
    http_request request;
    request.json = boost::json::parse(R"({"name":"Bob\u202Eevil","benefit":"line one\nline two"})");
    body_reader body(request);
    try {
        body.required_string("name", 1, 64);
        FAIL() << "accepted";
    } catch (const api_error& e) {
        EXPECT_EQ(e.code(), "invalid_field");
        EXPECT_NE(e.message().find("name"), std::string::npos);
        EXPECT_NE(e.message().find("U+202E"), std::string::npos) << e.message();
    }
    EXPECT_EQ(body.required_string("benefit", 1, 64, body_reader::lines::multi), "line one\nline two");
}

}  // namespace

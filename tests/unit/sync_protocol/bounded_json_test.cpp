#include "admit/sync/protocol/bounded_json.hpp"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "admit/sync/protocol/messages.hpp"

namespace admit::sync {
namespace {

using json = nlohmann::json;

TEST(BoundedJsonTest, ParsesWhatFitsExactlyAsNlohmannDoes) {
    std::string text =
        R"({"a": [1, -2, 3.5, "x", true, null, {"b": {}}], "c": "\u00e9", "a2": [], "u": 18446744073709551615})";
    auto parsed = parseBoundedJson(text, {}, "body");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(*parsed, json::parse(text));
    EXPECT_EQ(parseBoundedJson("  7 ", {}, "body").value(), json(7));
    auto duplicate = parseBoundedJson(R"({"k": 1, "k": 2})", {}, "body");
    ASSERT_TRUE(duplicate.ok());
    EXPECT_EQ(*duplicate, json::parse(R"({"k": 1, "k": 2})"))
        << "the last duplicate wins, as before";
}

TEST(BoundedJsonTest, RefusesSyntaxErrorsAndTrailingText) {
    for (const char* text : {"", "{", "[1,]", "{} {}", "nul", "\"open", "[1] x"}) {
        auto parsed = parseBoundedJson(text, {}, "body");
        ASSERT_FALSE(parsed.ok()) << text;
        EXPECT_EQ(parsed.error().kind, JsonError::Kind::kSyntax) << text;
        EXPECT_EQ(parsed.error().message, "body is not valid JSON") << text;
    }
}

// nlohmann's lexer takes a NUL byte for the end of the input, so "{}" followed by a NUL and
// anything at all parsed as "{}". JSON text never holds a NUL (not even in a string).
TEST(BoundedJsonTest, RefusesANulByteWhereverItIs) {
    using namespace std::string_literals;
    for (const std::string& text : {"{}\0"s, "{}\0junk"s, "[1]\0[2]"s, "\0"s, "{\"a\":\0}"s}) {
        auto parsed = parseBoundedJson(text, {}, "body");
        ASSERT_FALSE(parsed.ok()) << text.size();
        EXPECT_EQ(parsed.error().kind, JsonError::Kind::kSyntax);
        EXPECT_EQ(parsed.error().message, "body is not valid JSON");
    }
}

TEST(BoundedJsonTest, DepthIsCountedPerContainerAndRefusedAtTheFirstLevelOver) {
    JsonLimits limits;
    limits.maxDepth = 3;
    EXPECT_TRUE(parseBoundedJson(R"([{"a": [1]}])", limits, "body").ok());
    EXPECT_TRUE(parseBoundedJson("5", jsonLimits(0), "body").ok()) << "a scalar has depth 0";
    auto deep = parseBoundedJson(R"([{"a": [[1]]}])", limits, "body");
    ASSERT_FALSE(deep.ok());
    EXPECT_EQ(deep.error().kind, JsonError::Kind::kTooDeep);
    EXPECT_EQ(deep.error().message, "body nests deeper than 3 levels");
}

// Issue 12: 100,000 levels (200 KB) crashed the server in dump(). The refusal comes at the
// 17th level, without reading the rest, and an unclosed tail is not even looked at.
TEST(BoundedJsonTest, HundredThousandLevelsAreRefusedQuickly) {
    std::string nested = std::string(100'000, '[') + std::string(100'000, ']');
    auto start = std::chrono::steady_clock::now();
    auto parsed = parseBoundedJson(nested, {}, "upload");
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().message, "upload nests deeper than 16 levels");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
    EXPECT_EQ(parseBoundedJson(std::string(100'000, '{'), {}, "body").error().kind,
              JsonError::Kind::kSyntax)
        << "objects need keys";
    EXPECT_EQ(parseBoundedJson(std::string(100'000, '['), {}, "body").error().kind,
              JsonError::Kind::kTooDeep);
}

TEST(BoundedJsonTest, ValuesAreCountedContainersIncluded) {
    JsonLimits limits;
    limits.maxValues = 4;
    EXPECT_TRUE(parseBoundedJson(R"({"a": [1, 2]})", limits, "body").ok());  // 4 values
    auto many = parseBoundedJson(R"({"a": [1, 2, 3]})", limits, "body");
    ASSERT_FALSE(many.ok());
    EXPECT_EQ(many.error().kind, JsonError::Kind::kTooManyValues);
    EXPECT_EQ(many.error().message, "body holds more than 4 values");
}

TEST(BoundedJsonTest, TheNamedArrayOfTheOutermostObjectIsCapped) {
    JsonLimits limits;
    limits.namedArray = "entries";
    limits.maxNamedArrayItems = 2;
    EXPECT_TRUE(parseBoundedJson(R"({"entries": [{}, {}], "x": [1, 2, 3]})", limits, "b").ok());
    EXPECT_TRUE(parseBoundedJson(R"({"y": {"entries": [1, 2, 3]}})", limits, "b").ok())
        << "only the outermost object's array";
    EXPECT_TRUE(parseBoundedJson(R"([[1, 2, 3]])", limits, "b").ok());
    auto three = parseBoundedJson(R"({"entries": [{}, {}, {}]})", limits, "b");
    ASSERT_FALSE(three.ok());
    EXPECT_EQ(three.error().kind, JsonError::Kind::kNamedArrayLong);
    EXPECT_EQ(three.error().message, "entries holds more than 2 entries");
}

// Issue 12: an upload of 2.8 million entries was parsed whole before the 500-entry cap.
TEST(BoundedJsonTest, AnUploadOfMillionsOfEntriesStopsAtTheFirstOverTheCap) {
    std::string body = R"({"protocol":1,"device_id":"d","gate":"A","entries":[)";
    while (body.size() < kMaxBodyBytes - 2) body += "{},";
    body.back() = ']';
    body += "}";
    auto start = std::chrono::steady_clock::now();
    auto parsed = parseUploadRequest(body);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().message, "entries holds more than 500 entries");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
}

}  // namespace
}  // namespace admit::sync

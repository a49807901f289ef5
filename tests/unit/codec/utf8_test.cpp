#include "admit/codec/utf8.hpp"

#include <gtest/gtest.h>

namespace admit::codec {
namespace {

TEST(Utf8, AcceptsValidText) {
    EXPECT_TRUE(isValidUtf8(""));
    EXPECT_TRUE(isValidUtf8("Open Air 2025"));
    EXPECT_TRUE(isValidUtf8("Fête de la Musique – Zürich 🎉"));
    EXPECT_TRUE(isValidUtf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
    EXPECT_TRUE(isValidUtf8("\xed\x9f\xbf"));      // U+D7FF, just below the surrogates
}

TEST(Utf8, ReportsOffsetOfFirstInvalidSequence) {
    EXPECT_EQ(findInvalidUtf8("ab\x80"), 2u);            // stray continuation byte
    EXPECT_EQ(findInvalidUtf8("a\xc0\xaf"), 1u);         // overlong '/'
    EXPECT_EQ(findInvalidUtf8("\xe0\x80\xaf"), 0u);      // overlong 3-byte
    EXPECT_EQ(findInvalidUtf8("xy\xed\xa0\x80"), 2u);    // surrogate U+D800
    EXPECT_EQ(findInvalidUtf8("\xf4\x90\x80\x80"), 0u);  // above U+10FFFF
    EXPECT_EQ(findInvalidUtf8("ok\xe2\x82"), 2u);        // truncated
    EXPECT_EQ(findInvalidUtf8("\xff"), 0u);
    EXPECT_EQ(findInvalidUtf8("\xf0\x9f\x8e"), 0u);  // truncated 4-byte
}

}  // namespace
}  // namespace admit::codec

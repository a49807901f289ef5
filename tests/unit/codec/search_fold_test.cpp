#include "admit/codec/search_fold.hpp"

#include <gtest/gtest.h>

namespace admit::codec {
namespace {

TEST(SearchFold, LowersAndTakesAccentsOff) {
    EXPECT_EQ(foldForSearch("José"), "jose");
    EXPECT_EQ(foldForSearch("MÜLLER"), "muller");
    EXPECT_EQ(foldForSearch("Łódź"), "lodz");
    EXPECT_EQ(foldForSearch("Straße"), "strasse");
    EXPECT_EQ(foldForSearch("Ærø"), "aero");
    EXPECT_EQ(foldForSearch("Şerban Ţiriac"), "serban tiriac");  // cedilla
    EXPECT_EQ(foldForSearch("Șerban Țiriac"), "serban tiriac");  // comma below
    EXPECT_EQ(foldForSearch("François Dvořák"), "francois dvorak");
    EXPECT_EQ(foldForSearch("Ana.Lopez@Example.ORG"), "ana.lopez@example.org");
}

TEST(SearchFold, DropsCombiningAccentsOfDecomposedText) {
    EXPECT_EQ(foldForSearch("Jose\xcc\x81"), "jose");  // e + U+0301
}

TEST(SearchFold, LowersGreekAndCyrillicAndKeepsOtherScripts) {
    EXPECT_EQ(foldForSearch("ΑΘΗΝΑ"), "αθηνα");
    EXPECT_EQ(foldForSearch("ИВАН Ёлкин"), "иван ёлкин");
    EXPECT_EQ(foldForSearch("東京"), "東京");
    EXPECT_EQ(foldForSearch("2 × 3"), "2 × 3");
}

TEST(SearchFold, DropsControlCharactersAndKeepsInvalidBytes) {
    EXPECT_EQ(foldForSearch("a\tb\nc"), "abc");
    EXPECT_EQ(foldForSearch("A\xff"
                            "B"),
              "a\xff"
              "b");
    EXPECT_EQ(foldForSearch("\xc3"), "\xc3");  // truncated sequence
}

}  // namespace
}  // namespace admit::codec

#include "admit/scan/line_reader.hpp"

#include <string>

#include <gtest/gtest.h>

namespace admit::scan {
namespace {

std::vector<std::string> texts(const std::vector<ReadLine>& lines) {
    std::vector<std::string> out;
    for (const auto& line : lines) out.push_back(line.tooLong ? "<refused>" : line.text);
    return out;
}

TEST(LineReader, CrLfAndCrLfEachEndALine) {
    LineReader reader;
    EXPECT_EQ(texts(reader.feed("ONE\rTWO\nTHREE\r\nFOUR\n\r")),
              (std::vector<std::string>{"ONE", "TWO", "THREE", "FOUR"}));
}

TEST(LineReader, APartialLineWaitsForItsEnd) {
    LineReader reader;
    EXPECT_TRUE(reader.feed("AT1:AB").empty());
    EXPECT_TRUE(reader.feed("CD").empty());
    EXPECT_EQ(texts(reader.feed("EF\r")), (std::vector<std::string>{"AT1:ABCDEF"}));
}

TEST(LineReader, CrLfSplitAcrossReadsIsOneEnd) {
    LineReader reader;
    EXPECT_EQ(texts(reader.feed("CODE\r")), (std::vector<std::string>{"CODE"}));
    EXPECT_TRUE(reader.feed("\n").empty());
    EXPECT_EQ(texts(reader.feed("NEXT\n")), (std::vector<std::string>{"NEXT"}));
}

TEST(LineReader, ALineOverTheCapIsRefusedAndTheNextOneIsRead) {
    LineReader reader(8);
    auto lines = reader.feed(std::string(20, 'x') + "\r\nOK-CODE\r\n");
    ASSERT_EQ(lines.size(), 2U);
    EXPECT_TRUE(lines[0].tooLong);
    EXPECT_EQ(lines[0].length, 20U);
    EXPECT_TRUE(lines[0].text.empty());
    EXPECT_FALSE(lines[1].tooLong);
    EXPECT_EQ(lines[1].text, "OK-CODE");
}

TEST(LineReader, ALineOfExactlyTheCapIsKept) {
    LineReader reader(8);
    EXPECT_EQ(texts(reader.feed("12345678\n")), (std::vector<std::string>{"12345678"}));
}

TEST(LineReader, EndlessBytesWithoutALineEndAreNotKept) {
    LineReader reader(16);
    for (int i = 0; i < 1000; ++i) EXPECT_TRUE(reader.feed(std::string(1000, 'y')).empty());
    auto lines = reader.feed("\n");
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_TRUE(lines[0].tooLong);
    EXPECT_EQ(lines[0].length, 1000000U);
}

TEST(LineReader, ResetDropsAPartialLine) {
    LineReader reader;
    EXPECT_TRUE(reader.feed("HALF").empty());
    reader.reset();
    EXPECT_EQ(texts(reader.feed("WHOLE\r")), (std::vector<std::string>{"WHOLE"}));
}

}  // namespace
}  // namespace admit::scan

#include "admit/organiser/csv_reader.hpp"

#include <gtest/gtest.h>

namespace admit::organiser {
namespace {

using Fields = std::vector<std::string>;

TEST(CsvReader, ReadsQuotedFieldsEscapedQuotesAndLineBreaks) {
    auto records = parseCsv(
        "name,note\r\n\"Lovelace, Ada\",\"said \"\"hi\"\"\"\r\n\"Two\nlines\",x\r\nlast,\n",
        "a.csv");
    ASSERT_TRUE(records.ok()) << records.error().message;
    ASSERT_EQ(records->size(), 4u);
    EXPECT_EQ((*records)[1].fields, (Fields{"Lovelace, Ada", "said \"hi\""}));
    EXPECT_EQ((*records)[2].fields, (Fields{"Two\nlines", "x"}));
    EXPECT_EQ((*records)[2].line, 3);
    EXPECT_EQ((*records)[3].line, 5);
    EXPECT_EQ((*records)[3].fields, (Fields{"last", ""}));
}

TEST(CsvReader, SkipsBomAndBlankLinesAndAcceptsNoFinalNewline) {
    auto records = parseCsv("\xEF\xBB\xBFh1,h2\n\na,b", "a.csv");
    ASSERT_TRUE(records.ok());
    ASSERT_EQ(records->size(), 2u);
    EXPECT_EQ((*records)[0].fields, (Fields{"h1", "h2"}));
    EXPECT_EQ((*records)[1].line, 3);
}

TEST(CsvReader, ErrorsNameFileLineAndField) {
    EXPECT_EQ(parseCsv("a,b\nx,\"open\n", "f.csv").error().message,
              "f.csv:2: a quoted field is never closed");
    EXPECT_EQ(parseCsv("a,b\nx,\"q\"z\n", "f.csv").error().message,
              "f.csv:2: field 2: text after a closing quote (write \"\" for a quote inside a "
              "field)");
    EXPECT_EQ(parseCsv("a,b\nx,y\"z\n", "f.csv").error().message,
              "f.csv:2: field 2: a quote in the middle of an unquoted field");
    EXPECT_EQ(parseCsv("a,b\nx,\xC3\x28\n", "f.csv").error().message,
              "f.csv:2: the file is not valid UTF-8");
}

}  // namespace
}  // namespace admit::organiser

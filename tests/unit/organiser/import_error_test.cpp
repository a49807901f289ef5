#include "admit/organiser/import_error.hpp"

#include <gtest/gtest.h>

namespace admit::organiser {
namespace {

using Kind = ImportProblem::Kind;

ImportProblem problem(Kind kind, int line) {
    return {kind, "f.csv", line, "Email", "f.csv:" + std::to_string(line) + ": bad"};
}

TEST(ImportErrorTest, KindIsTheFirstProblemsAndMessagesAreOneALine) {
    auto error = importError({problem(Kind::kBadEmail, 3), problem(Kind::kBadStatus, 4)}, true);
    EXPECT_EQ(error.kind(), Kind::kBadEmail);
    ASSERT_EQ(error.problems.size(), 2u);
    EXPECT_EQ(error.problems[1].line, 4);
    EXPECT_EQ(error.message, "f.csv:3: bad\nf.csv:4: bad\nnothing was imported");
}

TEST(ImportErrorTest, AHeaderProblemIsOneSentence) {
    auto error = importError({problem(Kind::kMissingColumn, 1)}, false);
    EXPECT_EQ(error.message, "f.csv:1: bad");
}

TEST(ImportErrorTest, ManyProblemsAreCutAtTheLimitButAllKept) {
    std::vector<ImportProblem> many;
    for (int line = 2; line < 7; ++line) many.push_back(problem(Kind::kFieldCount, line));
    auto error = importError(many, true, 2);
    EXPECT_EQ(error.message,
              "f.csv:2: bad\nf.csv:3: bad\n... and 3 more errors\nnothing was imported");
    EXPECT_EQ(error.problems.size(), 5u);
}

}  // namespace
}  // namespace admit::organiser

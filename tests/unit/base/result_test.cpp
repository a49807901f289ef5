#include "admit/base/result.hpp"

#include <gtest/gtest.h>

namespace admit {
namespace {

Result<int> half(int n) {
    if (n % 2 != 0) return fail("odd number " + std::to_string(n));
    return n / 2;
}

TEST(Result, CarriesValueOrError) {
    auto good = half(8);
    ASSERT_TRUE(good.ok());
    EXPECT_EQ(*good, 4);
    auto bad = half(3);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message, "odd number 3");
}

enum class Reason { kTooShort, kTooLong };

TEST(Result, CustomErrorType) {
    Result<std::string, Reason> r = fail(Reason::kTooLong);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), Reason::kTooLong);
}

}  // namespace
}  // namespace admit

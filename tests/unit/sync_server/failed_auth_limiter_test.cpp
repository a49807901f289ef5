#include "admit/sync/server/failed_auth_limiter.hpp"

#include <gtest/gtest.h>

namespace admit::sync {
namespace {

using namespace std::chrono_literals;
using Clock = FailedAuthLimiter::Clock;

const Clock::time_point kStart{};

TEST(FailedAuthLimiterTest, RefusesAnAddressAfterItsFailuresUntilTheWindowEnds) {
    FailedAuthLimiter limiter({3, 60s, 100});
    for (int i = 0; i < 3; ++i) {
        EXPECT_FALSE(limiter.waitFor("10.0.0.1", kStart + 1s)) << i;
        limiter.recordFailure("10.0.0.1", kStart + 1s);
    }
    EXPECT_EQ(limiter.waitFor("10.0.0.1", kStart + 1s), 60s);
    EXPECT_EQ(limiter.waitFor("10.0.0.1", kStart + 30500ms), 31s);  // rounded up
    EXPECT_FALSE(limiter.waitFor("10.0.0.2", kStart + 2s)) << "another address is not refused";
    EXPECT_FALSE(limiter.waitFor("10.0.0.1", kStart + 61s)) << "the window is over";
}

TEST(FailedAuthLimiterTest, FailuresInAnOldWindowDoNotCount) {
    FailedAuthLimiter limiter({3, 60s, 100});
    limiter.recordFailure("a", kStart);
    limiter.recordFailure("a", kStart + 10s);
    limiter.recordFailure("a", kStart + 61s);  // a new window: one failure
    limiter.recordFailure("a", kStart + 62s);
    EXPECT_FALSE(limiter.waitFor("a", kStart + 62s));
    limiter.recordFailure("a", kStart + 63s);
    EXPECT_EQ(limiter.waitFor("a", kStart + 63s), 58s);
}

TEST(FailedAuthLimiterTest, TheTableStaysBoundedWhateverTheAddresses) {
    FailedAuthLimiter limiter({3, 60s, 50});
    for (int i = 0; i < 10'000; ++i) {
        limiter.recordFailure("10.1." + std::to_string(i / 256) + "." + std::to_string(i % 256),
                              kStart + std::chrono::milliseconds(i));
    }
    EXPECT_LE(limiter.addressesHeld(), 50u);
    // The newest addresses are the ones kept.
    for (int i = 0; i < 2; ++i) limiter.recordFailure("10.1.39.15", kStart + 10s);
    EXPECT_TRUE(limiter.waitFor("10.1.39.15", kStart + 10s));
}

}  // namespace
}  // namespace admit::sync

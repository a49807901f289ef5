#include "admit/scan/debouncer.hpp"

#include <gtest/gtest.h>

namespace admit::scan {
namespace {

using std::chrono::milliseconds;

const TimePoint t0{};

TEST(Debouncer, FirstReadOfACodeIsReported) {
    Debouncer debouncer;
    EXPECT_TRUE(debouncer.accept("A", t0));
}

TEST(Debouncer, CodeHeldInViewIsReportedOnce) {
    Debouncer debouncer(DebounceOptions{milliseconds(1000)});
    EXPECT_TRUE(debouncer.accept("A", t0));
    // Read on every frame for ten seconds: far longer than forgetAfter, but never out of view.
    for (int frame = 1; frame <= 300; ++frame) {
        EXPECT_FALSE(debouncer.accept("A", t0 + milliseconds(33 * frame))) << frame;
    }
}

TEST(Debouncer, ShortGapsInReadingDoNotReportAgain) {
    Debouncer debouncer(DebounceOptions{milliseconds(1000)});
    EXPECT_TRUE(debouncer.accept("A", t0));
    EXPECT_FALSE(debouncer.accept("A", t0 + milliseconds(999)));
    EXPECT_FALSE(debouncer.accept("A", t0 + milliseconds(1998)));
}

TEST(Debouncer, CodeIsReportedAgainAfterLeavingViewLongEnough) {
    Debouncer debouncer(DebounceOptions{milliseconds(1000)});
    EXPECT_TRUE(debouncer.accept("A", t0));
    EXPECT_FALSE(debouncer.accept("A", t0 + milliseconds(500)));
    EXPECT_TRUE(debouncer.accept("A", t0 + milliseconds(1500)));
    EXPECT_FALSE(debouncer.accept("A", t0 + milliseconds(1600)));
}

TEST(Debouncer, DifferentCodesAreIndependent) {
    Debouncer debouncer;
    EXPECT_TRUE(debouncer.accept("A", t0));
    EXPECT_TRUE(debouncer.accept("B", t0 + milliseconds(10)));
    EXPECT_FALSE(debouncer.accept("A", t0 + milliseconds(20)));
    EXPECT_FALSE(debouncer.accept("B", t0 + milliseconds(30)));
}

TEST(Debouncer, ResetForgetsEverything) {
    Debouncer debouncer;
    EXPECT_TRUE(debouncer.accept("A", t0));
    debouncer.reset();
    EXPECT_TRUE(debouncer.accept("A", t0 + milliseconds(10)));
}

}  // namespace
}  // namespace admit::scan

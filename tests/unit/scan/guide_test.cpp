#include "admit/scan/guide.hpp"

#include <gtest/gtest.h>

namespace admit::scan {
namespace {

TEST(Guide, DefaultIsCentredHalfWidthTwoThirdsHeight) {
    EXPECT_EQ(Guide{}.toPixels({1920, 1080}), cv::Rect(480, 180, 960, 720));
    EXPECT_EQ(Guide{}.toPixels({1280, 720}), cv::Rect(320, 120, 640, 480));
}

TEST(Guide, IsClippedToTheFrame) {
    const Guide guide{cv::Rect2f(0.8f, -0.1f, 0.5f, 0.5f)};
    EXPECT_EQ(guide.toPixels({100, 100}), cv::Rect(80, 0, 20, 40));
}

}  // namespace
}  // namespace admit::scan

#include "admit/scan/latest_frame.hpp"

#include <thread>

#include <gtest/gtest.h>

namespace admit::scan {
namespace {

using std::chrono::milliseconds;

Frame numbered(std::uint64_t sequence) {
    return Frame{cv::Mat(1, 1, CV_8UC1, cv::Scalar(static_cast<double>(sequence))), TimePoint{},
                 sequence};
}

TEST(LatestFrame, EmptyUntilAFrameIsPublished) {
    LatestFrame frames;
    EXPECT_FALSE(frames.latest().has_value());
    EXPECT_FALSE(frames.waitNewer(0, milliseconds(1)).has_value());
}

TEST(LatestFrame, LatestFrameWinsAndOlderOnesAreDropped) {
    LatestFrame frames;
    for (std::uint64_t i = 1; i <= 3; ++i) frames.publish(numbered(i));
    const auto frame = frames.waitNewer(0, milliseconds(1));
    ASSERT_TRUE(frame.has_value());
    EXPECT_EQ(frame->sequence, 3u);
    EXPECT_EQ(frame->image.at<unsigned char>(0, 0), 3);
    EXPECT_EQ(frames.dropped(), 2u);
}

TEST(LatestFrame, AFrameIsTakenOnlyOnce) {
    LatestFrame frames;
    frames.publish(numbered(1));
    ASSERT_TRUE(frames.waitNewer(0, milliseconds(1)).has_value());
    EXPECT_FALSE(frames.waitNewer(1, milliseconds(1)).has_value());
    // The preview can still look at it.
    ASSERT_TRUE(frames.latest().has_value());
    EXPECT_EQ(frames.latest()->sequence, 1u);
    // Taken frames are not counted as dropped when replaced.
    frames.publish(numbered(2));
    EXPECT_EQ(frames.dropped(), 0u);
}

TEST(LatestFrame, WaiterWakesForAFrameFromAnotherThread) {
    LatestFrame frames;
    std::thread producer([&] { frames.publish(numbered(7)); });
    const auto frame = frames.waitNewer(0, milliseconds(20000));
    producer.join();
    ASSERT_TRUE(frame.has_value());
    EXPECT_EQ(frame->sequence, 7u);
}

TEST(LatestFrame, CloseWakesWaitersWithNothing) {
    LatestFrame frames;
    std::thread closer([&] { frames.close(); });
    EXPECT_FALSE(frames.waitNewer(0, milliseconds(20000)).has_value());
    closer.join();
    frames.reopen();
    frames.publish(numbered(1));
    EXPECT_TRUE(frames.waitNewer(0, milliseconds(1)).has_value());
}

}  // namespace
}  // namespace admit::scan

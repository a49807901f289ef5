#include "admit/scan/capture_thread.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "admit/scan/image_folder_source.hpp"
#include "temp_dir.hpp"
#include "wait_for.hpp"

namespace admit::scan {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// Frames numbered 1..count (modulo 256 in pixel (0,0)), then the end.
class CountingSource final : public FrameSource {
  public:
    explicit CountingSource(int count, std::chrono::nanoseconds interval = {})
        : count_(count), interval_(interval) {}
    Status<> open() override { return Ok{}; }
    Result<cv::Mat, SourceError> read() override {
        if (next_ > count_) return fail(SourceError{SourceError::Kind::EndOfStream, "done"});
        return cv::Mat(1, 1, CV_8UC1, cv::Scalar(next_++ % 256));
    }
    void close() override {}
    std::chrono::nanoseconds frameInterval() const override { return interval_; }
    std::string describe() const override { return "counting"; }

  private:
    int count_;
    std::chrono::nanoseconds interval_;
    int next_ = 1;
};

void writeImages(const fs::path& dir, int count) {
    fs::create_directories(dir);
    for (int i = 0; i < count; ++i) {
        ASSERT_TRUE(cv::imwrite((dir / (std::to_string(i) + ".png")).string(),
                                cv::Mat(8, 8, CV_8UC3, cv::Scalar::all(i))));
    }
}

TEST(CaptureThread, StoppedBeforeStart) {
    CaptureThread capture(std::make_unique<CountingSource>(3));
    EXPECT_EQ(capture.state().status, SourceStatus::Stopped);
}

TEST(CaptureThread, LatestFrameWinsWhenNobodyKeepsUp) {
    CaptureThread capture(std::make_unique<CountingSource>(50));
    capture.start();
    ASSERT_TRUE(test::waitFor([&] { return capture.state().status == SourceStatus::Finished; }));
    EXPECT_EQ(capture.framesCaptured(), 50u);
    const auto latest = capture.frames().latest();
    ASSERT_TRUE(latest.has_value());
    EXPECT_EQ(latest->sequence, 50u);
    EXPECT_EQ(latest->image.at<unsigned char>(0, 0), 50);
    // Nobody took any frame: every one but the last was replaced, none queued.
    EXPECT_EQ(capture.frames().dropped(), 49u);
    const auto taken = capture.frames().waitNewer(0, milliseconds(1));
    ASSERT_TRUE(taken.has_value());
    EXPECT_EQ(taken->sequence, 50u);
    EXPECT_FALSE(capture.frames().waitNewer(50, milliseconds(1)).has_value());
}

TEST(CaptureThread, FramesCarryIncreasingSequencesAndCaptureTimes) {
    CaptureThread capture(std::make_unique<CountingSource>(300, milliseconds(1)));
    capture.start();
    std::uint64_t last = 0;
    TimePoint lastTime{};
    int taken = 0;
    while (capture.state().status != SourceStatus::Finished || last < capture.framesCaptured()) {
        auto frame = capture.frames().waitNewer(last, milliseconds(50));
        if (!frame) continue;
        ++taken;
        EXPECT_GT(frame->sequence, last);
        EXPECT_GE(frame->captured, lastTime);
        EXPECT_EQ(frame->image.at<unsigned char>(0, 0), frame->sequence % 256);
        last = frame->sequence;
        lastTime = frame->captured;
    }
    EXPECT_EQ(last, 300u);
    EXPECT_GT(taken, 0);
}

TEST(CaptureThread, MissingFolderIsDisconnectedUntilItAppears) {
    admit::testing::TempDir dir;
    const fs::path folder = dir.path() / "frames";
    CaptureThread capture(
        std::make_unique<ImageFolderSource>(ImageFolderOptions{folder, 200.0, true}),
        CaptureOptions{milliseconds(10)});
    capture.start();
    ASSERT_TRUE(
        test::waitFor([&] { return capture.state().status == SourceStatus::Disconnected; }));
    EXPECT_NE(capture.state().detail.find("frames"), std::string::npos);
    EXPECT_EQ(capture.framesCaptured(), 0u);

    writeImages(folder, 3);
    ASSERT_TRUE(test::waitFor([&] { return capture.state().status == SourceStatus::Streaming; }));
    ASSERT_TRUE(test::waitFor([&] { return capture.framesCaptured() > 0; }));
}

TEST(CaptureThread, ReconnectsByItselfAfterTheSourceIsLost) {
    admit::testing::TempDir dir;
    const fs::path folder = dir.path() / "frames";
    writeImages(folder, 3);
    CaptureThread capture(
        std::make_unique<ImageFolderSource>(ImageFolderOptions{folder, 200.0, true}),
        CaptureOptions{milliseconds(10)});
    capture.start();
    ASSERT_TRUE(test::waitFor([&] { return capture.framesCaptured() > 3; }));
    EXPECT_EQ(capture.state().status, SourceStatus::Streaming);

    // "Unplug": the folder disappears.
    fs::remove_all(folder);
    ASSERT_TRUE(
        test::waitFor([&] { return capture.state().status == SourceStatus::Disconnected; }));
    const std::uint64_t before = capture.framesCaptured();

    // "Plug back in".
    writeImages(folder, 3);
    ASSERT_TRUE(test::waitFor([&] { return capture.state().status == SourceStatus::Streaming; }));
    ASSERT_TRUE(test::waitFor([&] { return capture.framesCaptured() > before; }));
    capture.stop();
    EXPECT_EQ(capture.state().status, SourceStatus::Stopped);
}

TEST(CaptureThread, StopIsPromptAndRestartable) {
    CaptureThread capture(std::make_unique<CountingSource>(5));
    capture.start();
    ASSERT_TRUE(test::waitFor([&] { return capture.state().status == SourceStatus::Finished; }));
    capture.stop();
    EXPECT_EQ(capture.state().status, SourceStatus::Stopped);
    // The counting source is spent, so a restart finds it at its end again.
    capture.start();
    ASSERT_TRUE(test::waitFor([&] { return capture.state().status == SourceStatus::Finished; }));
    EXPECT_EQ(capture.framesCaptured(), 0u);
}

}  // namespace
}  // namespace admit::scan

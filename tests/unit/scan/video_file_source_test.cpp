#include "admit/scan/video_file_source.hpp"

#include <fstream>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "admit/scan/qr_reader.hpp"
#include "qr_render.hpp"
#include "temp_dir.hpp"

namespace admit::scan {
namespace {

namespace fs = std::filesystem;

// OpenCV's Debian build always has its built-in Motion-JPEG writer for .avi (no FFmpeg encoder
// needed), so tests generate MJPG/AVI.
void writeVideo(const fs::path& path, const std::vector<cv::Mat>& frames, double fps) {
    cv::VideoWriter writer(path.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), fps,
                           frames.front().size());
    ASSERT_TRUE(writer.isOpened()) << "cannot write MJPG/AVI";
    for (const cv::Mat& frame : frames) writer.write(frame);
}

TEST(VideoFileSource, PlaysAGeneratedVideoFrameByFrame) {
    admit::testing::TempDir dir;
    const fs::path video = dir.path() / "codes.avi";
    std::vector<cv::Mat> frames;
    for (const char* text : {"VIDEO-1", "VIDEO-2", "VIDEO-3"}) {
        frames.push_back(test::frameWith({640, 480}, {{text, {200, 120}, 240}}));
    }
    writeVideo(video, frames, 15.0);

    VideoFileSource source({video, std::nullopt, false});
    ASSERT_TRUE(source.open().ok());
    EXPECT_EQ(source.frameInterval(), std::chrono::nanoseconds(66'666'667));
    const QrReader reader;
    for (const char* text : {"VIDEO-1", "VIDEO-2", "VIDEO-3"}) {
        auto image = source.read();
        ASSERT_TRUE(image.ok()) << image.error().message;
        EXPECT_EQ(image->size(), cv::Size(640, 480));
        auto codes = reader.read(*image);
        ASSERT_TRUE(codes.ok());
        ASSERT_EQ(codes->size(), 1u);
        EXPECT_EQ(codes->front().text, text);
    }
    auto end = source.read();
    ASSERT_FALSE(end.ok());
    EXPECT_EQ(end.error().kind, SourceError::Kind::EndOfStream);
}

TEST(VideoFileSource, LoopsWhenAsked) {
    admit::testing::TempDir dir;
    const fs::path video = dir.path() / "two.avi";
    writeVideo(video,
               {cv::Mat(120, 160, CV_8UC3, cv::Scalar::all(40)),
                cv::Mat(120, 160, CV_8UC3, cv::Scalar::all(200))},
               10.0);
    VideoFileSource source({video, 0.0, true});
    ASSERT_TRUE(source.open().ok());
    EXPECT_EQ(source.frameInterval().count(), 0);
    for (int i = 0; i < 5; ++i) {
        auto image = source.read();
        ASSERT_TRUE(image.ok()) << i;
        const double mean = cv::mean(*image)[0];
        EXPECT_NEAR(mean, i % 2 == 0 ? 40.0 : 200.0, 10.0) << i;
    }
}

TEST(VideoFileSource, MissingOrBogusFileDoesNotOpen) {
    admit::testing::TempDir dir;
    EXPECT_FALSE(VideoFileSource({dir.path() / "none.avi", {}, false}).open().ok());
    const fs::path bogus = dir.path() / "bogus.avi";
    std::ofstream(bogus) << "this is not a video";
    VideoFileSource source({bogus, {}, false});
    // A backend may accept anything at open(); then the first read must fail.
    const bool opened = source.open().ok();
    EXPECT_TRUE(!opened || !source.read().ok());
}

TEST(VideoFileSource, FileVanishingIsLost) {
    admit::testing::TempDir dir;
    const fs::path video = dir.path() / "gone.avi";
    writeVideo(video, {cv::Mat(120, 160, CV_8UC3, cv::Scalar::all(40))}, 10.0);
    VideoFileSource source({video, 0.0, true});
    ASSERT_TRUE(source.open().ok());
    ASSERT_TRUE(source.read().ok());
    fs::remove(video);
    auto image = source.read();
    ASSERT_FALSE(image.ok());
    EXPECT_EQ(image.error().kind, SourceError::Kind::Lost);
}

}  // namespace
}  // namespace admit::scan

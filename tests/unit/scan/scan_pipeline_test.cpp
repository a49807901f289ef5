#include "admit/scan/scan_pipeline.hpp"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "admit/scan/image_folder_source.hpp"
#include "admit/scan/video_file_source.hpp"
#include "qr_render.hpp"
#include "temp_dir.hpp"
#include "wait_for.hpp"

namespace admit::scan {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

const cv::Size k720p{1280, 720};

// Writes frames as 000.png, 001.png ... so the folder source plays them in order.
void writeFrames(const fs::path& dir, const std::vector<cv::Mat>& frames) {
    fs::create_directories(dir);
    for (std::size_t i = 0; i < frames.size(); ++i) {
        std::string name = std::to_string(i) + ".png";
        name.insert(0, 7 - name.size(), '0');
        ASSERT_TRUE(cv::imwrite((dir / name).string(), frames[i]));
    }
}

cv::Mat blank() { return cv::Mat(k720p, CV_8UC3, cv::Scalar(128, 128, 128)); }
cv::Mat centred(const std::string& text) {
    return test::frameWith(k720p, {{text, {520, 240}, 240}});
}

// Runs a pipeline over a finite source until every frame has been scanned.
std::vector<ScanEvent> runToEnd(ScanPipeline& pipeline) {
    pipeline.start();
    EXPECT_TRUE(test::waitFor([&] { return pipeline.finished(); }));
    std::vector<ScanEvent> events = pipeline.takeEvents();
    pipeline.stop();
    return events;
}

std::vector<std::string> textsOf(const std::vector<ScanEvent>& events) {
    std::vector<std::string> texts;
    for (const auto& event : events) texts.push_back(event.code.text);
    return texts;
}

TEST(ScanPipeline, FolderSourceYieldsOneEventPerCodeWithItsFrame) {
    test::TempDir dir;
    writeFrames(dir.path(), {blank(), centred("TICKET-A"), blank(), centred("TICKET-B")});
    ScanPipeline pipeline(
        std::make_unique<ImageFolderSource>(ImageFolderOptions{dir.path(), 20.0, false}));
    const auto events = runToEnd(pipeline);
    ASSERT_EQ(textsOf(events), (std::vector<std::string>{"TICKET-A", "TICKET-B"}));
    for (const ScanEvent& event : events) {
        EXPECT_EQ(event.frameSize, k720p);
        EXPECT_GE(event.emitted, event.frameCaptured);
        EXPECT_GT(event.readDuration.count(), 0);
        // Centre of the code as placed: (520 + 120, 240 + 120).
        EXPECT_NEAR(event.code.centre().x, 640.0f, 6.0f);
        EXPECT_NEAR(event.code.centre().y, 360.0f, 6.0f);
    }
    // At 20 fps the scanner keeps up: frame 2 and 4 of 4.
    EXPECT_EQ(events[0].frameSequence, 2u);
    EXPECT_EQ(events[1].frameSequence, 4u);
    EXPECT_LT(events[0].frameCaptured, events[1].frameCaptured);
}

TEST(ScanPipeline, CodeHeldInViewIsReportedOnce) {
    test::TempDir dir;
    writeFrames(dir.path(), std::vector<cv::Mat>(8, centred("HELD")));
    PipelineOptions options;
    options.debounce.forgetAfter = milliseconds(60000);
    ScanPipeline pipeline(
        std::make_unique<ImageFolderSource>(ImageFolderOptions{dir.path(), 20.0, false}), options);
    const auto events = runToEnd(pipeline);
    EXPECT_EQ(textsOf(events), std::vector<std::string>{"HELD"});
    const PipelineStats stats = pipeline.stats();
    EXPECT_EQ(stats.framesCaptured, 8u);
    EXPECT_EQ(stats.codesRead, stats.framesScanned);
    EXPECT_GT(stats.framesScanned, 1u);
    EXPECT_EQ(stats.events, 1u);
}

TEST(ScanPipeline, CodeIsReportedAgainAfterLeavingViewForAWhile) {
    test::TempDir dir;
    // At 20 fps the 6 blank frames keep the code out of view for 300 ms: longer than forgetAfter.
    std::vector<cv::Mat> frames(2, centred("AGAIN"));
    frames.insert(frames.end(), 6, blank());
    frames.insert(frames.end(), 2, centred("AGAIN"));
    writeFrames(dir.path(), frames);
    PipelineOptions options;
    options.debounce.forgetAfter = milliseconds(100);
    ScanPipeline pipeline(
        std::make_unique<ImageFolderSource>(ImageFolderOptions{dir.path(), 20.0, false}), options);
    const auto events = runToEnd(pipeline);
    EXPECT_EQ(textsOf(events), (std::vector<std::string>{"AGAIN", "AGAIN"}));
}

TEST(ScanPipeline, CodeNearestTheCentreWins) {
    test::TempDir dir;
    writeFrames(dir.path(), {test::frameWith(k720p, {{"LEFT", {40, 60}, 240},
                                                     {"MIDDLE", {540, 260}, 200},
                                                     {"RIGHT", {1000, 440}, 240}})});
    ScanPipeline pipeline(
        std::make_unique<ImageFolderSource>(ImageFolderOptions{dir.path(), 0.0, false}));
    EXPECT_EQ(textsOf(runToEnd(pipeline)), std::vector<std::string>{"MIDDLE"});
}

TEST(ScanPipeline, LastFrameIsAlwaysScannedEvenWhenFramesAreDropped) {
    test::TempDir dir;
    // As fast as possible: the capture thread outruns the scanner and frames are dropped, but the
    // newest frame is never lost.
    std::vector<cv::Mat> frames(30, blank());
    frames.push_back(centred("LAST"));
    writeFrames(dir.path(), frames);
    ScanPipeline pipeline(
        std::make_unique<ImageFolderSource>(ImageFolderOptions{dir.path(), 0.0, false}));
    const auto events = runToEnd(pipeline);
    ASSERT_EQ(textsOf(events), std::vector<std::string>{"LAST"});
    EXPECT_EQ(events[0].frameSequence, 31u);
    const PipelineStats stats = pipeline.stats();
    EXPECT_EQ(stats.framesCaptured, 31u);
    EXPECT_EQ(stats.framesScanned + stats.framesDropped, stats.framesCaptured);
}

TEST(ScanPipeline, VideoFileSourceDrivesThePipeline) {
    test::TempDir dir;
    const fs::path video = dir.path() / "visitors.avi";
    {
        cv::VideoWriter writer(video.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 15.0,
                               k720p);
        ASSERT_TRUE(writer.isOpened());
        for (const char* text : {"VISITOR-1", "VISITOR-1", "VISITOR-1", "VISITOR-2", "VISITOR-2"}) {
            writer.write(centred(text));
        }
        writer.write(blank());
    }
    ScanPipeline pipeline(
        std::make_unique<VideoFileSource>(VideoFileOptions{video, std::nullopt, false}));
    EXPECT_EQ(textsOf(runToEnd(pipeline)), (std::vector<std::string>{"VISITOR-1", "VISITOR-2"}));
    EXPECT_EQ(pipeline.stats().framesCaptured, 6u);
}

TEST(ScanPipeline, PreviewFrameAndStatusAreAvailableWhileRunning) {
    test::TempDir dir;
    writeFrames(dir.path(), {centred("PREVIEW"), blank()});
    ScanPipeline pipeline(
        std::make_unique<ImageFolderSource>(ImageFolderOptions{dir.path(), 50.0, true}));
    EXPECT_EQ(pipeline.sourceState().status, SourceStatus::Stopped);
    EXPECT_FALSE(pipeline.latestFrame().has_value());
    pipeline.start();
    ASSERT_TRUE(test::waitFor([&] { return pipeline.latestFrame().has_value(); }));
    EXPECT_EQ(pipeline.sourceState().status, SourceStatus::Streaming);
    EXPECT_EQ(pipeline.latestFrame()->image.size(), k720p);
    const auto event = pipeline.waitEvent(milliseconds(20000));
    ASSERT_TRUE(event.has_value());
    EXPECT_EQ(event->code.text, "PREVIEW");
    EXPECT_FALSE(pipeline.finished());  // a looping folder never ends
    pipeline.stop();
    EXPECT_EQ(pipeline.sourceState().status, SourceStatus::Stopped);
}

TEST(ScanPipeline, ReportsAVanishedSourceAndRecovers) {
    test::TempDir dir;
    const fs::path folder = dir.path() / "camera";
    writeFrames(folder, {blank()});
    PipelineOptions options;
    options.capture.reconnectInterval = milliseconds(10);
    ScanPipeline pipeline(
        std::make_unique<ImageFolderSource>(ImageFolderOptions{folder, 50.0, true}), options);
    pipeline.start();
    ASSERT_TRUE(
        test::waitFor([&] { return pipeline.sourceState().status == SourceStatus::Streaming; }));
    fs::remove_all(folder);
    ASSERT_TRUE(
        test::waitFor([&] { return pipeline.sourceState().status == SourceStatus::Disconnected; }));
    writeFrames(folder, {centred("BACK")});
    const auto event = pipeline.waitEvent(milliseconds(20000));
    ASSERT_TRUE(event.has_value());
    EXPECT_EQ(event->code.text, "BACK");
    EXPECT_EQ(pipeline.sourceState().status, SourceStatus::Streaming);
}

TEST(ScanPipeline, ExposesTheGuideRectangle) {
    PipelineOptions options;
    options.reader.guide.area = cv::Rect2f(0.1f, 0.2f, 0.5f, 0.5f);
    ScanPipeline pipeline(
        std::make_unique<ImageFolderSource>(ImageFolderOptions{"/nonexistent", 0.0, false}),
        options);
    EXPECT_EQ(pipeline.guideRect({1000, 500}), cv::Rect(100, 100, 500, 250));
}

TEST(ScanPipeline, DestructorStopsARunningPipeline) {
    test::TempDir dir;
    writeFrames(dir.path(), {blank()});
    auto pipeline = std::make_unique<ScanPipeline>(
        std::make_unique<ImageFolderSource>(ImageFolderOptions{dir.path(), 100.0, true}));
    pipeline->start();
    ASSERT_TRUE(test::waitFor([&] { return pipeline->stats().framesScanned > 0; }));
    pipeline.reset();  // joins both threads; ASan/TSan-clean runs prove nothing leaks
    SUCCEED();
}

}  // namespace
}  // namespace admit::scan

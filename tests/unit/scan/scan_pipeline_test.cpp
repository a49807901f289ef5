#include "admit/scan/scan_pipeline.hpp"

#include <algorithm>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "admit/scan/image_folder_source.hpp"
#include "admit/scan/video_file_source.hpp"
#include "qr_render.hpp"
#include "stepped_source.hpp"
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

struct Step {
    cv::Mat frame;
    milliseconds pauseBefore{0};  // real time to let pass before the frame arrives
};

// Runs a pipeline frame by frame: each frame is handed over only once the previous one has been
// scanned, so none is dropped; returns the events.
std::vector<ScanEvent> runStepped(const std::vector<Step>& steps, PipelineOptions options = {}) {
    auto gate = std::make_shared<test::Gate>();
    std::vector<cv::Mat> frames;
    for (const Step& step : steps) frames.push_back(step.frame);
    ScanPipeline pipeline(std::make_unique<test::SteppedSource>(frames, gate), options);
    // Destroyed before the pipeline: never leave the capture thread waiting at the gate.
    const std::unique_ptr<test::Gate, void (*)(test::Gate*)> release(
        gate.get(), [](test::Gate* g) { g->openForGood(); });
    pipeline.start();
    for (std::size_t i = 0; i < steps.size(); ++i) {
        std::this_thread::sleep_for(steps[i].pauseBefore);
        gate->allow(i + 1);
        EXPECT_TRUE(test::waitFor([&] { return pipeline.stats().framesScanned == i + 1; })) << i;
    }
    EXPECT_TRUE(test::waitFor([&] { return pipeline.finished(); }));
    EXPECT_EQ(pipeline.stats().framesDropped, 0u);
    return pipeline.takeEvents();
}

std::vector<std::string> textsOf(const std::vector<ScanEvent>& events) {
    std::vector<std::string> texts;
    for (const auto& event : events) texts.push_back(event.code.text);
    return texts;
}

TEST(ScanPipeline, FolderSourceYieldsEventsForItsCodes) {
    admit::testing::TempDir dir;
    writeFrames(dir.path(), {blank(), centred("TICKET-A"), centred("TICKET-A"), blank(),
                             centred("TICKET-B"), centred("TICKET-B")});
    // 5 fps: slow enough that a code shown on two frames is scanned on at least one.
    ScanPipeline pipeline(
        std::make_unique<ImageFolderSource>(ImageFolderOptions{dir.path(), 5.0, false}));
    EXPECT_EQ(textsOf(runToEnd(pipeline)), (std::vector<std::string>{"TICKET-A", "TICKET-B"}));
}

TEST(ScanPipeline, EventCarriesTheFrameItCameFrom) {
    const auto events =
        runStepped({{blank()}, {centred("TICKET-A")}, {blank()}, {centred("TICKET-B")}});
    ASSERT_EQ(textsOf(events), (std::vector<std::string>{"TICKET-A", "TICKET-B"}));
    for (const ScanEvent& event : events) {
        EXPECT_EQ(event.frameSize, k720p);
        EXPECT_GE(event.emitted, event.frameCaptured);
        EXPECT_GT(event.readDuration.count(), 0);
        // Centre of the code as placed: (520 + 120, 240 + 120).
        EXPECT_NEAR(event.code.centre().x, 640.0f, 6.0f);
        EXPECT_NEAR(event.code.centre().y, 360.0f, 6.0f);
    }
    EXPECT_EQ(events[0].frameSequence, 2u);
    EXPECT_EQ(events[1].frameSequence, 4u);
    EXPECT_LT(events[0].frameCaptured, events[1].frameCaptured);
}

TEST(ScanPipeline, CodeHeldInViewIsReportedOnce) {
    PipelineOptions options;
    options.debounce.forgetAfter = milliseconds(60000);
    const auto events = runStepped(std::vector<Step>(8, {centred("HELD")}), options);
    ASSERT_EQ(textsOf(events), std::vector<std::string>{"HELD"});
    EXPECT_EQ(events.front().frameSequence, 1u);
}

TEST(ScanPipeline, CodeIsReportedAgainAfterLeavingViewForAWhile) {
    PipelineOptions options;
    options.debounce.forgetAfter = milliseconds(100);
    const auto events = runStepped({{centred("AGAIN")},
                                    {centred("AGAIN")},
                                    {blank()},
                                    {blank(), milliseconds(150)},
                                    {centred("AGAIN")},
                                    {centred("AGAIN")}},
                                   options);
    ASSERT_EQ(textsOf(events), (std::vector<std::string>{"AGAIN", "AGAIN"}));
    EXPECT_EQ(events[0].frameSequence, 1u);
    EXPECT_EQ(events[1].frameSequence, 5u);
}

TEST(ScanPipeline, CodeBrieflyUnreadableIsNotReportedAgain) {
    PipelineOptions options;
    options.debounce.forgetAfter = milliseconds(60000);
    const auto events =
        runStepped({{centred("STEADY")}, {blank()}, {blank()}, {centred("STEADY")}}, options);
    EXPECT_EQ(textsOf(events), std::vector<std::string>{"STEADY"});
}

TEST(ScanPipeline, CodeNearestTheCentreWins) {
    admit::testing::TempDir dir;
    writeFrames(dir.path(), {test::frameWith(k720p, {{"LEFT", {40, 60}, 240},
                                                     {"MIDDLE", {540, 260}, 200},
                                                     {"RIGHT", {1000, 440}, 240}})});
    ScanPipeline pipeline(
        std::make_unique<ImageFolderSource>(ImageFolderOptions{dir.path(), 0.0, false}));
    EXPECT_EQ(textsOf(runToEnd(pipeline)), std::vector<std::string>{"MIDDLE"});
}

TEST(ScanPipeline, LastFrameIsAlwaysScannedEvenWhenFramesAreDropped) {
    admit::testing::TempDir dir;
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
    admit::testing::TempDir dir;
    const fs::path video = dir.path() / "visitors.avi";
    {
        cv::VideoWriter writer(video.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 15.0,
                               k720p);
        ASSERT_TRUE(writer.isOpened());
        // Each code on several frames, played at 5 fps: a slow scan may drop a frame, not a code.
        for (const char* text : {"VISITOR-1", "VISITOR-1", "VISITOR-1", "VISITOR-2", "VISITOR-2"}) {
            writer.write(centred(text));
        }
        writer.write(blank());
    }
    ScanPipeline pipeline(std::make_unique<VideoFileSource>(VideoFileOptions{video, 5.0, false}));
    EXPECT_EQ(textsOf(runToEnd(pipeline)), (std::vector<std::string>{"VISITOR-1", "VISITOR-2"}));
    EXPECT_EQ(pipeline.stats().framesCaptured, 6u);
}

TEST(ScanPipeline, PreviewFrameAndStatusAreAvailableWhileRunning) {
    admit::testing::TempDir dir;
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
    admit::testing::TempDir dir;
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
    admit::testing::TempDir dir;
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

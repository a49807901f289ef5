#include "admit/scan/camera_source.hpp"

#include <gtest/gtest.h>

#include "admit/scan/capture_thread.hpp"
#include "wait_for.hpp"

namespace admit::scan {
namespace {

// No camera is needed: a device that is not there must be a status, not a crash or a throw.
const std::string kNoDevice = "/dev/admit-no-such-camera";

TEST(CameraSource, MissingDeviceFailsToOpenAsAValue) {
    CameraSource camera({kNoDevice, 1280, 720, 30, true});
    auto opened = camera.open();
    ASSERT_FALSE(opened.ok());
    EXPECT_NE(opened.error().message.find(kNoDevice), std::string::npos);
    auto image = camera.read();
    ASSERT_FALSE(image.ok());
    EXPECT_EQ(image.error().kind, SourceError::Kind::Lost);
}

TEST(CameraSource, DescribesItsDevice) {
    EXPECT_EQ(CameraSource({2, 640, 480, 30, false}).describe(), "camera /dev/video2");
    EXPECT_EQ(CameraSource({kNoDevice, 640, 480, 30, false}).describe(), "camera " + kNoDevice);
}

TEST(CameraSource, UnpluggedCameraIsReportedDisconnectedAndRetried) {
    CaptureThread capture(
        std::make_unique<CameraSource>(CameraOptions{kNoDevice, 640, 480, 30, true}),
        CaptureOptions{std::chrono::milliseconds(10)});
    capture.start();
    ASSERT_TRUE(
        test::waitFor([&] { return capture.state().status == SourceStatus::Disconnected; }));
    EXPECT_NE(capture.state().detail.find(kNoDevice), std::string::npos);
    capture.stop();
    EXPECT_EQ(capture.state().status, SourceStatus::Stopped);
    EXPECT_EQ(capture.framesCaptured(), 0u);
}

}  // namespace
}  // namespace admit::scan

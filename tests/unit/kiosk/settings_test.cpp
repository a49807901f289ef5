// Settings: gate name, entry/exit, sound and camera are stored in the replica and come back after
// a restart; command-line values win for one run without being stored; the camera can be
// switched while the kiosk runs; the V4L2 device list prefers stable by-id names.

#include <fstream>
#include <map>
#include <mutex>

#include "admit/demo/demo_frames.hpp"
#include "admit/kiosk/camera_devices.hpp"
#include "admit/kiosk/kiosk_database.hpp"
#include "admit/kiosk/kiosk_settings.hpp"
#include "admit/kiosk/strings.hpp"
#include "admit/scan/image_folder_source.hpp"
#include "kiosk_fixture.hpp"

namespace admit::kiosk::testing {
namespace {

namespace fs = std::filesystem;

class SettingsTest : public KioskTest {
  protected:
    // The fixture's options without its --gate: the stored settings count.
    KioskOptions stored() {
        auto o = options();
        o.gate.reset();
        return o;
    }
    void restart(KioskOptions o) {
        core_.reset();  // stops the worker after it has run every queued job (the saves)
        start(std::move(o));
        until([](const KioskState& s) { return s.settingsLoaded; });
    }
};

TEST_F(SettingsTest, DefaultsWhenNothingIsStored) {
    start(stored());
    untilOpen();
    EXPECT_EQ(core_->state().gate, kDefaultGate);
    EXPECT_EQ(core_->state().direction, store::Direction::kEntry);
    EXPECT_FALSE(core_->state().muted);
    EXPECT_EQ(core_->state().camera, "");
}

TEST_F(SettingsTest, SettingsSurviveARestart) {
    start(stored());
    untilOpen();
    ASSERT_TRUE(core_->setGate("  North   Gate 2 "));
    EXPECT_EQ(core_->state().gate, "North Gate 2");
    core_->setDirection(store::Direction::kExit);
    core_->setMuted(true);

    restart(stored());
    until([](const KioskState& s) { return s.gate == "North Gate 2"; });
    EXPECT_EQ(core_->state().direction, store::Direction::kExit);
    EXPECT_TRUE(core_->state().muted);

    // The stored gate and direction are the ones check-ins are recorded with.
    core_->setDirection(store::Direction::kEntry);
    ASSERT_TRUE(scanCode(demo_.event.tickets.at(0).text).accepted());
    EXPECT_EQ(scanCode(demo_.event.tickets.at(0).text).reason,
              "Already checked in at " + text::clockTime(nowMs_->load()) + ", Gate North Gate 2");
}

TEST_F(SettingsTest, StoredInTheReplicaMetaTable) {
    start(stored());
    untilOpen();
    ASSERT_TRUE(core_->setGate("VIP side"));
    core_->setMuted(true);
    core_.reset();
    auto db = openKioskDatabase({demo_.replica, demo_.keyFile});
    ASSERT_TRUE(db) << db.error().message;
    auto value = [&](const char* key) {
        SQLite::Statement q(*db, "SELECT value FROM meta WHERE key = ?");
        q.bind(1, key);
        return q.executeStep() ? q.getColumn(0).getString() : std::string("(none)");
    };
    EXPECT_EQ(value(kGateKey), "VIP side");
    EXPECT_EQ(value(kMutedKey), "1");
    EXPECT_EQ(value(kDirectionKey), "(none)");  // never changed, never written
    auto settings = loadSettings(*db);
    EXPECT_EQ(settings.gate, "VIP side");
    EXPECT_TRUE(settings.muted);
}

TEST_F(SettingsTest, CommandLineWinsForOneRunAndIsNotStored) {
    start(stored());
    untilOpen();
    ASSERT_TRUE(core_->setGate("North"));

    auto once = stored();
    once.gate = std::string("South");
    once.muted = true;
    restart(once);
    until([](const KioskState& s) { return s.gate == "South"; });
    EXPECT_TRUE(core_->state().muted);
    core_->setDirection(store::Direction::kExit);  // saves the direction only

    restart(stored());
    until([](const KioskState& s) { return s.gate == "North"; });
    EXPECT_FALSE(core_->state().muted);
    EXPECT_EQ(core_->state().direction, store::Direction::kExit);
}

TEST_F(SettingsTest, UnusableGateNamesAreRefused) {
    start(stored());
    untilOpen();
    EXPECT_FALSE(core_->setGate("   "));
    EXPECT_EQ(core_->state().settingsMessage, text::kGateNameEmpty);
    EXPECT_FALSE(core_->setGate(std::string(kMaxGateNameLength + 1, 'x')));
    EXPECT_EQ(core_->state().settingsMessage, text::gateNameTooLong(kMaxGateNameLength));
    EXPECT_EQ(core_->state().gate, kDefaultGate);
    EXPECT_TRUE(core_->setGate(std::string(kMaxGateNameLength, 'x')));
    EXPECT_TRUE(core_->state().settingsMessage.empty());

    EXPECT_EQ(*normaliseGateName(" B "), "B");
    EXPECT_EQ(*normaliseGateName("Gate  7"), "Gate 7");
    EXPECT_FALSE(normaliseGateName("A\tB"));
    EXPECT_FALSE(normaliseGateName(""));
}

TEST_F(SettingsTest, AStoredValueThatIsNoLongerValidFallsBackToTheDefault) {
    {
        auto db = openKioskDatabase({demo_.replica, demo_.keyFile});
        ASSERT_TRUE(db) << db.error().message;
        saveGate(*db, "");
        saveMuted(*db, true);
    }
    start(stored());
    untilOpen();
    until([](const KioskState& s) { return s.muted; });
    EXPECT_EQ(core_->state().gate, kDefaultGate);
}

// Cameras are stand-ins: each "device" is a folder of frames, so switching is observable as the
// frames the new source delivers being scanned.
TEST_F(SettingsTest, SwitchingCameraRestartsTheCaptureSourceAndIsRemembered) {
    DemoScriptOptions script;
    script.framesPerShot = 10;
    script.framesBetween = 5;
    script.frameSize = {640, 480};
    auto empty = dir_ / "camera-empty";
    auto withCode = dir_ / "camera-code";
    ASSERT_TRUE(writeDemoFrames({{"", "", false}}, empty, script));
    ASSERT_TRUE(writeDemoFrames({{demo_.event.setupCode, "", false}}, withCode, script));

    auto opened = std::make_shared<std::vector<std::string>>();
    auto mutex = std::make_shared<std::mutex>();
    std::map<std::string, fs::path> folders{{"", empty}, {"/dev/v4l/by-id/usb-test", withCode}};
    auto o = options(false);
    o.gate.reset();
    o.cameraFromSettings = true;
    o.openCamera = [=](const std::string& device) -> std::unique_ptr<scan::FrameSource> {
        {
            std::lock_guard lock(*mutex);
            opened->push_back(device);
        }
        auto folder = folders.count(device) ? folders.at(device) : empty;
        return std::make_unique<scan::ImageFolderSource>(
            scan::ImageFolderOptions{folder, 20.0, false});
    };
    start(o);
    until([](const KioskState& s) { return s.source.status == scan::SourceStatus::Finished; });
    EXPECT_EQ(core_->state().screen, Screen::kSetup);
    EXPECT_EQ(core_->state().cameraDescription, "folder " + empty.string());

    core_->setCamera("/dev/v4l/by-id/usb-test");
    EXPECT_EQ(core_->state().camera, "/dev/v4l/by-id/usb-test");
    EXPECT_EQ(core_->state().cameraDescription, "folder " + withCode.string());
    auto seen = until([](const KioskState& s) { return s.verdictCount > 0; });
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.front().code, "event_setup");
    EXPECT_TRUE(core_->state().event);

    restart(o);
    until([](const KioskState& s) { return !s.cameraDescription.empty(); });
    EXPECT_EQ(core_->state().camera, "/dev/v4l/by-id/usb-test");
    std::lock_guard lock(*mutex);
    EXPECT_EQ(*opened,
              (std::vector<std::string>{"", "/dev/v4l/by-id/usb-test", "/dev/v4l/by-id/usb-test"}));
}

TEST_F(SettingsTest, CameraOnTheCommandLineWinsOverTheStoredOne) {
    {
        auto db = openKioskDatabase({demo_.replica, demo_.keyFile});
        ASSERT_TRUE(db) << db.error().message;
        saveCamera(*db, "/dev/v4l/by-id/stored");
    }
    auto opened = std::make_shared<std::vector<std::string>>();
    auto mutex = std::make_shared<std::mutex>();
    auto empty = dir_ / "none";
    fs::create_directories(empty);
    auto o = stored();
    o.camera = std::string("2");
    o.cameraFromSettings = true;
    o.openCamera = [=](const std::string& device) -> std::unique_ptr<scan::FrameSource> {
        std::lock_guard lock(*mutex);
        opened->push_back(device);
        return std::make_unique<scan::ImageFolderSource>(
            scan::ImageFolderOptions{empty, 20.0, false});
    };
    start(o);
    until([](const KioskState& s) { return !s.cameraDescription.empty(); });
    EXPECT_EQ(core_->state().camera, "2");
    std::lock_guard lock(*mutex);
    EXPECT_EQ(*opened, std::vector<std::string>{"2"});
}

TEST(CameraDevices, PreferStableByIdNamesAndFallBackToVideoNodes) {
    admit::testing::TempDir dev;
    for (const char* node : {"video0", "video1", "video2", "vbi0"}) {
        std::ofstream(dev / node) << "";
    }
    fs::create_directories(dev / "v4l" / "by-id");
    fs::create_symlink("../../video0", dev / "v4l" / "by-id" / "usb-Acme_Cam_123-video-index0");
    fs::create_symlink("../../video9", dev / "v4l" / "by-id" / "usb-Gone_Cam-video-index0");
    auto cameras = listCameraDevices(dev.path());
    ASSERT_EQ(cameras.size(), 3U);
    EXPECT_EQ(cameras[0].path, (dev / "v4l" / "by-id" / "usb-Acme_Cam_123-video-index0").string());
    EXPECT_EQ(cameras[0].node, fs::canonical(dev / "video0").string());
    EXPECT_EQ(cameras[0].label, "usb-Acme_Cam_123-video-index0");  // no driver to ask
    EXPECT_EQ(cameras[1].path, fs::canonical(dev / "video1").string());
    EXPECT_EQ(cameras[2].path, fs::canonical(dev / "video2").string());
}

TEST(CameraDevices, NoDevicesIsAnEmptyList) {
    admit::testing::TempDir dev;
    EXPECT_TRUE(listCameraDevices(dev.path()).empty());
    EXPECT_TRUE(listCameraDevices(dev / "missing").empty());
}

TEST_F(SettingsTest, ListingCamerasFillsTheState) {
    start(stored());
    untilOpen();
    EXPECT_FALSE(core_->state().camerasListed);
    core_->listCameras();
    until([](const KioskState& s) { return s.camerasListed; });
    // This machine's real list; on a build machine usually empty. Each entry has a path.
    for (const auto& camera : core_->state().cameras) EXPECT_FALSE(camera.path.empty());
}

}  // namespace
}  // namespace admit::kiosk::testing

// Handheld scanners beside the camera (KioskCore::submitHandheldRead and --scanner): their codes
// are decided like the camera's, a repeated read is dropped like the camera's, and the serial
// scanner's state (connected, unplugged, back) reaches the screen's state.

#include <string>

#include "admit/kiosk/strings.hpp"
#include "fake_serial_device.hpp"
#include "kiosk_fixture.hpp"

namespace admit::kiosk::testing {
namespace {

using admit::testing::FakeSerialDevice;

TEST_F(KioskTest, AHandheldReadIsDecidedLikeACameraRead) {
    start(options());
    untilOpen();
    core_->submitHandheldRead(demo_.event.tickets.at(3).text);
    auto seen = until([](const KioskState& s) { return s.verdictCount >= 1; });
    ASSERT_EQ(seen.size(), 1U);
    EXPECT_EQ(seen[0].kind, VerdictKind::kAccepted);
    EXPECT_EQ(seen[0].name, "Mateo Garcia");
    EXPECT_EQ(seen[0].via, "scan");
    EXPECT_EQ(core_->state().pendingUploads, 1);
}

TEST_F(KioskTest, ARepeatedHandheldReadIsDropped) {
    start(options());
    untilOpen();
    // The trigger pulled twice on one ticket, then the next person's: the worker takes them in
    // order, so once the third is decided the second was handled (and dropped).
    core_->submitHandheldRead(demo_.event.tickets.at(0).text);
    core_->submitHandheldRead(demo_.event.tickets.at(0).text);
    core_->submitHandheldRead(demo_.event.tickets.at(1).text);
    auto seen =
        until([](const KioskState& s) { return s.verdict && s.verdict->name == "Oliver Bennett"; });
    ASSERT_EQ(seen.size(), 2U) << "a repeat was decided: " << seen.at(1).reason;
    EXPECT_EQ(seen[0].name, "Amelia Hughes");
    EXPECT_EQ(seen[0].kind, VerdictKind::kAccepted);
    EXPECT_EQ(seen[1].name, "Oliver Bennett");
    EXPECT_EQ(core_->state().pendingUploads, 2);
}

TEST_F(KioskTest, SerialScannerCodesAreDecidedAndItsStateShown) {
    auto link = dir_ / "ttyACM-scanner";
    auto opts = options();
    opts.scannerDevice = link.string();
    opts.scannerRetry = std::chrono::milliseconds(50);
    std::optional<FakeSerialDevice> device;
    device.emplace(link);
    ASSERT_TRUE(device->ok());
    start(opts);
    untilOpen();
    until([](const KioskState& s) { return s.scanner && s.scanner->connected; });
    EXPECT_EQ(core_->state().scanner->device, link.string());

    ASSERT_TRUE(device->send(demo_.event.tickets.at(3).text + "\r\n"));
    auto seen = until([](const KioskState& s) { return s.verdictCount >= 1; });
    ASSERT_EQ(seen.size(), 1U);
    EXPECT_EQ(seen[0].kind, VerdictKind::kAccepted);
    EXPECT_EQ(seen[0].name, "Mateo Garcia");

    device.reset();  // unplugged
    until([](const KioskState& s) { return s.scanner && !s.scanner->connected; });
    EXPECT_FALSE(core_->state().scanner->detail.empty());

    device.emplace(link);  // plugged in again
    ASSERT_TRUE(device->ok());
    until([](const KioskState& s) { return s.scanner && s.scanner->connected; });
    ASSERT_TRUE(device->send(std::string(5000, '7') + "\r"));
    until([](const KioskState& s) { return !s.notice.empty(); });
    EXPECT_EQ(core_->state().notice,
              text::scannerLineRefused("a line of 5000 characters, longer than 4096"));
    ASSERT_TRUE(device->send(demo_.event.tickets.at(0).text + "\n"));
    seen = until([](const KioskState& s) { return s.verdictCount >= 2; });
    ASSERT_EQ(seen.size(), 1U);
    EXPECT_EQ(seen[0].name, "Amelia Hughes");
}

}  // namespace
}  // namespace admit::kiosk::testing

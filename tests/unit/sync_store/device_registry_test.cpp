#include "admit/sync/store/device_registry.hpp"

#include <gtest/gtest.h>

#include "server_fixture.hpp"

namespace admit::sync {
namespace {

using admit::testing::kT0;
using DeviceRegistryTest = admit::testing::ServerFixture;

const Bytes kHashA(32, 0xa1);
const Bytes kHashB(32, 0xb2);

TEST_F(DeviceRegistryTest, EnrolsAndFindsADeviceByIdAndByTokenHash) {
    DeviceRegistry devices(*org);
    devices.enrol("dev-1", eventId, "Gate A", kHashA, kT0);
    auto byId = devices.find("dev-1");
    ASSERT_TRUE(byId);
    EXPECT_EQ(byId->eventId, eventId);
    EXPECT_EQ(byId->name, "Gate A");
    EXPECT_FALSE(byId->revoked());
    auto byToken = devices.findByTokenHash(kHashA);
    ASSERT_TRUE(byToken);
    EXPECT_EQ(byToken->deviceId, "dev-1");
    EXPECT_FALSE(devices.findByTokenHash(kHashB));
    EXPECT_FALSE(devices.find("dev-2"));
}

TEST_F(DeviceRegistryTest, RemembersHowFarItHoldsEachDevicesOutbox) {
    DeviceRegistry devices(*org);
    devices.enrol("dev-1", eventId, "Gate A", kHashA, kT0);
    EXPECT_EQ(devices.acknowledgedThrough("dev-1"), 0);
    devices.recordAcknowledged("dev-1", 40);
    devices.recordAcknowledged("dev-1", 25);  // an older batch answered late: the figure stays
    EXPECT_EQ(devices.acknowledgedThrough("dev-1"), 40);
    devices.enrol("dev-1", eventId, "Gate A", kHashB, kT0 + 1);  // a new token keeps it
    EXPECT_EQ(devices.acknowledgedThrough("dev-1"), 40);
    EXPECT_EQ(devices.acknowledgedThrough("dev-2"), std::nullopt);
    // A device enrolled before the server kept the figure: not known until its next upload.
    org->exec("UPDATE devices SET acknowledged_through = NULL WHERE device_id = 'dev-1'");
    EXPECT_EQ(devices.acknowledgedThrough("dev-1"), std::nullopt);
    devices.recordAcknowledged("dev-1", 7);
    EXPECT_EQ(devices.acknowledgedThrough("dev-1"), 7);
}

TEST_F(DeviceRegistryTest, RecordsEachHeartbeatAndKeepsWhatOneDidNotReport) {
    DeviceRegistry devices(*org);
    devices.enrol("dev-1", eventId, "Gate A", kHashA, kT0);
    EXPECT_EQ(devices.find("dev-1")->clockOffsetMs, std::nullopt);
    // The kiosk's clock reads 5 minutes ahead of the server's when the request arrives.
    devices.recordSync("dev-1", kT0 + 1000, {kT0 + 1000 + 300'000, "0.3.0", 12});
    auto seen = devices.find("dev-1");
    EXPECT_EQ(seen->lastSyncAtMs, kT0 + 1000);
    EXPECT_EQ(seen->clockOffsetMs, 300'000);
    EXPECT_EQ(seen->appVersion, "0.3.0");
    EXPECT_EQ(seen->outboxDepth, 12);
    // A request without a heartbeat (an older kiosk, the enrolment) keeps the last figures.
    devices.recordSync("dev-1", kT0 + 2000);
    seen = devices.find("dev-1");
    EXPECT_EQ(seen->lastSyncAtMs, kT0 + 2000);
    EXPECT_EQ(seen->clockOffsetMs, 300'000);
    EXPECT_EQ(seen->appVersion, "0.3.0");
    devices.recordSync("dev-1", kT0 + 3000, {kT0 + 2500, "", 0});
    seen = devices.find("dev-1");
    EXPECT_EQ(seen->clockOffsetMs, -500);
    EXPECT_EQ(seen->outboxDepth, 0);
    EXPECT_EQ(devices.list(eventId).front().clockOffsetMs, -500);
}

TEST_F(DeviceRegistryTest, ARevokedDeviceKeepsItsTokenHashSoItIsRecognised) {
    DeviceRegistry devices(*org);
    devices.enrol("dev-1", eventId, "Gate A", kHashA, kT0);
    auto revoked = devices.revoke(eventId, "dev-1", kT0 + 5);
    ASSERT_TRUE(revoked.ok());
    EXPECT_EQ(revoked->revokedAtMs, kT0 + 5);
    auto found = devices.findByTokenHash(kHashA);
    ASSERT_TRUE(found);
    EXPECT_TRUE(found->revoked());
    // Revoking again keeps the first time.
    EXPECT_EQ(devices.revoke(eventId, "dev-1", kT0 + 9)->revokedAtMs, kT0 + 5);
}

TEST_F(DeviceRegistryTest, RevokingOnlyWorksForTheEventsOwnDevices) {
    DeviceRegistry devices(*org);
    devices.enrol("dev-1", eventId, "Gate A", kHashA, kT0);
    EXPECT_FALSE(devices.revoke(otherEventId, "dev-1", kT0).ok());
    EXPECT_FALSE(devices.revoke(eventId, "nobody", kT0).ok());
    EXPECT_FALSE(devices.find("dev-1")->revoked());
}

TEST_F(DeviceRegistryTest, EnrollingAgainReplacesTheTokenAndLiftsARevocation) {
    DeviceRegistry devices(*org);
    devices.enrol("dev-1", eventId, "Gate A", kHashA, kT0);
    ASSERT_TRUE(devices.revoke(eventId, "dev-1", kT0 + 1).ok());
    devices.enrol("dev-1", eventId, "Gate A2", kHashB, kT0 + 2);
    EXPECT_FALSE(devices.findByTokenHash(kHashA));
    auto found = devices.findByTokenHash(kHashB);
    ASSERT_TRUE(found);
    EXPECT_FALSE(found->revoked());
    EXPECT_EQ(found->name, "Gate A2");
}

TEST_F(DeviceRegistryTest, ListsTheEventsDevicesWithSyncAndGate) {
    DeviceRegistry devices(*org);
    devices.enrol("dev-1", eventId, "Gate A", kHashA, kT0);
    devices.enrol("dev-2", otherEventId, "Elsewhere", kHashB, kT0);
    devices.recordSync("dev-1", kT0 + 7);
    devices.recordGate("dev-1", "North");
    auto listed = devices.list(eventId);
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].deviceId, "dev-1");
    EXPECT_EQ(listed[0].lastSyncAtMs, kT0 + 7);
    EXPECT_EQ(listed[0].gate, "North");
}

}  // namespace
}  // namespace admit::sync

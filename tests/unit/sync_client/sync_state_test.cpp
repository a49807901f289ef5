// The sync.* keys of a replica's meta table: defaults, enrolment, and what survives reopening.

#include "admit/sync/client/sync_state.hpp"

#include <gtest/gtest.h>

#include <SQLiteCpp/Statement.h>

#include "admit/store/store.hpp"
#include "temp_dir.hpp"

namespace admit::sync {
namespace {

class SyncStateTest : public ::testing::Test {
  protected:
    void SetUp() override { db = open(); }

    std::unique_ptr<SQLite::Database> open() {
        auto opened = store::openPlainDatabase(dir.file("replica.db"), store::OpenMode::kCreate);
        EXPECT_TRUE(opened.ok()) << opened.error().message;
        return std::make_unique<SQLite::Database>(std::move(*opened));
    }

    void setMeta(const std::string& key, const std::string& value) {
        SQLite::Statement upsert(*db,
                                 "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) "
                                 "DO UPDATE SET value = excluded.value");
        upsert.bind(1, key);
        upsert.bind(2, value);
        upsert.exec();
    }

    std::optional<std::string> meta(const std::string& key) {
        SQLite::Statement query(*db, "SELECT value FROM meta WHERE key = ?");
        query.bind(1, key);
        if (!query.executeStep()) return std::nullopt;
        return query.getColumn(0).getString();
    }

    admit::testing::TempDir dir;
    std::unique_ptr<SQLite::Database> db;
};

TEST_F(SyncStateTest, NeverEnrolledReplicaHasEmptyState) {
    SyncState state = readSyncState(*db);
    EXPECT_EQ(state.serverUrl, "");
    EXPECT_FALSE(state.hasDeviceToken);
    EXPECT_FALSE(state.lastSuccessAtMs);
    EXPECT_FALSE(state.lastAttemptAtMs);
    EXPECT_EQ(state.lastError, "");
    EXPECT_EQ(state.checkinsAfter, 0);
    EXPECT_EQ(state.rosterVersion, 0);
    EXPECT_TRUE(state.devices.empty());
    EXPECT_FALSE(readDeviceToken(*db));
}

TEST_F(SyncStateTest, EnrolmentIsStoredAndSurvivesReopening) {
    saveEnrolment(*db, "http://10.0.0.2:8470", "device-token-1");
    db.reset();
    db = open();
    SyncState state = readSyncState(*db);
    EXPECT_EQ(state.serverUrl, "http://10.0.0.2:8470");
    EXPECT_TRUE(state.hasDeviceToken);
    EXPECT_EQ(readDeviceToken(*db), "device-token-1");
    EXPECT_EQ(meta("sync.server_url"), "http://10.0.0.2:8470");
    EXPECT_EQ(meta("sync.device_token"), "device-token-1");
}

TEST_F(SyncStateTest, ReadsEveryKeyTheClientWrites) {
    setMeta("sync.checkins_after", "1234");
    setMeta("sync.roster_version", "42");
    setMeta("sync.last_success_at", "1780315200000");
    setMeta("sync.last_attempt_at", "1780315215000");
    setMeta("sync.last_error", "upload failed: could not reach the server: Connection refused");
    DevicesResponse devices;
    devices.devices.push_back(
        {"dev-a", "Kiosk A", "North", 1780315000000, 1780315200000, 12, "0.1.0", 3, -180'000});
    devices.devices.push_back(
        {"dev-b", "Kiosk B", "South", 1780315100000, std::nullopt, 0, "", {}, {}});
    setMeta("sync.devices", toJson(devices));

    SyncState state = readSyncState(*db);
    EXPECT_EQ(state.checkinsAfter, 1234);
    EXPECT_EQ(state.rosterVersion, 42);
    EXPECT_EQ(state.lastSuccessAtMs, 1780315200000);
    EXPECT_EQ(state.lastAttemptAtMs, 1780315215000);
    EXPECT_EQ(state.lastError, "upload failed: could not reach the server: Connection refused");
    EXPECT_EQ(state.devices, devices.devices);
}

TEST_F(SyncStateTest, DamagedValuesReadAsDefaultsInsteadOfFailing) {
    setMeta("sync.checkins_after", "12abc");
    setMeta("sync.roster_version", "");
    setMeta("sync.last_success_at", "yesterday");
    setMeta("sync.devices", "{not json");
    SyncState state = readSyncState(*db);
    EXPECT_EQ(state.checkinsAfter, 0);
    EXPECT_EQ(state.rosterVersion, 0);
    EXPECT_FALSE(state.lastSuccessAtMs);
    EXPECT_TRUE(state.devices.empty());
}

TEST_F(SyncStateTest, TheServersKeyPinIsStoredWithItsUrl) {
    std::array<std::uint8_t, 32> pin{};
    pin.fill(0xa5);
    pin[0] = 0x01;
    saveEnrolment(*db, ServerAddress("https://10.0.0.2:8470", pin), "device-token-1");
    SyncState state = readSyncState(*db);
    ASSERT_TRUE(state.serverKeySha256);
    EXPECT_EQ(*state.serverKeySha256, pin);
    EXPECT_EQ(serverAddress(state).keySha256, pin);
    EXPECT_EQ(serverAddress(state).url, "https://10.0.0.2:8470");

    // A code without a pin (a server whose certificate a CA vouches for) drops the old pin.
    saveEnrolment(*db, "https://10.0.0.2:8470", "device-token-2");
    EXPECT_FALSE(readSyncState(*db).serverKeySha256);
}

TEST_F(SyncStateTest, ADamagedPinMatchesNoServerRatherThanAny) {
    setMeta("sync.server_url", "https://10.0.0.2:8470");
    setMeta("sync.server_key_sha256", "not hex");
    auto pin = readSyncState(*db).serverKeySha256;
    ASSERT_TRUE(pin) << "a damaged pin must not read as none (that would trust any server)";
    EXPECT_EQ(*pin, (std::array<std::uint8_t, 32>{}));
}

TEST_F(SyncStateTest, ReEnrolmentWithTheSameServerKeepsTheCursors) {
    saveEnrolment(*db, "http://10.0.0.2:8470", "old-token");
    setMeta("sync.checkins_after", "900");
    setMeta("sync.roster_version", "7");
    setMeta("sync.last_error", "upload failed: the server refused the device token (401)");
    saveEnrolment(*db, "http://10.0.0.2:8470", "new-token");
    SyncState state = readSyncState(*db);
    EXPECT_EQ(readDeviceToken(*db), "new-token");
    EXPECT_EQ(state.checkinsAfter, 900);
    EXPECT_EQ(state.rosterVersion, 7);
    EXPECT_EQ(state.lastError, "") << "a new token clears the refusal";
}

TEST_F(SyncStateTest, EnrolmentWithAnotherServerStartsTheCursorsAgain) {
    saveEnrolment(*db, "http://10.0.0.2:8470", "old-token");
    setMeta("sync.checkins_after", "900");
    setMeta("sync.roster_version", "7");
    saveEnrolment(*db, "http://10.0.0.3:8470", "new-token");
    SyncState state = readSyncState(*db);
    EXPECT_EQ(state.serverUrl, "http://10.0.0.3:8470");
    EXPECT_EQ(state.checkinsAfter, 0);
    EXPECT_EQ(state.rosterVersion, 0);
}

}  // namespace
}  // namespace admit::sync

// SyncClient when no server answers: every round ends in an error value naming the step and
// the cause, records it in meta without the token, and leaves the outbox as it was.

#include "admit/sync/client/sync_client.hpp"

#include <gtest/gtest.h>

#include "admit/replica/replica.hpp"
#include "admit/replica/replica_error.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/events.hpp"
#include "admit/store/hybrid_logical_clock.hpp"
#include "admit/store/outbox.hpp"
#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"
#include "admit/sync/client/sync_state.hpp"
#include "corrupt_table.hpp"
#include "local_sockets.hpp"
#include "temp_dir.hpp"

#include <SQLiteCpp/Transaction.h>

namespace admit::sync {
namespace {

using namespace std::chrono_literals;

constexpr const char* kEvent = "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b";
constexpr const char* kDeviceToken = "c2VjcmV0LWRldmljZS10b2tlbi1uZXZlci1zaG93bi0h";
constexpr std::int64_t kNowMs = 1'780'315'200'000;

class SyncClientOffline : public ::testing::Test {
  protected:
    void SetUp() override {
        auto opened = store::openPlainDatabase(dir.file("replica.db"), store::OpenMode::kCreate);
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        db = std::make_unique<SQLite::Database>(std::move(*opened));
        store::Events(*db).create(
            {kEvent, "Test Fest", store::ReentryPolicy::kSingle, Bytes(32, 7), 0});
        store::Events(*db).addTicketType(kEvent, {1, "General"});
        store::HybridLogicalClock clock(*db);
        store::CheckInLog log(*db, clock);
        SQLite::Transaction transaction(*db);
        for (int i = 0; i < 3; ++i) {
            log.append({kEvent, "ticket-" + std::to_string(i), std::nullopt, "North",
                        store::Direction::kEntry, ""},
                       kNowMs + i);
        }
        transaction.commit();
    }

    admit::testing::TempDir dir;
    std::unique_ptr<SQLite::Database> db;
};

TEST_F(SyncClientOffline, UnreachableServerIsAnErrorValueAndTheOutboxIsKept) {
    saveEnrolment(*db, "http://127.0.0.1:1", kDeviceToken);
    SyncClient client(admit::testing::refusedUrl());
    auto round = client.runRound(*db, kEvent, "North", kNowMs);
    ASSERT_FALSE(round.ok());
    EXPECT_EQ(round.error().kind, SyncError::Kind::kUnreachable);
    EXPECT_EQ(round.error().step, "upload");
    EXPECT_EQ(round.error().message, "could not reach the server: Connection refused");

    EXPECT_EQ(store::Outbox(*db).pendingCount(), 3);
    SyncState state = readSyncState(*db);
    EXPECT_EQ(state.lastError, "upload failed: could not reach the server: Connection refused");
    EXPECT_EQ(state.lastAttemptAtMs, kNowMs);
    EXPECT_FALSE(state.lastSuccessAtMs);
    EXPECT_EQ(state.lastError.find(kDeviceToken), std::string::npos);
}

// Seen under faults: a round whose upload was acknowledged and whose download then failed was
// reported as having uploaded nothing, with roster version 0.
TEST_F(SyncClientOffline, AFailedRoundStillReportsWhatItDidBeforeTheFailingStep) {
    saveEnrolment(*db, "http://127.0.0.1:1", kDeviceToken);
    db->exec("INSERT INTO meta (key, value) VALUES ('sync.roster_version', '7')");
    admit::testing::ScriptedServer server(
        {admit::testing::jsonAnswer(
             "{\"protocol\":" + std::to_string(kProtocolVersion) +
             R"(,"acknowledged_through":3,"stored":3,"already_had":0,"quarantined":0})"),
         "not HTTP at all\n"});
    SyncClient client(server.url());
    auto round = client.runRound(*db, kEvent, "North", kNowMs);
    ASSERT_FALSE(round.ok());
    EXPECT_EQ(round.error().step, "download");
    EXPECT_EQ(round.error().kind, SyncError::Kind::kBadResponse);
    EXPECT_EQ(round.error().message, "the server was reached, but its answer is not HTTP");
    EXPECT_EQ(round.error().progress.uploaded, 3);
    EXPECT_EQ(round.error().progress.rosterVersion, 7);
    EXPECT_EQ(store::Outbox(*db).pendingCount(), 0);
}

TEST_F(SyncClientOffline, SilentServerTimesOutWithTheConfiguredLimit) {
    admit::testing::LoopbackSocket silent(true);
    saveEnrolment(*db, silent.url(), kDeviceToken);
    Timeouts timeouts;
    timeouts.request = 400ms;
    SyncClient client(silent.url() + "/", timeouts);
    auto round = client.runRound(*db, kEvent, "North", kNowMs);
    ASSERT_FALSE(round.ok());
    EXPECT_EQ(round.error().kind, SyncError::Kind::kUnreachable);
    EXPECT_EQ(round.error().message, "could not reach the server: timed out after 400 ms");
    EXPECT_EQ(store::Outbox(*db).pendingCount(), 3);
}

TEST_F(SyncClientOffline, NotEnrolledKioskDoesNotTryTheNetwork) {
    SyncClient client(admit::testing::refusedUrl());
    auto round = client.runRound(*db, kEvent, "North", kNowMs);
    ASSERT_FALSE(round.ok());
    EXPECT_EQ(round.error().kind, SyncError::Kind::kRefused);
    EXPECT_EQ(round.error().step, "round");
    EXPECT_EQ(round.error().message, "this kiosk is not enrolled with a sync server");
    EXPECT_EQ(readSyncState(*db).lastAttemptAtMs, kNowMs);
}

TEST_F(SyncClientOffline, EnrolmentErrorsNeverShowTheEnrolmentToken) {
    SyncClient client(admit::testing::refusedUrl());
    EnrolRequest request{kEvent, kDeviceToken, "device-1", "Kiosk A"};
    auto enrolled = client.enrol(request);
    ASSERT_FALSE(enrolled.ok());
    EXPECT_EQ(enrolled.error().kind, SyncError::Kind::kUnreachable);
    EXPECT_EQ(enrolled.error().step, "enrol");
    EXPECT_EQ(enrolled.error().message.find(kDeviceToken), std::string::npos);
}

// A replica SQLite finds corrupt (every page authentic) is damage, as an authentication failure
// is: the round's local error says so, and the kiosk offers its re-sync.
TEST(SyncClientReplica, CorruptReplicaIsReportedAsDamage) {
    admit::testing::TempDir dir;
    const std::string path = dir.file("kiosk.replica");
    const auto key = replica::ReplicaKey::generate();
    {
        auto created = replica::openReplica(path, key, replica::OpenMode::kCreate);
        ASSERT_TRUE(created.ok()) << created.error().message;
        store::applyConnectionSettings(*created);
        ASSERT_TRUE(store::migrate(*created).ok());
        store::Events(*created).create(
            {kEvent, "Test Fest", store::ReentryPolicy::kSingle, Bytes(32, 7), 0});
        saveEnrolment(*created, "http://127.0.0.1:1", kDeviceToken);
        admit::testing::corruptTable(*created, "outbox");
    }
    auto db = replica::openReplica(path, key, replica::OpenMode::kReadWrite);
    ASSERT_TRUE(db.ok()) << db.error().message;
    SyncClient client(admit::testing::refusedUrl());
    auto round = client.runRound(*db, kEvent, "North", kNowMs);
    ASSERT_FALSE(round.ok());
    EXPECT_EQ(round.error().kind, SyncError::Kind::kLocal);
    EXPECT_EQ(round.error().step, "upload");
    EXPECT_EQ(round.error().replicaKind, replica::ReplicaErrorKind::Damaged);
    EXPECT_EQ(round.error().message,
              "cannot use the replica: " + replica::damagedError(path).message);
}

}  // namespace
}  // namespace admit::sync

// A damaged replica: the kiosk says so and offers a re-sync, which moves the file aside (never
// deleting it: it may hold check-ins not uploaded yet), starts a fresh replica and waits for the
// event code again.

#include <array>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <iterator>
#include <mutex>

#include <SQLiteCpp/Statement.h>

#include "admit/kiosk/kiosk_database.hpp"
#include "admit/kiosk/kiosk_settings.hpp"
#include "admit/kiosk/strings.hpp"
#include "admit/kiosk/verdict_json.hpp"
#include "admit/replica/replica_error.hpp"
#include "admit/store/events.hpp"
#include "corrupt_table.hpp"
#include "fake_sync_backend.hpp"
#include "kiosk_fixture.hpp"

#include <nlohmann/json.hpp>

namespace admit::kiosk::testing {
namespace {

namespace fs = std::filesystem;

std::string contents(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::size_t pageSizeOf(const fs::path& replica) {
    std::array<unsigned char, 18> head{};
    std::ifstream in(replica, std::ios::binary);
    in.read(reinterpret_cast<char*>(head.data()), head.size());
    std::size_t pageSize = static_cast<std::size_t>(head[16] << 8 | head[17]);
    return pageSize == 1 ? 65536 : pageSize;
}

// Flips one byte in the middle of page `pgno` (past page 1's readable header): the page no
// longer authenticates.
void damagePage(const fs::path& replica, std::int64_t pgno) {
    const std::size_t pageSize = pageSizeOf(replica);
    const auto at =
        static_cast<std::streamoff>(static_cast<std::size_t>(pgno - 1) * pageSize + pageSize / 2);
    std::fstream f(replica, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(at);
    char byte = 0;
    f.read(&byte, 1);
    byte = static_cast<char>(byte ^ 0x5a);
    f.seekp(at);
    f.write(&byte, 1);
}

// Opening the replica reports damage.
void damageFirstPage(const fs::path& replica) { damagePage(replica, 1); }

// Damages every page of `table` and its indexes while the kiosk has the replica open: every
// committed page is moved into the database file first (the WAL restarts, so the kiosk's
// connections drop the pages they cached), so the kiosk's next read of the table fails.
void damageTableWhileOpen(const KioskDatabaseConfig& config, const std::string& table) {
    std::vector<std::int64_t> pages;
    {
        auto db = openKioskDatabase(config);
        ASSERT_TRUE(db) << db.error().message;
        SQLite::Statement checkpoint(*db, "PRAGMA wal_checkpoint(TRUNCATE)");
        ASSERT_TRUE(checkpoint.executeStep());
        ASSERT_EQ(checkpoint.getColumn(0).getInt(), 0) << "a kiosk connection held the WAL";
        SQLite::Statement query(*db,
                                "SELECT pageno FROM dbstat WHERE name IN (SELECT name FROM "
                                "sqlite_schema WHERE tbl_name = ?)");
        query.bind(1, table);
        while (query.executeStep()) pages.push_back(query.getColumn(0).getInt64());
    }
    ASSERT_FALSE(pages.empty());
    for (std::int64_t page : pages) damagePage(config.path, page);
}

// See corrupt_table.hpp: SQLite reports the table as corrupt, no page fails authentication.
void corruptTable(const KioskDatabaseConfig& config, const std::string& table) {
    auto db = openKioskDatabase(config);
    ASSERT_TRUE(db) << db.error().message;
    admit::testing::corruptTable(*db, table);
}

std::vector<fs::path> movedAside(const fs::path& dir) {
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().filename().string().find(".damaged-") != std::string::npos) {
            found.push_back(entry.path());
        }
    }
    return found;
}

TEST_F(KioskTest, DamagedReplicaAtStartOffersAResyncInsteadOfFailing) {
    ASSERT_FALSE(fs::exists(demo_.replica.string() + "-wal"));
    damageFirstPage(demo_.replica);
    std::string damagedBytes = contents(demo_.replica);
    start(options());
    until([](const KioskState& s) { return s.screen == Screen::kDamaged; });
    ASSERT_TRUE(core_->state().damage);
    EXPECT_EQ(core_->state().damage->message,
              replica::damagedError(demo_.replica.string()).message);
    EXPECT_FALSE(core_->state().damage->olderFormat);
    auto line = nlohmann::json::parse(damagedJsonLine(core_->state()));
    EXPECT_EQ(line["kind"], "damaged");
    EXPECT_EQ(line["screen"], "damaged");

    core_->resyncDamagedReplica();
    EXPECT_TRUE(core_->state().damage->moving);  // at once: the screen says it is working
    until([](const KioskState& s) { return s.screen == Screen::kSetup; });
    EXPECT_FALSE(core_->state().damage);
    EXPECT_FALSE(core_->state().event);

    // The damaged file is kept, byte for byte, under a timestamped name.
    auto kept = movedAside(dir_.path());
    ASSERT_EQ(kept.size(), 1U);
    EXPECT_EQ(contents(kept[0]), damagedBytes);
    EXPECT_EQ(core_->state().resyncedFrom, kept[0].filename().string());
    EXPECT_EQ(core_->state().setupStatus, text::resyncDone(kept[0].filename().string()));

    // A fresh replica is in its place, and the event code sets the kiosk up again.
    auto shown = scanCode(demo_.event.setupCode);
    EXPECT_EQ(shown.code, "event_setup");
    EXPECT_EQ(scanCode(demo_.event.tickets.at(0).text).code, "accepted");
    auto fresh = openKioskDatabase({demo_.replica, demo_.keyFile});
    ASSERT_TRUE(fresh) << fresh.error().message;
    EXPECT_TRUE(store::Events(*fresh).find(demo_.event.eventId));
}

// A replica written by an earlier version's format: the same way out as damage, with the reason.
TEST_F(KioskTest, ReplicaInAnOlderFormatOffersAResync) {
    {
        std::fstream f(demo_.replica, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(20);  // the reserve per page: format 1 reserved 40 bytes
        f.put(static_cast<char>(40));
    }
    start(options());
    until([](const KioskState& s) { return s.screen == Screen::kDamaged; });
    ASSERT_TRUE(core_->state().damage);
    EXPECT_NE(core_->state().damage->message.find("older format"), std::string::npos)
        << core_->state().damage->message;
    EXPECT_TRUE(core_->state().damage->olderFormat);
    core_->resyncDamagedReplica();
    until([](const KioskState& s) { return s.screen == Screen::kSetup; });
    EXPECT_EQ(movedAside(dir_.path()).size(), 1U);
    EXPECT_EQ(scanCode(demo_.event.setupCode).code, "event_setup");
}

// Damage found while running (here reported by the sync thread): the fresh replica keeps the
// settings in use.
TEST_F(KioskTest, ResyncAfterDamageFoundWhileRunningKeepsTheKioskSettings) {
    auto fake = std::make_shared<FakeSyncBackend>();
    fake->state.serverUrl = "http://127.0.0.1:9/";
    fake->state.hasDeviceToken = true;
    fake->blockRounds = true;  // the first round waits until the settings are changed
    // The kiosk goes by the error's kind: the sentence need not say "damaged".
    fake->roundError = sync::SyncError{sync::SyncError::Kind::kLocal, "upload",
                                       "cannot use the replica: database disk image is malformed",
                                       replica::ReplicaErrorKind::Damaged};
    auto o = options();
    o.gate.reset();
    o.syncBackend = fake;
    start(std::move(o));
    untilOpen();
    ASSERT_TRUE(core_->setGate("East 3"));
    core_->setDirection(store::Direction::kExit);
    fake->release();
    until([](const KioskState& s) { return s.screen == Screen::kDamaged; });
    core_->resyncDamagedReplica();
    until([](const KioskState& s) { return s.screen == Screen::kSetup; });
    EXPECT_EQ(core_->state().gate, "East 3");
    core_.reset();

    auto db = openKioskDatabase({demo_.replica, demo_.keyFile});
    ASSERT_TRUE(db) << db.error().message;
    auto settings = loadSettings(*db);
    EXPECT_EQ(settings.gate, "East 3");
    EXPECT_EQ(settings.direction, store::Direction::kExit);
    EXPECT_EQ(movedAside(dir_.path()).size(), 1U);
}

TEST_F(KioskTest, DamageFoundBySyncShowsTheResyncScreenAfterTheVerdict) {
    auto fake = std::make_shared<FakeSyncBackend>();
    fake->roundError = sync::SyncError{sync::SyncError::Kind::kLocal, "upload",
                                       replica::damagedError(demo_.replica.string()).message,
                                       replica::ReplicaErrorKind::Damaged};
    fake->state.serverUrl = "http://127.0.0.1:9/";
    fake->state.hasDeviceToken = true;
    auto o = options();
    o.syncBackend = fake;
    start(std::move(o));
    // Enrolled already: the first round runs at once and meets the damage.
    until([](const KioskState& s) { return s.screen == Screen::kDamaged; });
    EXPECT_EQ(core_->state().damage->message,
              replica::damagedError(demo_.replica.string()).message);
}

// A damaged replica met by an undo is damage (the re-sync screen), not "nothing to undo".
TEST_F(KioskTest, DamageFoundByAnUndoShowsTheResyncScreenNotNothingToUndo) {
    auto o = options();
    o.statsInterval = std::chrono::hours(1);  // no dashboard refresh meets the damage first
    start(std::move(o));
    untilOpen();
    ASSERT_TRUE(scanCode(demo_.event.tickets.at(0).text).accepted());
    core_->askPin(Screen::kDashboard);
    core_->enterPin(kDemoOrganiser, kDemoOrganiserPin);
    // Every job done (the dashboard asks for the stats twice: after the PIN and on its first
    // frame): a read after the damage must not have the undamaged pages cached already.
    until([this](const KioskState& s) {
        return s.screen == Screen::kDashboard && s.stats && s.stats->checkedIn == 1 &&
               core_->finished();
    });
    ASSERT_NO_FATAL_FAILURE(damageTableWhileOpen({demo_.replica, demo_.keyFile}, "checkins"));

    core_->undoLast();
    until([this](const KioskState&) { return core_->finished(); });
    EXPECT_NE(core_->state().notice, text::nothingToUndo());
    EXPECT_EQ(core_->state().notice.rfind(text::undoFailed(""), 0), 0U) << core_->state().notice;
    ASSERT_TRUE(core_->state().damage);
    EXPECT_FALSE(core_->state().damage->olderFormat);
    EXPECT_NE(core_->state().damage->message.find(demo_.replica.filename().string()),
              std::string::npos)
        << core_->state().damage->message;
    until([](const KioskState& s) { return s.screen == Screen::kDamaged; });
}

// SQLite finding the replica corrupt (every page authentic) is damage too, at start ...
TEST_F(KioskTest, CorruptReplicaAtStartOffersAResync) {
    ASSERT_NO_FATAL_FAILURE(corruptTable({demo_.replica, demo_.keyFile}, "outbox"));
    start(options());
    until([this](const KioskState&) { return core_->finished(); });
    ASSERT_TRUE(core_->state().damage);
    EXPECT_FALSE(core_->state().damage->olderFormat);
    EXPECT_EQ(core_->state().damage->message,
              replica::damagedError(demo_.replica.string()).message);
    until([](const KioskState& s) { return s.screen == Screen::kDamaged; });
    core_->resyncDamagedReplica();
    until([](const KioskState& s) { return s.screen == Screen::kSetup; });
    EXPECT_EQ(scanCode(demo_.event.setupCode).code, "event_setup");
    EXPECT_EQ(scanCode(demo_.event.tickets.at(0).text).code, "accepted");
}

// The sync client itself, each round held until release(), so that a test can change the
// replica while the kiosk runs, after start and before a round reads it.
class HeldSyncClient final : public SyncBackend {
  public:
    bool available() const override { return client_->available(); }
    sync::SyncState readState(SQLite::Database& replica) override {
        return client_->readState(replica);
    }
    void saveEnrolment(SQLite::Database& replica, const sync::ServerAddress& server,
                       const std::string& deviceToken) override {
        client_->saveEnrolment(replica, server, deviceToken);
    }
    Result<sync::EnrolResponse, sync::SyncError> enrol(const sync::ServerAddress& server,
                                                       const sync::EnrolRequest& request) override {
        return client_->enrol(server, request);
    }
    Result<sync::RoundReport, sync::SyncError> runRound(const sync::ServerAddress& server,
                                                        SQLite::Database& replica,
                                                        const std::string& eventId,
                                                        const std::string& gate,
                                                        std::int64_t nowMs) override {
        {
            std::unique_lock lock(mutex_);
            ++started_;
            changed_.notify_all();
            changed_.wait(lock, [this] { return released_; });
        }
        auto report = client_->runRound(server, replica, eventId, gate, nowMs);
        std::lock_guard lock(mutex_);
        ++ended_;
        changed_.notify_all();
        return report;
    }

    void release() {
        std::lock_guard lock(mutex_);
        released_ = true;
        changed_.notify_all();
    }
    bool waitStarted(int count) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, std::chrono::seconds(30), [&] { return started_ >= count; });
    }
    bool waitEnded(int count) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, std::chrono::seconds(30), [&] { return ended_ >= count; });
    }

  private:
    std::shared_ptr<SyncBackend> client_ = makeSyncClientBackend();
    std::mutex mutex_;
    std::condition_variable changed_;
    bool released_ = false;
    int started_ = 0;
    int ended_ = 0;
};

// ... and when a sync round meets it (the round fails before it reaches the network).
TEST_F(KioskTest, CorruptReplicaMetBySyncRoundOffersAResync) {
    auto held = std::make_shared<HeldSyncClient>();
    ASSERT_TRUE(held->available()) << "the kiosk core must be built with the sync client";
    {
        auto db = openKioskDatabase({demo_.replica, demo_.keyFile});
        ASSERT_TRUE(db) << db.error().message;
        held->saveEnrolment(*db, "http://127.0.0.1:9/", "device-token");
    }
    auto o = options();
    o.syncBackend = held;
    start(std::move(o));
    untilOpen();
    ASSERT_EQ(core_->state().screen, Screen::kScanning);
    ASSERT_TRUE(held->waitStarted(1));
    ASSERT_NO_FATAL_FAILURE(corruptTable({demo_.replica, demo_.keyFile}, "outbox"));
    held->release();
    ASSERT_TRUE(held->waitEnded(1));
    until([this](const KioskState&) { return core_->finished(); });
    ASSERT_TRUE(core_->state().damage);
    EXPECT_NE(core_->state().damage->message.find(demo_.replica.string()), std::string::npos)
        << core_->state().damage->message;
    EXPECT_EQ(core_->state().screen, Screen::kDamaged);
}

TEST(MoveDamagedReplicaAside, RenamesTheDatabaseAndItsWalNeverDeleting) {
    admit::testing::TempDir dir;
    fs::path replica = dir / "kiosk.replica";
    std::ofstream(replica) << "database";
    std::ofstream(replica.string() + "-wal") << "wal";
    std::ofstream(replica.string() + "-shm") << "shm";
    auto moved = moveDamagedReplicaAside(replica, 1'790'000'000'000);
    ASSERT_TRUE(moved) << moved.error().message;
    EXPECT_FALSE(fs::exists(replica));
    EXPECT_FALSE(fs::exists(replica.string() + "-wal"));
    EXPECT_EQ(moved->parent_path(), dir.path());
    EXPECT_EQ(moved->filename().string().rfind("kiosk.replica.damaged-", 0), 0U);
    EXPECT_EQ(contents(*moved), "database");
    EXPECT_EQ(contents(moved->string() + "-wal"), "wal");
    EXPECT_EQ(contents(moved->string() + "-shm"), "shm");

    // A second damage in the same second does not overwrite the first one kept.
    std::ofstream(replica) << "again";
    auto second = moveDamagedReplicaAside(replica, 1'790'000'000'000);
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_NE(*second, *moved);
    EXPECT_EQ(contents(*moved), "database");
    EXPECT_EQ(contents(*second), "again");
}

// The kinds the kiosk's screens go by: damage and an older format are offered a re-sync,
// anything else cannot be cured by one.
TEST(OpenKioskDatabase, TellsDamageAndAnOlderFormatFromOtherFailures) {
    admit::testing::TempDir dir;
    auto provisioned = provisionDemo(dir.path(), 1'790'000'000'000);
    ASSERT_TRUE(provisioned) << provisioned.error().message;
    const KioskDatabaseConfig config{provisioned->replica, provisioned->keyFile};
    fs::copy_file(config.path, dir / "kept.replica");

    damageFirstPage(config.path);
    auto damaged = openKioskDatabase(config);
    ASSERT_FALSE(damaged);
    EXPECT_EQ(damaged.error().kind, KioskDatabaseError::Kind::kDamaged);
    EXPECT_TRUE(damaged.error().resyncable());

    fs::copy_file(dir / "kept.replica", config.path, fs::copy_options::overwrite_existing);
    {
        std::fstream f(config.path, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(20);  // format 1 reserved 40 bytes per page
        f.put(static_cast<char>(40));
    }
    auto older = openKioskDatabase(config);
    ASSERT_FALSE(older);
    EXPECT_EQ(older.error().kind, KioskDatabaseError::Kind::kOlderFormat);
    EXPECT_TRUE(older.error().resyncable());

    auto noKey = openKioskDatabase({dir / "kept.replica", dir / "no-such.key"});
    ASSERT_FALSE(noKey);
    EXPECT_EQ(noKey.error().kind, KioskDatabaseError::Kind::kOther);
    EXPECT_FALSE(noKey.error().resyncable());
}

}  // namespace
}  // namespace admit::kiosk::testing

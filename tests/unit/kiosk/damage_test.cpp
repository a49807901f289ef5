// A damaged replica: the kiosk says so and offers a re-sync, which moves the file aside (never
// deleting it: it may hold check-ins not uploaded yet), starts a fresh replica and waits for the
// event code again.

#include <array>
#include <fstream>
#include <iterator>

#include "admit/kiosk/kiosk_database.hpp"
#include "admit/kiosk/kiosk_settings.hpp"
#include "admit/kiosk/strings.hpp"
#include "admit/kiosk/verdict_json.hpp"
#include "admit/replica/replica_error.hpp"
#include "admit/store/events.hpp"
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

// Flips one byte in the middle of the first page (past its readable header): the page no
// longer authenticates, so opening the replica reports damage.
void damageFirstPage(const fs::path& replica) {
    std::array<unsigned char, 18> head{};
    {
        std::ifstream in(replica, std::ios::binary);
        in.read(reinterpret_cast<char*>(head.data()), head.size());
    }
    std::size_t pageSize = static_cast<std::size_t>(head[16] << 8 | head[17]);
    if (pageSize == 1) pageSize = 65536;
    std::fstream f(replica, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(pageSize / 2));
    char byte = 0;
    f.read(&byte, 1);
    byte = static_cast<char>(byte ^ 0x5a);
    f.seekp(static_cast<std::streamoff>(pageSize / 2));
    f.write(&byte, 1);
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
    EXPECT_TRUE(describesDamage(core_->state().damage->message));
    EXPECT_FALSE(core_->state().damage->olderFormat);
    EXPECT_NE(core_->state().damage->message.find(demo_.replica.filename().string()),
              std::string::npos);
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
    fake->roundError = sync::SyncError{sync::SyncError::Kind::kLocal,
                                       "upload",
                                       replica::damagedError(demo_.replica.string()).message,
                                       {}};
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
    fake->roundError = sync::SyncError{sync::SyncError::Kind::kLocal,
                                       "upload",
                                       replica::damagedError(demo_.replica.string()).message,
                                       {}};
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

TEST(DescribesDamage, RecognisesTheReplicaSentenceOnly) {
    EXPECT_TRUE(describesDamage("could not record the check-in: " +
                                replica::damagedError("/x/kiosk.replica-wal").message));
    EXPECT_FALSE(describesDamage("database is locked"));
}

TEST(DescribesOlderFormat, RecognisesTheReplicaSentenceOnly) {
    EXPECT_TRUE(describesOlderFormat(replica::olderFormatError("/x/kiosk.replica").message));
    EXPECT_FALSE(describesOlderFormat(replica::damagedError("/x/kiosk.replica").message));
    EXPECT_FALSE(describesDamage(replica::olderFormatError("/x/kiosk.replica").message));
}

}  // namespace
}  // namespace admit::kiosk::testing

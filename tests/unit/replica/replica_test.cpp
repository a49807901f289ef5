// openReplica / checkReplica / rekeyReplica and the errors users see.

#include "admit/replica/replica.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>

#include <string>

#include "admit/store/schema.hpp"
#include "corrupt_table.hpp"
#include "kiosk_replica.hpp"
#include "test_support.hpp"

namespace admit::replica {
namespace {

using testing::containsText;
using testing::flipByte;
using testing::readAll;
using testing::TempDir;

constexpr std::size_t kPage = 4096;

void fill(SQLite::Database& db, int rows) {
    db.exec("CREATE TABLE IF NOT EXISTS attendee(id INTEGER PRIMARY KEY, name TEXT, email TEXT)");
    SQLite::Transaction transaction(db);
    SQLite::Statement insert(db, "INSERT INTO attendee(name, email) VALUES(?, ?)");
    for (int i = 0; i < rows; ++i) {
        insert.bind(1, "Attendee Number " + std::to_string(i));
        insert.bind(2, "attendee" + std::to_string(i) + "@example.org");
        insert.exec();
        insert.reset();
    }
    transaction.commit();
}

void createReplica(const std::filesystem::path& path, const ReplicaKey& key, int rows) {
    auto db = openReplica(path, key, OpenMode::kCreate);
    ASSERT_TRUE(db.ok()) << db.error().message;
    fill(*db, rows);
}

TEST(OpenReplica, WrongKeyIsReportedAsKeyMismatch) {
    TempDir dir;
    const auto path = dir / "r.db";
    createReplica(path, ReplicaKey::generate(), 100);
    auto db = openReplica(path, ReplicaKey::generate(), OpenMode::kReadWrite);
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.error().kind, ReplicaErrorKind::KeyMismatch);
    EXPECT_EQ(db.error().message, "the replica key does not match: " + path.string());
}

TEST(OpenReplica, MissingReplicaIsNotFoundUnlessCreating) {
    TempDir dir;
    const ReplicaKey key = ReplicaKey::generate();
    for (OpenMode mode : {OpenMode::kReadWrite, OpenMode::kReadOnly}) {
        auto db = openReplica(dir / "absent.db", key, mode);
        ASSERT_FALSE(db.ok());
        EXPECT_EQ(db.error().kind, ReplicaErrorKind::NotFound);
        EXPECT_NE(db.error().message.find("absent.db"), std::string::npos);
    }
    EXPECT_FALSE(std::filesystem::exists(dir / "absent.db"));
    EXPECT_TRUE(openReplica(dir / "absent.db", key, OpenMode::kCreate).ok());
}

TEST(OpenReplica, CreateOpensAnExistingReplica) {
    TempDir dir;
    const ReplicaKey key = ReplicaKey::generate();
    createReplica(dir / "r.db", key, 10);
    auto db = openReplica(dir / "r.db", key, OpenMode::kCreate);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM attendee").getInt(), 10);
}

TEST(OpenReplica, ReadOnlyRefusesWrites) {
    TempDir dir;
    const ReplicaKey key = ReplicaKey::generate();
    createReplica(dir / "r.db", key, 10);
    auto db = openReplica(dir / "r.db", key, OpenMode::kReadOnly);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM attendee").getInt(), 10);
    EXPECT_THROW(db->exec("DELETE FROM attendee"), SQLite::Exception);
}

TEST(OpenReplica, PlainSqliteDatabaseIsNotAReplica) {
    TempDir dir;
    const auto path = dir / "plain.db";
    {
        SQLite::Database plain(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        plain.exec("CREATE TABLE t(x)");
    }
    auto db = openReplica(path, ReplicaKey::generate(), OpenMode::kReadWrite);
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.error().kind, ReplicaErrorKind::NotAReplica);
    EXPECT_NE(db.error().message.find(path.string()), std::string::npos);
}

TEST(OpenReplica, ReplicaInAnOlderFormatSaysSoInsteadOfDamaged) {
    TempDir dir;
    const auto path = dir / "r.db";
    const ReplicaKey key = ReplicaKey::generate();
    {
        auto db = openReplica(path, key, OpenMode::kCreate);
        ASSERT_TRUE(db.ok()) << db.error().message;
        db->exec("CREATE TABLE t(x)");
    }
    auto bytes = testing::readAll(path);
    bytes[20] = 40;  // format 1 reserved 40 bytes per page
    testing::writeAll(path, bytes);
    auto db = openReplica(path, key, OpenMode::kReadWrite);
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.error().kind, ReplicaErrorKind::OlderFormat);
    EXPECT_EQ(db.error().message, path.string() +
                                      " is an encrypted replica in an older format that this "
                                      "version cannot read: sync or export it again");
}

TEST(OpenReplica, DamagedPageSurfacesAsDamagedErrorMidQuery) {
    TempDir dir;
    const auto path = dir / "r.db";
    const ReplicaKey key = ReplicaKey::generate();
    createReplica(path, key, 2000);
    ASSERT_GT(std::filesystem::file_size(path), 10 * kPage);
    flipByte(path, 6 * kPage + 1000);  // a table page, read by a full scan
    auto db = openReplica(path, key, OpenMode::kReadWrite);
    ASSERT_TRUE(db.ok()) << db.error().message;  // page 1 and the schema are intact
    try {
        SQLite::Statement all(*db, "SELECT name, email FROM attendee");
        while (all.executeStep()) {
        }
        ADD_FAILURE() << "read a damaged page without an error";
    } catch (const SQLite::Exception& e) {
        EXPECT_EQ(e.getExtendedErrorCode(), kReplicaDamagedCode);
        EXPECT_EQ(describeReplicaFailure(e),
                  "replica is damaged or was tampered with: " + path.string());
        auto failure = replicaFailure(e);
        ASSERT_TRUE(failure.has_value());
        EXPECT_EQ(failure->kind, ReplicaErrorKind::Damaged);
        EXPECT_EQ(failure->file, path.string());
    }
}

TEST(OpenReplica, OrdinarySqlErrorsAreNotMistakenForDamage) {
    TempDir dir;
    const ReplicaKey key = ReplicaKey::generate();
    createReplica(dir / "r.db", key, 1);
    auto db = openReplica(dir / "r.db", key, OpenMode::kReadWrite);
    ASSERT_TRUE(db.ok());
    try {
        db->exec("SELECT * FROM no_such_table");
        ADD_FAILURE();
    } catch (const SQLite::Exception& e) {
        EXPECT_FALSE(replicaFailure(e).has_value());
        EXPECT_NE(describeReplicaFailure(e).find("no_such_table"), std::string::npos);
    }
}

// Every page authenticates, yet SQLite finds them inconsistent (as after an older image of a
// page was put back): the replica is damaged all the same, on open and mid-query.
TEST(OpenReplica, CorruptReplicaIsDamagedMidQuery) {
    TempDir dir;
    const auto path = dir / "r.db";
    const ReplicaKey key = ReplicaKey::generate();
    {
        auto db = openReplica(path, key, OpenMode::kCreate);
        ASSERT_TRUE(db.ok()) << db.error().message;
        fill(*db, 10);
        db->exec("CREATE INDEX attendee_email ON attendee(email)");
        admit::testing::corruptTable(*db, "attendee");
    }
    auto db = openReplica(path, key, OpenMode::kReadWrite);
    ASSERT_TRUE(db.ok()) << db.error().message;  // the schema itself is readable
    try {
        db->exec("SELECT count(*) FROM attendee WHERE id > 0");
        ADD_FAILURE() << "read a corrupt table without an error";
    } catch (const SQLite::Exception& e) {
        EXPECT_EQ(e.getErrorCode(), SQLITE_CORRUPT) << e.what();
        auto failure = replicaFailure(e, *db);
        ASSERT_TRUE(failure.has_value());
        EXPECT_EQ(failure->kind, ReplicaErrorKind::Damaged);
        EXPECT_EQ(failure->file, path.string());
        EXPECT_EQ(describeReplicaFailure(e, *db), damagedError(path.string()).message);
        // Without knowing the database was a replica, corruption is only SQLite's message.
        EXPECT_FALSE(replicaFailure(e).has_value());
        EXPECT_EQ(describeReplicaFailure(e), e.what());
    }
}

TEST(ReplicaFailure, CorruptPlainDatabaseIsNotReplicaDamage) {
    TempDir dir;
    SQLite::Database db((dir / "plain.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    fill(db, 10);
    db.exec("CREATE INDEX attendee_email ON attendee(email)");
    admit::testing::corruptTable(db, "attendee");
    SQLite::Database again((dir / "plain.db").string(), SQLite::OPEN_READWRITE);
    try {
        again.exec("SELECT count(*) FROM attendee WHERE id > 0");
        ADD_FAILURE() << "read a corrupt table without an error";
    } catch (const SQLite::Exception& e) {
        EXPECT_EQ(e.getErrorCode(), SQLITE_CORRUPT) << e.what();
        EXPECT_FALSE(replicaFailure(e, again).has_value());
        EXPECT_EQ(describeReplicaFailure(e, again), e.what());
    }
}

// SQLITE_NOTADB from a file whose key check passed: the replica is damaged, not "not a replica".
TEST(ReplicaFailure, NotADatabaseFromAReplicaIsDamage) {
    const SQLite::Exception notADatabase("file is not a database", SQLITE_NOTADB);
    auto failure = replicaFailure(notADatabase, "/srv/kiosk.replica");
    ASSERT_TRUE(failure.has_value());
    EXPECT_EQ(failure->kind, ReplicaErrorKind::Damaged);
    EXPECT_EQ(failure->message, damagedError("/srv/kiosk.replica").message);
    const SQLite::Exception locked("database is locked", SQLITE_BUSY);
    EXPECT_FALSE(replicaFailure(locked, "/srv/kiosk.replica").has_value());
}

TEST(CheckReplica, HealthyReplicaIsOk) {
    TempDir dir;
    const ReplicaKey key = ReplicaKey::generate();
    createReplica(dir / "r.db", key, 3000);
    auto report = checkReplica(dir / "r.db", key);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_TRUE(report->ok);
    EXPECT_TRUE(report->problems.empty());
    EXPECT_EQ(report->pagesAuthenticated, std::filesystem::file_size(dir / "r.db") / kPage);
}

TEST(CheckReplica, FindsDamageInAFreePage) {
    TempDir dir;
    const auto path = dir / "r.db";
    const ReplicaKey key = ReplicaKey::generate();
    {
        auto db = openReplica(path, key, OpenMode::kCreate);
        ASSERT_TRUE(db.ok());
        db->exec("PRAGMA auto_vacuum=NONE");
        fill(*db, 3000);
        db->exec("DELETE FROM attendee WHERE id > 100");  // leaves free pages behind
        EXPECT_GT(db->execAndGet("PRAGMA freelist_count").getInt(), 5);
    }
    const auto pages = std::filesystem::file_size(path) / kPage;
    flipByte(path, (pages - 2) * kPage + 77);
    auto report = checkReplica(path, key);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_FALSE(report->ok);
    ASSERT_FALSE(report->problems.empty());
    EXPECT_NE(
        report->problems.front().find("replica is damaged or was tampered with: " + path.string()),
        std::string::npos)
        << report->problems.front();
}

// Every page authenticates, yet they do not fit together: an older image of a page was put
// back (a rollback the encryption cannot detect, docs/replica.md), or a bug wrote the wrong
// page. SQLite calls it "database disk image is malformed"; check reports it, not an error.
TEST(CheckReplica, AuthenticPagesThatDoNotFitTogetherAreAReportNotAnError) {
    TempDir dir;
    const auto path = dir / "r.db";
    const ReplicaKey key = ReplicaKey::generate();
    createReplica(path, key, 3000);
    int root = 0;
    {
        auto db = openReplica(path, key, OpenMode::kReadOnly);
        ASSERT_TRUE(db.ok());
        root =
            db->execAndGet("SELECT rootpage FROM sqlite_schema WHERE name = 'attendee'").getInt();
    }
    const auto before = readAll(path);
    {
        auto db = openReplica(path, key, OpenMode::kReadWrite);
        ASSERT_TRUE(db.ok());
        db->exec("DELETE FROM attendee WHERE id > 10");  // the root's children are freed
    }
    auto after = readAll(path);
    const auto offset = static_cast<std::size_t>(root - 1) * kPage;
    std::copy_n(before.begin() + static_cast<std::ptrdiff_t>(offset), kPage,
                after.begin() + static_cast<std::ptrdiff_t>(offset));
    testing::writeAll(path, after);
    auto report = checkReplica(path, key);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_FALSE(report->ok);
    ASSERT_FALSE(report->problems.empty());
}

TEST(CheckReplica, WrongKeyIsAnError) {
    TempDir dir;
    createReplica(dir / "r.db", ReplicaKey::generate(), 10);
    auto report = checkReplica(dir / "r.db", ReplicaKey::generate());
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.error().kind, ReplicaErrorKind::KeyMismatch);
}

TEST(CheckReplica, MissingReplicaIsAnError) {
    TempDir dir;
    auto report = checkReplica(dir / "absent.db", ReplicaKey::generate());
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.error().kind, ReplicaErrorKind::NotFound);
    EXPECT_EQ(report.error().message, "replica not found: " + (dir / "absent.db").string());
}

// A kiosk's replica with check-ins in its outbox, closed (every page in the database file).
class CheckDamagedKioskReplica : public ::testing::Test {
  protected:
    static constexpr int kCheckIns = 400;

    void SetUp() override {
        auto db = admit::testing::createKioskReplica(path(), key_);
        admit::testing::addAttendees(db, 1, 600);
        admit::testing::addCheckIns(db, 1, kCheckIns);
        outboxLeaves_ = admit::testing::pagesOfType(db, "outbox", "leaf");
        attendeeLeaves_ = admit::testing::pagesOfType(db, "attendees", "leaf");
        ASSERT_GT(outboxLeaves_.size(), 5u);
    }

    std::filesystem::path path() const { return dir_ / "kiosk.db"; }
    void flipInPage(std::uint32_t pgno, std::size_t within) {
        flipByte(path(), admit::testing::pageOffset(pgno) + within, 0x10);
    }
    IntegrityReport check() {
        auto report = checkReplica(path(), key_, store::migrate);
        EXPECT_TRUE(report.ok()) << report.error().message;
        return report.ok() ? std::move(report).value() : IntegrityReport{};
    }

    TempDir dir_;
    ReplicaKey key_ = ReplicaKey::generate();
    std::vector<admit::testing::PageInfo> outboxLeaves_;
    std::vector<admit::testing::PageInfo> attendeeLeaves_;
};

// SQLite cannot open it (the schema's root failed): still a report, not one sentence.
TEST_F(CheckDamagedKioskReplica, DamagedPage1IsReportedWithWhatIsStillReadable) {
    flipInPage(1, 1000);
    const IntegrityReport report = check();
    EXPECT_FALSE(report.ok);
    ASSERT_GE(report.problems.size(), 2u);
    EXPECT_EQ(report.problems[0], "replica is damaged or was tampered with: " + path().string());
    EXPECT_EQ(report.problems[1],
              "page 1 of " + path().string() + " failed authentication (sqlite_schema)");
    ASSERT_EQ(report.damage.pages.size(), 1u);
    EXPECT_EQ(report.damage.pages[0].page, 1u);
    EXPECT_EQ(report.damage.pages[0].file, path().string());
    const TableDamage* outbox = report.damage.table("outbox");
    ASSERT_NE(outbox, nullptr);
    EXPECT_EQ(outbox->rowsReadable, static_cast<std::uint64_t>(kCheckIns));
    EXPECT_TRUE(outbox->complete);
    EXPECT_EQ(report.damage.table("attendees")->rowsReadable, 600u);
}

TEST_F(CheckDamagedKioskReplica, NamesEachFailingPageWithItsTableAndCountsReadableRows) {
    const auto outboxLeaf = outboxLeaves_[2];
    const auto attendeeLeaf = attendeeLeaves_[4];
    flipInPage(outboxLeaf.pgno, 3000);
    flipInPage(attendeeLeaf.pgno, 200);
    const IntegrityReport report = check();
    EXPECT_FALSE(report.ok);
    ASSERT_EQ(report.damage.pages.size(), 2u);
    for (const DamagedPage& page : report.damage.pages) {
        EXPECT_EQ(page.file, path().string());
        EXPECT_EQ(page.walFrame, 0u);
        EXPECT_EQ(page.owner, page.page == outboxLeaf.pgno ? "outbox" : "attendees");
    }
    const TableDamage* outbox = report.damage.table("outbox");
    EXPECT_EQ(outbox->rowsReadable, static_cast<std::uint64_t>(kCheckIns - outboxLeaf.cells));
    EXPECT_FALSE(outbox->complete);
    EXPECT_EQ(outbox->damagedPages, std::vector<std::uint32_t>{outboxLeaf.pgno});
    EXPECT_EQ(report.damage.table("attendees")->rowsReadable,
              static_cast<std::uint64_t>(600 - attendeeLeaf.cells));
    EXPECT_TRUE(report.damage.table("checkins")->complete);
}

TEST_F(CheckDamagedKioskReplica, NamesAFailingWalFrameAndItsPage) {
    {
        auto db = openReplica(path(), key_, OpenMode::kReadWrite);
        ASSERT_TRUE(db.ok()) << db.error().message;
        admit::testing::keepWalOnClose(*db);
        admit::testing::addCheckIns(*db, 401, 60);
        admit::testing::addCheckIns(*db, 461, 60);
    }
    const auto frames = admit::testing::walFramePages(path().string() + "-wal");
    ASSERT_GT(frames.size(), 4u);
    flipByte(path().string() + "-wal", admit::testing::frameBodyOffset(3) + 700, 0x02);
    const IntegrityReport report = check();
    EXPECT_FALSE(report.ok);
    bool named = false;
    for (const DamagedPage& page : report.damage.pages) {
        if (page.walFrame != 3) continue;
        named = true;
        EXPECT_EQ(page.page, frames[2]);
        EXPECT_EQ(page.file, path().string() + "-wal");
    }
    EXPECT_TRUE(named);
    // The outbox's entries from the second transaction are read from the WAL.
    EXPECT_EQ(report.damage.table("outbox")->maxRowid, kCheckIns + 120);
}

// A wrong key fails the key check and every page; damage to the key check and page 1 alone
// leaves the other pages authentic, so it is damage, never "wrong key".
TEST_F(CheckDamagedKioskReplica, KeyCheckAndPage1DamagedTogetherAreDamageNotAWrongKey) {
    flipInPage(1, 10);  // the key check (bytes 8..15)
    flipInPage(1, 500);
    auto report = checkReplica(path(), key_);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_FALSE(report->ok);
    EXPECT_EQ(report->damage.table("outbox")->rowsReadable, static_cast<std::uint64_t>(kCheckIns));
    auto wrong = checkReplica(path(), ReplicaKey::generate());
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().kind, ReplicaErrorKind::KeyMismatch);
}

TEST_F(CheckDamagedKioskReplica, NeverWritesAReplicaSqliteCannotOpen) {
    flipInPage(1, 1000);
    const auto before = readAll(path());
    check();
    EXPECT_EQ(readAll(path()), before);
}

TEST(RekeyReplica, NewKeyOpensOldKeyNoLonger) {
    TempDir dir;
    const auto path = dir / "r.db";
    const ReplicaKey oldKey = ReplicaKey::generate();
    const ReplicaKey newKey = ReplicaKey::generate();
    createReplica(path, oldKey, 2500);
    const auto before = readAll(path);
    auto rekeyed = rekeyReplica(path, oldKey, newKey);
    ASSERT_TRUE(rekeyed.ok()) << rekeyed.error().message;
    auto stale = openReplica(path, oldKey, OpenMode::kReadOnly);
    ASSERT_FALSE(stale.ok());
    EXPECT_EQ(stale.error().kind, ReplicaErrorKind::KeyMismatch);
    auto db = openReplica(path, newKey, OpenMode::kReadWrite);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM attendee").getInt(), 2500);
    EXPECT_EQ(db->execAndGet("SELECT email FROM attendee WHERE id=1234").getString(),
              "attendee1233@example.org");
    EXPECT_EQ(db->execAndGet("PRAGMA integrity_check").getString(), "ok");
    fill(*db, 1);  // still writable
    const auto after = readAll(path);
    EXPECT_FALSE(containsText(after, "attendee1233@example.org"));
    EXPECT_NE(before, after);
    // Nothing left behind next to the replica.
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        EXPECT_EQ(entry.path().filename().string().find("rekey"), std::string::npos)
            << entry.path();
    }
}

TEST(RekeyReplica, WrongOldKeyChangesNothing) {
    TempDir dir;
    const auto path = dir / "r.db";
    const ReplicaKey key = ReplicaKey::generate();
    createReplica(path, key, 50);
    const auto before = readAll(path);
    auto rekeyed = rekeyReplica(path, ReplicaKey::generate(), ReplicaKey::generate());
    ASSERT_FALSE(rekeyed.ok());
    EXPECT_EQ(rekeyed.error().kind, ReplicaErrorKind::KeyMismatch);
    EXPECT_EQ(readAll(path), before);
    EXPECT_TRUE(openReplica(path, key, OpenMode::kReadOnly).ok());
}

// A rekey renames a new file over the replica: a program that kept the old one open would go
// on writing into a file nobody reads. So it is refused while another process has the replica
// open, naming that process, and the replica is left as it was.
TEST(RekeyReplica, RefusedWhileAnotherProcessHasTheReplicaOpen) {
    TempDir dir;
    const auto path = dir / "r.db";
    const ReplicaKey key = ReplicaKey::generate();
    createReplica(path, key, 50);
    // A commit before the refused rekey and one after: both must land in the replica.
    testing::OtherProcessHolding other(
        path, key, [](SQLite::Database& db) { fill(db, 1); },
        [](SQLite::Database& db) { fill(db, 1); });
    ASSERT_TRUE(other.ready());
    const auto before = readAll(path);
    auto rekeyed = rekeyReplica(path, key, ReplicaKey::generate());
    ASSERT_FALSE(rekeyed.ok());
    EXPECT_EQ(rekeyed.error().kind, ReplicaErrorKind::InUse);
    EXPECT_NE(rekeyed.error().message.find("pid " + std::to_string(other.pid())), std::string::npos)
        << rekeyed.error().message;
    EXPECT_EQ(readAll(path), before);
    ASSERT_TRUE(other.release());
    // Once nobody else has it open, the rekey goes ahead, with both of the other's commits.
    const ReplicaKey newKey = ReplicaKey::generate();
    auto again = rekeyReplica(path, key, newKey);
    ASSERT_TRUE(again.ok()) << again.error().message;
    auto db = openReplica(path, newKey, OpenMode::kReadOnly);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM attendee").getInt(), 52);
}

TEST(RekeyReplica, RefusedWhileThisProcessHasTheReplicaOpen) {
    TempDir dir;
    const auto path = dir / "r.db";
    const ReplicaKey key = ReplicaKey::generate();
    createReplica(path, key, 50);
    auto open = openReplica(path, key, OpenMode::kReadWrite);
    ASSERT_TRUE(open.ok()) << open.error().message;
    open->exec("SELECT count(*) FROM attendee");
    auto rekeyed = rekeyReplica(path, key, ReplicaKey::generate());
    ASSERT_FALSE(rekeyed.ok());
    EXPECT_EQ(rekeyed.error().kind, ReplicaErrorKind::InUse);
    fill(*open, 1);
    EXPECT_EQ(open->execAndGet("SELECT count(*) FROM attendee").getInt(), 51);
}

}  // namespace
}  // namespace admit::replica

// The encrypting VFS: transparent to SQL, nothing readable on disk, WAL behaviour.

#include <sqlite3.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "admit/replica/replica.hpp"
#include "test_support.hpp"

namespace admit::replica {
namespace {

using testing::containsText;
using testing::readAll;
using testing::TempDir;

struct Attendee {
    const char* name;
    const char* email;
    const char* ticket;
};

const std::vector<Attendee> kAttendees = {
    {"Zebulon Quarrington", "zebulon.quarrington@example.org", "TICKET-VIP-7f3a9c-FRONTROW"},
    {"Philippa Wexford-Hale", "pwexford.hale@example.net", "TICKET-GA-19d2e4-BALCONY"},
    {"Oluwaseun Brightwater", "o.brightwater@example.com", "TICKET-CREW-55b0aa-BACKSTAGE"},
};

void createSchema(SQLite::Database& db) {
    db.exec("CREATE TABLE attendee(id INTEGER PRIMARY KEY, name TEXT, email TEXT, ticket TEXT)");
    db.exec("CREATE INDEX attendee_email ON attendee(email)");
}

void insertAttendees(SQLite::Database& db, int copies) {
    SQLite::Transaction transaction(db);
    SQLite::Statement insert(db, "INSERT INTO attendee(name, email, ticket) VALUES(?, ?, ?)");
    for (int i = 0; i < copies; ++i) {
        for (const Attendee& a : kAttendees) {
            insert.bind(1, a.name);
            insert.bind(2, a.email);
            insert.bind(3, a.ticket);
            insert.exec();
            insert.reset();
        }
    }
    transaction.commit();
}

// Keeps the WAL on disk when the connection closes, as after a crash.
void keepWalOnClose(SQLite::Database& db) {
    ASSERT_EQ(sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr),
              SQLITE_OK);
    db.exec("PRAGMA wal_autocheckpoint=0");
}

void expectNoPlaintext(const std::filesystem::path& file) {
    SCOPED_TRACE(file.string());
    const std::vector<std::uint8_t> bytes = readAll(file);
    ASSERT_FALSE(bytes.empty());
    EXPECT_FALSE(containsText(bytes, std::string("SQLite format 3")));
    for (const Attendee& a : kAttendees) {
        EXPECT_FALSE(containsText(bytes, a.name)) << a.name;
        EXPECT_FALSE(containsText(bytes, a.email)) << a.email;
        EXPECT_FALSE(containsText(bytes, a.ticket)) << a.ticket;
    }
    EXPECT_FALSE(containsText(bytes, "attendee_email"));  // nor the schema
}

TEST(EncryptedVfs, ReadsBackWhatWasWritten) {
    TempDir dir;
    const ReplicaKey key = ReplicaKey::generate();
    {
        auto db = openReplica(dir / "r.db", key, OpenMode::kCreate);
        ASSERT_TRUE(db.ok()) << db.error().message;
        createSchema(*db);
        insertAttendees(*db, 100);
    }
    auto db = openReplica(dir / "r.db", key, OpenMode::kReadWrite);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM attendee").getInt(), 300);
    EXPECT_EQ(db->execAndGet("SELECT name FROM attendee WHERE email='pwexford.hale@example.net' "
                             "LIMIT 1")
                  .getString(),
              "Philippa Wexford-Hale");
    EXPECT_EQ(db->execAndGet("PRAGMA journal_mode").getString(), "wal");
    EXPECT_EQ(db->execAndGet("PRAGMA synchronous").getInt(), 2);  // FULL
    EXPECT_EQ(db->execAndGet("PRAGMA temp_store").getInt(), 2);   // MEMORY
}

TEST(EncryptedVfs, NoPlaintextInDatabaseOrWalOrJournal) {
    TempDir dir;
    const auto path = dir / "r.db";
    const ReplicaKey key = ReplicaKey::generate();
    {
        auto db = openReplica(path, key, OpenMode::kCreate);
        ASSERT_TRUE(db.ok()) << db.error().message;
        keepWalOnClose(*db);
        createSchema(*db);
        insertAttendees(*db, 50);
        db->exec("UPDATE attendee SET ticket = ticket WHERE id % 7 = 0");
        EXPECT_FALSE(std::filesystem::exists(path.string() + "-journal"));
        // While the connection is open and after it closes (WAL kept, as after a crash).
        expectNoPlaintext(path);
        expectNoPlaintext(path.string() + "-wal");
    }
    expectNoPlaintext(path);
    expectNoPlaintext(path.string() + "-wal");
    EXPECT_FALSE(std::filesystem::exists(path.string() + "-journal"));
    {
        auto db = openReplica(path, key, OpenMode::kReadWrite);
        ASSERT_TRUE(db.ok()) << db.error().message;
        db->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    expectNoPlaintext(path);
}

TEST(EncryptedVfs, PlainSqliteAndTheShellCannotReadIt) {
    TempDir dir;
    const auto path = dir / "r.db";
    const ReplicaKey key = ReplicaKey::generate();
    {
        auto db = openReplica(path, key, OpenMode::kCreate);
        ASSERT_TRUE(db.ok()) << db.error().message;
        createSchema(*db);
        insertAttendees(*db, 10);
    }
    SQLite::Database plain(path.string(), SQLite::OPEN_READONLY);
    try {
        plain.execAndGet("SELECT count(*) FROM sqlite_schema");
        ADD_FAILURE() << "plain SQLite read the replica";
    } catch (const SQLite::Exception& e) {
        EXPECT_EQ(e.getErrorCode(), SQLITE_NOTADB) << e.what();
    }
    const std::string command =
        "sqlite3 -readonly '" + path.string() + "' 'SELECT name FROM attendee' 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string output;
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
    const int status = ::pclose(pipe);
    EXPECT_NE(status, 0);
    EXPECT_NE(output.find("not a database"), std::string::npos) << output;
    EXPECT_EQ(output.find("Zebulon"), std::string::npos);
}

TEST(EncryptedVfs, RollbackJournalModesAreRefused) {
    TempDir dir;
    const auto path = dir / "r.db";
    const ReplicaKey key = ReplicaKey::generate();
    auto db = openReplica(path, key, OpenMode::kCreate);
    ASSERT_TRUE(db.ok()) << db.error().message;
    createSchema(*db);
    // Leaving WAL for a rollback journal needs a journal file, which the VFS refuses.
    EXPECT_THROW(
        {
            db->exec("PRAGMA journal_mode=DELETE");
            insertAttendees(*db, 1);
        },
        SQLite::Exception);
    EXPECT_FALSE(std::filesystem::exists(path.string() + "-journal"));
}

TEST(EncryptedVfs, TemporaryFilesAreRefusedNotWrittenInPlaintext) {
    TempDir dir;
    const ReplicaKey key = ReplicaKey::generate();
    auto db = openReplica(dir / "r.db", key, OpenMode::kCreate);
    ASSERT_TRUE(db.ok()) << db.error().message;
    // A temporary database on disk would hold plaintext: once it outgrows its cache it needs a
    // file, which the VFS refuses.
    db->exec("PRAGMA temp_store=FILE");
    EXPECT_THROW(
        db->exec("PRAGMA temp.cache_size=2; CREATE TEMP TABLE big(x);"
                 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<2000)"
                 "INSERT INTO big SELECT printf('secret-%0500d', i) FROM n"),
        SQLite::Exception);
    db->exec("PRAGMA temp_store=MEMORY");
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        EXPECT_EQ(entry.path().filename().string().rfind("r.db", 0), 0u) << entry.path();
    }
    db->exec("CREATE TEMP TABLE scratch(x); INSERT INTO scratch VALUES('secret')");
    EXPECT_EQ(db->execAndGet("SELECT x FROM scratch").getString(), "secret");
}

TEST(EncryptedVfs, MemoryMappingStaysOff) {
    TempDir dir;
    const ReplicaKey key = ReplicaKey::generate();
    auto db = openReplica(dir / "r.db", key, OpenMode::kCreate);
    ASSERT_TRUE(db.ok()) << db.error().message;
    createSchema(*db);
    db->exec("PRAGMA mmap_size=268435456");
    insertAttendees(*db, 20);
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM attendee").getInt(), 60);
    EXPECT_EQ(db->execAndGet("PRAGMA mmap_size").getInt64(), 0);
}

TEST(EncryptedVfs, CheckpointMovesPagesIntoTheDatabase) {
    TempDir dir;
    const auto path = dir / "r.db";
    const ReplicaKey key = ReplicaKey::generate();
    auto db = openReplica(path, key, OpenMode::kCreate);
    ASSERT_TRUE(db.ok()) << db.error().message;
    db->exec("PRAGMA wal_autocheckpoint=0");
    createSchema(*db);
    insertAttendees(*db, 200);
    EXPECT_GT(std::filesystem::file_size(path.string() + "-wal"), 0u);
    db->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    EXPECT_EQ(std::filesystem::file_size(path.string() + "-wal"), 0u);
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM attendee").getInt(), 600);
    // A second connection reads the checkpointed pages straight from the database file.
    auto other = openReplica(path, key, OpenMode::kReadOnly);
    ASSERT_TRUE(other.ok()) << other.error().message;
    EXPECT_EQ(other->execAndGet("SELECT count(*) FROM attendee").getInt(), 600);
    insertAttendees(*db, 1);
    EXPECT_EQ(other->execAndGet("SELECT count(*) FROM attendee").getInt(), 603);
}

// A WAL body is a valid image of its page in the database: a checkpoint writes it as it is
// stored (no second encryption), and the database still reads back and checks out.
TEST(EncryptedVfs, CheckpointWritesEachPageAsItIsStoredInTheWal) {
    TempDir dir;
    const auto path = dir / "r.db";
    const ReplicaKey key = ReplicaKey::generate();
    auto db = openReplica(path, key, OpenMode::kCreate);
    ASSERT_TRUE(db.ok()) << db.error().message;
    db->exec("PRAGMA wal_autocheckpoint=0");
    createSchema(*db);
    for (int i = 0; i < 10; ++i) insertAttendees(*db, 20);
    constexpr std::size_t kPage = 4096;
    constexpr std::size_t kFrame = kPage + 24;
    const auto wal = readAll(path.string() + "-wal");
    std::map<std::uint32_t, std::vector<std::uint8_t>> newest;  // page number -> stored body
    for (std::size_t at = 32; at + kFrame <= wal.size(); at += kFrame) {
        const std::uint32_t pgno = (std::uint32_t{wal[at]} << 24) |
                                   (std::uint32_t{wal[at + 1]} << 16) |
                                   (std::uint32_t{wal[at + 2]} << 8) | wal[at + 3];
        newest[pgno].assign(wal.begin() + static_cast<std::ptrdiff_t>(at + 24),
                            wal.begin() + static_cast<std::ptrdiff_t>(at + kFrame));
    }
    ASSERT_GT(newest.size(), 3u);
    db->exec("PRAGMA wal_checkpoint(PASSIVE)");
    const auto file = readAll(path);
    for (const auto& [pgno, body] : newest) {
        SCOPED_TRACE("page " + std::to_string(pgno));
        const std::size_t at = (pgno - 1) * kPage;
        ASSERT_LE(at + kPage, file.size());
        EXPECT_TRUE(
            std::equal(body.begin(), body.end(), file.begin() + static_cast<std::ptrdiff_t>(at)));
    }
    db->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    auto other = openReplica(path, key, OpenMode::kReadOnly);
    ASSERT_TRUE(other.ok()) << other.error().message;
    EXPECT_EQ(other->execAndGet("SELECT count(*) FROM attendee").getInt(), 600);
    EXPECT_EQ(other->execAndGet("PRAGMA integrity_check").getString(), "ok");
    auto report = checkReplica(path, key);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_TRUE(report->ok);
}

TEST(EncryptedVfs, VacuumKeepsDataAndEncryption) {
    TempDir dir;
    const auto path = dir / "r.db";
    const ReplicaKey key = ReplicaKey::generate();
    {
        auto db = openReplica(path, key, OpenMode::kCreate);
        ASSERT_TRUE(db.ok()) << db.error().message;
        createSchema(*db);
        insertAttendees(*db, 500);
        db->exec("DELETE FROM attendee WHERE id > 30");
        db->exec("PRAGMA wal_checkpoint(TRUNCATE)");
        const auto before = std::filesystem::file_size(path);
        db->exec("VACUUM");
        db->exec("PRAGMA wal_checkpoint(TRUNCATE)");
        EXPECT_LT(std::filesystem::file_size(path), before);
        EXPECT_EQ(db->execAndGet("SELECT count(*) FROM attendee").getInt(), 30);
        EXPECT_EQ(db->execAndGet("PRAGMA integrity_check").getString(), "ok");
    }
    expectNoPlaintext(path);
    auto db = openReplica(path, key, OpenMode::kReadOnly);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM attendee").getInt(), 30);
}

TEST(EncryptedVfs, ReopensWithAnExistingWal) {
    TempDir dir;
    const auto path = dir / "r.db";
    const ReplicaKey key = ReplicaKey::generate();
    {
        auto db = openReplica(path, key, OpenMode::kCreate);
        ASSERT_TRUE(db.ok()) << db.error().message;
        keepWalOnClose(*db);
        createSchema(*db);
        for (int i = 0; i < 20; ++i) insertAttendees(*db, 5);  // 20 transactions in the WAL
    }
    ASSERT_GT(std::filesystem::file_size(path.string() + "-wal"), 0u);
    auto db = openReplica(path, key, OpenMode::kReadWrite);  // recovers the log
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM attendee").getInt(), 300);
    EXPECT_EQ(db->execAndGet("PRAGMA integrity_check").getString(), "ok");
    insertAttendees(*db, 1);
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM attendee").getInt(), 303);
}

TEST(EncryptedVfs, LargeTransactionThatSpillsAndRewritesFrames) {
    TempDir dir;
    const ReplicaKey key = ReplicaKey::generate();
    auto db = openReplica(dir / "r.db", key, OpenMode::kCreate);
    ASSERT_TRUE(db.ok()) << db.error().message;
    db->exec("PRAGMA cache_size=10");  // spill to the WAL mid-transaction, then rewrite frames
    createSchema(*db);
    insertAttendees(*db, 400);
    db->exec("BEGIN");
    db->exec("UPDATE attendee SET ticket = ticket || '-'");
    db->exec("UPDATE attendee SET ticket = ticket || 'x'");
    db->exec("COMMIT");
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM attendee WHERE ticket LIKE '%-x'").getInt(),
              1200);
    EXPECT_EQ(db->execAndGet("PRAGMA integrity_check").getString(), "ok");
}

}  // namespace
}  // namespace admit::replica

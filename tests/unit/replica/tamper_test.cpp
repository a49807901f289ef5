// Tampering: a flipped byte in any page of the database or in any WAL frame is detected and
// reported as damage naming the file, never as wrong data and never as a wrong key.

#include <sqlite3.h>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

#include "admit/replica/replica.hpp"
#include "test_support.hpp"

namespace admit::replica {
namespace {

using testing::copyFile;
using testing::flipByte;
using testing::readAll;
using testing::TempDir;
using testing::writeAll;

constexpr std::size_t kPage = 4096;
constexpr std::size_t kWalHeader = 32;
constexpr std::size_t kFrame = kPage + 24;

void addRows(SQLite::Database& db, int first, int count) {
    SQLite::Transaction transaction(db);
    SQLite::Statement insert(db, "INSERT INTO attendee(id, name, email) VALUES(?, ?, ?)");
    for (int i = first; i < first + count; ++i) {
        insert.bind(1, i);
        insert.bind(2, "Attendee Number " + std::to_string(i));
        insert.bind(3, "attendee" + std::to_string(i) + "@example.org");
        insert.exec();
        insert.reset();
    }
    transaction.commit();
}

// Reads everything back; returns the damage message, or "" if all reads succeeded.
std::string readEverything(const std::filesystem::path& path, const ReplicaKey& key, int rows) {
    auto db = openReplica(path, key, OpenMode::kReadWrite);
    if (!db.ok()) {
        EXPECT_EQ(db.error().kind, ReplicaErrorKind::Damaged) << db.error().message;
        return db.error().message;
    }
    try {
        SQLite::Statement all(*db, "SELECT id, name, email FROM attendee ORDER BY id");
        int expected = 0;
        while (all.executeStep()) {
            // Never wrong data: every row read is exactly what was written.
            EXPECT_EQ(all.getColumn(0).getInt(), expected);
            EXPECT_EQ(all.getColumn(1).getString(), "Attendee Number " + std::to_string(expected));
            ++expected;
        }
        if (expected != rows) return "missing rows: " + std::to_string(expected);
        const std::string check = db->execAndGet("PRAGMA integrity_check").getString();
        if (check != "ok") return "integrity_check: " + check;
    } catch (const SQLite::Exception& e) {
        EXPECT_EQ(e.getExtendedErrorCode(), kReplicaDamagedCode) << e.what();
        return describeReplicaFailure(e);
    }
    return "";
}

// A replica of `rows` attendees (indexed by email), closed: every page is in the database file.
void writeReplica(const std::filesystem::path& path, const ReplicaKey& key, int rows) {
    auto db = openReplica(path, key, OpenMode::kCreate);
    ASSERT_TRUE(db.ok()) << db.error().message;
    db->exec("CREATE TABLE attendee(id INTEGER PRIMARY KEY, name TEXT, email TEXT)");
    db->exec("CREATE INDEX attendee_email ON attendee(email)");
    addRows(*db, 0, rows);
}

TEST(Tamper, FlippedByteInEveryDatabasePageIsDetected) {
    TempDir dir;
    const auto original = dir / "original.db";
    const ReplicaKey key = ReplicaKey::generate();
    ASSERT_NO_FATAL_FAILURE(writeReplica(original, key, 1500));
    const std::size_t pages = std::filesystem::file_size(original) / kPage;
    ASSERT_GE(pages, 20u);
    std::mt19937 rng(20240601);
    const auto copy = dir / "copy.db";
    const std::string expected = "replica is damaged or was tampered with: " + copy.string();
    // Every page at a random offset, plus page 1's readable header, nonce and tag.
    std::vector<std::size_t> offsets;
    for (std::size_t page = 0; page < pages; ++page) {
        offsets.push_back(page * kPage +
                          std::uniform_int_distribution<std::size_t>(0, kPage - 1)(rng));
    }
    // Reserve: nonce 4044..4067, tag 4068..4083, stored frame fields 4084..4095.
    for (std::size_t special : {0u, 7u, 8u, 15u, 16u, 18u, 20u, 23u, 24u, 99u, 4044u, 4060u, 4083u,
                                4084u, 4090u, 4095u}) {
        offsets.push_back(special);
    }
    for (std::size_t offset : offsets) {
        SCOPED_TRACE("offset " + std::to_string(offset));
        copyFile(original, copy);
        flipByte(copy, offset, 0x20);
        auto report = checkReplica(copy, key);
        if (report.ok()) {
            EXPECT_FALSE(report->ok);
            ASSERT_FALSE(report->problems.empty());
            EXPECT_NE(report->problems.front().find(expected), std::string::npos)
                << report->problems.front();
        } else {
            EXPECT_EQ(report.error().kind, ReplicaErrorKind::Damaged) << report.error().message;
            EXPECT_EQ(report.error().message, expected);
        }
    }
}

TEST(Tamper, DatabasePagesSwappedAreDetected) {
    TempDir dir;
    const auto original = dir / "original.db";
    const ReplicaKey key = ReplicaKey::generate();
    ASSERT_NO_FATAL_FAILURE(writeReplica(original, key, 500));
    const auto copy = dir / "copy.db";
    copyFile(original, copy);
    auto bytes = readAll(copy);
    ASSERT_GE(bytes.size(), 4 * kPage);
    // Pages 3 and 4: two authentic images, each at the other's page number.
    std::swap_ranges(bytes.begin() + 2 * kPage, bytes.begin() + 3 * kPage,
                     bytes.begin() + 3 * kPage);
    writeAll(copy, bytes);
    auto report = checkReplica(copy, key);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_FALSE(report->ok);
    ASSERT_FALSE(report->problems.empty());
    EXPECT_NE(
        report->problems.front().find("replica is damaged or was tampered with: " + copy.string()),
        std::string::npos)
        << report->problems.front();
}

class WalTamper : public ::testing::Test {
  protected:
    void SetUp() override {
        auto db = openReplica(original(), key_, OpenMode::kCreate);
        ASSERT_TRUE(db.ok()) << db.error().message;
        db->exec("CREATE TABLE attendee(id INTEGER PRIMARY KEY, name TEXT, email TEXT)");
        // Keep every frame in the WAL, as a device stolen while running (or after a crash).
        ASSERT_EQ(sqlite3_db_config(db->getHandle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr),
                  SQLITE_OK);
        db->exec("PRAGMA wal_autocheckpoint=0");
        for (int t = 0; t < kTransactions; ++t) addRows(*db, t * kRowsPer, kRowsPer);
    }

    std::filesystem::path original() const { return dir_ / "original.db"; }

    std::size_t frameCount() const {
        const auto size = std::filesystem::file_size(original().string() + "-wal");
        return (size - kWalHeader) / kFrame;
    }

    // Copies database and WAL, flips one WAL byte, and returns what reading everything says.
    std::string tamperAndRead(std::size_t walOffset) {
        const auto copy = dir_ / "copy.db";
        std::filesystem::remove(copy.string() + "-shm");
        copyFile(original(), copy);
        copyFile(original().string() + "-wal", copy.string() + "-wal");
        flipByte(copy.string() + "-wal", walOffset, 0x04);
        return readEverything(copy, key_, kTransactions * kRowsPer);
    }

    // Copies database and WAL, zeroes bytes [from, to) of the last frame (as a kill between the
    // VFS's writes of a frame leaves it), and returns what reading everything but the last
    // transaction says.
    std::string zeroLastFrameAndRead(std::size_t from, std::size_t to) {
        const auto copy = dir_ / "copy.db";
        std::filesystem::remove(copy.string() + "-shm");
        copyFile(original(), copy);
        const auto wal = copy.string() + "-wal";
        copyFile(original().string() + "-wal", wal);
        auto bytes = readAll(wal);
        const std::size_t lastFrame = kWalHeader + (frameCount() - 1) * kFrame;
        std::fill(bytes.begin() + static_cast<std::ptrdiff_t>(lastFrame + from),
                  bytes.begin() + static_cast<std::ptrdiff_t>(lastFrame + to), 0);
        writeAll(wal, bytes);
        return readEverything(copy, key_, (kTransactions - 1) * kRowsPer);
    }

    static constexpr int kTransactions = 12;
    static constexpr int kRowsPer = 40;
    TempDir dir_;
    ReplicaKey key_ = ReplicaKey::generate();
};

// A frame body from an earlier generation of the log, put in place of a frame of the current
// one for the same page: it carries the old generation's salts and is refused.
TEST_F(WalTamper, BodyFromAnEarlierLogGenerationIsDetected) {
    const auto wal = original().string() + "-wal";
    const auto earlier = readAll(wal);
    const std::size_t earlierFrames = frameCount();
    constexpr int kMore = 3;
    {
        auto db = openReplica(original(), key_, OpenMode::kReadWrite);
        ASSERT_TRUE(db.ok()) << db.error().message;
        ASSERT_EQ(sqlite3_db_config(db->getHandle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr),
                  SQLITE_OK);
        db->exec("PRAGMA wal_autocheckpoint=0");
        db->exec("PRAGMA wal_checkpoint(TRUNCATE)");  // the next write starts a new generation
        for (int t = 0; t < kMore; ++t) addRows(*db, (kTransactions + t) * kRowsPer, kRowsPer);
    }
    const auto current = readAll(wal);
    const std::size_t currentFrames = (current.size() - kWalHeader) / kFrame;
    const auto pageOf = [](const std::vector<std::uint8_t>& bytes, std::size_t frame) {
        const std::size_t at = kWalHeader + frame * kFrame;
        return std::vector<std::uint8_t>(bytes.begin() + static_cast<std::ptrdiff_t>(at),
                                         bytes.begin() + static_cast<std::ptrdiff_t>(at + 4));
    };
    const auto copy = dir_ / "copy.db";
    const std::string expected =
        "replica is damaged or was tampered with: " + copy.string() + "-wal";
    int spliced = 0;
    for (std::size_t frame = 0; frame < currentFrames; ++frame) {
        for (std::size_t old = 0; old < earlierFrames; ++old) {
            if (pageOf(earlier, old) != pageOf(current, frame)) continue;
            SCOPED_TRACE("frame " + std::to_string(frame + 1) + " <- earlier frame " +
                         std::to_string(old + 1));
            auto bytes = current;
            const auto from =
                earlier.begin() + static_cast<std::ptrdiff_t>(kWalHeader + old * kFrame + 24);
            std::copy(
                from, from + static_cast<std::ptrdiff_t>(kPage),
                bytes.begin() + static_cast<std::ptrdiff_t>(kWalHeader + frame * kFrame + 24));
            std::filesystem::remove(copy.string() + "-shm");
            copyFile(original(), copy);
            writeAll(copy.string() + "-wal", bytes);
            EXPECT_EQ(readEverything(copy, key_, (kTransactions + kMore) * kRowsPer), expected);
            ++spliced;
            break;
        }
    }
    EXPECT_GT(spliced, 0) << "no page appears in both generations";
}

TEST_F(WalTamper, UntouchedWalReadsBack) {
    ASSERT_GT(frameCount(), static_cast<std::size_t>(kTransactions));
    EXPECT_EQ(readEverything(original(), key_, kTransactions * kRowsPer), "");
}

TEST_F(WalTamper, FlippedByteInEveryFrameBodyIsDetected) {
    const std::string expected =
        "replica is damaged or was tampered with: " + (dir_ / "copy.db").string() + "-wal";
    std::mt19937 rng(7);
    for (std::size_t frame = 0; frame < frameCount(); ++frame) {
        const std::size_t body = kWalHeader + frame * kFrame + 24;
        const std::size_t offset =
            body + std::uniform_int_distribution<std::size_t>(0, kPage - 1)(rng);
        SCOPED_TRACE("frame " + std::to_string(frame + 1) + " offset " + std::to_string(offset));
        EXPECT_EQ(tamperAndRead(offset), expected);
    }
}

TEST_F(WalTamper, FlippedPageNumberCommitSizeOrSaltInEveryFrameIsDetected) {
    const std::string expected =
        "replica is damaged or was tampered with: " + (dir_ / "copy.db").string() + "-wal";
    for (std::size_t frame = 0; frame < frameCount(); ++frame) {
        const std::size_t header = kWalHeader + frame * kFrame;
        for (std::size_t field : {3u, 7u, 9u, 14u}) {  // page number, commit size, salt 1, 2
            SCOPED_TRACE("frame " + std::to_string(frame + 1) + " byte " + std::to_string(field));
            EXPECT_EQ(tamperAndRead(header + field), expected);
        }
    }
}

// The shapes a SIGKILL leaves while the VFS appends a frame (the frame under an all-zero
// placeholder header, then the real header), here over the last commit frame: recovery ends the
// log before that transaction, and nothing is reported as damage.
TEST_F(WalTamper, KillBeforeTheRealHeaderEndsTheLogBeforeThatTransaction) {
    EXPECT_EQ(zeroLastFrameAndRead(0, 24), "");
}

TEST_F(WalTamper, KillDuringTheFrameEndsTheLogBeforeThatTransaction) {
    EXPECT_EQ(zeroLastFrameAndRead(0, 24 + kPage / 2), "");
}

TEST_F(WalTamper, KillInsideThePlaceholderEndsTheLogBeforeThatTransaction) {
    // Only page number and commit size zeroed: the old salts and body of this generation stay.
    EXPECT_EQ(zeroLastFrameAndRead(0, 8), "");
}

TEST_F(WalTamper, KillInsideTheRealHeaderEndsTheLogBeforeThatTransaction) {
    EXPECT_EQ(zeroLastFrameAndRead(8, 24), "") << "salts and checksums still zero";
    EXPECT_EQ(zeroLastFrameAndRead(16, 24), "") << "checksums still zero";
}

}  // namespace
}  // namespace admit::replica

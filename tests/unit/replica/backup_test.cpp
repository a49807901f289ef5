// backupReplica: the copy holds exactly what was committed before it began, stays encrypted,
// is consistent while another process keeps committing, and refuses to overwrite or to copy a
// damaged replica.

#include "admit/replica/backup.hpp"

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "admit/replica/replica.hpp"
#include "kiosk_replica.hpp"
#include "test_support.hpp"

namespace admit::replica {
namespace {

using admit::testing::addAttendees;
using admit::testing::addCheckIns;
using admit::testing::createKioskReplica;
using admit::testing::pageOffset;
using admit::testing::tableContents;
using testing::containsText;
using testing::flipByte;
using testing::readAll;
using testing::TempDir;

class Backup : public ::testing::Test {
  protected:
    std::filesystem::path source() const { return dir_ / "organiser.db"; }
    std::filesystem::path copy() const { return dir_ / "backup.db"; }

    TempDir dir_;
    ReplicaKey key_ = ReplicaKey::generate();
};

TEST_F(Backup, CopyHoldsEveryRowAndChecksClean) {
    auto db = createKioskReplica(source(), key_);
    addAttendees(db, 1, 500);
    addCheckIns(db, 1, 300);
    const auto before = tableContents(db);

    auto made = backupReplica(source(), key_, copy());
    ASSERT_TRUE(made.ok()) << made.error().message;

    auto check = checkReplica(copy(), key_);
    ASSERT_TRUE(check.ok()) << check.error().message;
    EXPECT_TRUE(check->ok);
    auto restored = openReplica(copy(), key_, OpenMode::kReadOnly);
    ASSERT_TRUE(restored.ok()) << restored.error().message;
    EXPECT_EQ(tableContents(*restored), before);
    // Nothing is left beside the copy under a temporary name.
    for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
        EXPECT_EQ(entry.path().filename().string().find(".backup-"), std::string::npos)
            << entry.path();
    }
}

TEST_F(Backup, CopyIsEncryptedUnderTheSameKey) {
    {
        auto db = createKioskReplica(source(), key_);
        addAttendees(db, 1, 200);
    }
    auto plain = openReplica(source(), key_, OpenMode::kReadOnly);
    ASSERT_TRUE(plain.ok());
    const std::string someName =
        plain->execAndGet("SELECT name FROM attendees ORDER BY rowid LIMIT 1").getString();
    ASSERT_FALSE(someName.empty());

    ASSERT_TRUE(backupReplica(source(), key_, copy()).ok());
    EXPECT_FALSE(containsText(readAll(copy()), someName));
    EXPECT_FALSE(containsText(readAll(copy()), "SQLite format 3"));
    auto wrongKey = openReplica(copy(), ReplicaKey::generate(), OpenMode::kReadOnly);
    EXPECT_FALSE(wrongKey.ok());
}

TEST_F(Backup, RefusesToOverwriteAnExistingFile) {
    createKioskReplica(source(), key_);
    testing::writeAll(copy(), {1, 2, 3});
    auto made = backupReplica(source(), key_, copy());
    ASSERT_FALSE(made.ok());
    EXPECT_EQ(made.error().kind, ReplicaErrorKind::AlreadyExists);
    EXPECT_EQ(readAll(copy()), (std::vector<std::uint8_t>{1, 2, 3}));
}

TEST_F(Backup, DamagedSourceIsReportedAndNoCopyIsLeft) {
    {
        auto db = createKioskReplica(source(), key_);
        addAttendees(db, 1, 2000);
    }  // closing checkpoints every page into the database file
    flipByte(source(), pageOffset(5) + 1500, 0x10);
    auto made = backupReplica(source(), key_, copy());
    ASSERT_FALSE(made.ok());
    EXPECT_EQ(made.error().kind, ReplicaErrorKind::Damaged);
    EXPECT_FALSE(std::filesystem::exists(copy()));
}

TEST_F(Backup, WrongKeyIsAnErrorNotACopy) {
    createKioskReplica(source(), key_);
    auto made = backupReplica(source(), ReplicaKey::generate(), copy());
    ASSERT_FALSE(made.ok());
    EXPECT_EQ(made.error().kind, ReplicaErrorKind::KeyMismatch);
    EXPECT_FALSE(std::filesystem::exists(copy()));
}

// Another process commits one transaction after another, each adding a row to `ledger` and
// raising `total` by the same amount, and reports each commit on a pipe. Every copy taken
// meanwhile must be one snapshot (the sum of the ledger equals the total) and hold at least
// every commit reported before the copy began.
TEST_F(Backup, CopiesAreSnapshotsWhileAnotherProcessCommits) {
    {
        auto db = openReplica(source(), key_, OpenMode::kCreate);
        ASSERT_TRUE(db.ok());
        db->exec("CREATE TABLE ledger(n INTEGER PRIMARY KEY, amount INTEGER NOT NULL)");
        db->exec("CREATE TABLE total(v INTEGER NOT NULL)");
        db->exec("INSERT INTO total VALUES (0)");
    }
    int commits[2];
    ASSERT_EQ(::pipe(commits), 0);
    const pid_t writer = ::fork();
    ASSERT_GE(writer, 0);
    if (writer == 0) {
        ::close(commits[0]);
        auto db = openReplica(source(), key_, OpenMode::kReadWrite);
        if (!db.ok()) ::_exit(3);
        db->setBusyTimeout(5000);
        for (std::int64_t n = 1;; ++n) {
            db->exec("BEGIN IMMEDIATE");
            db->exec("INSERT INTO ledger VALUES (" + std::to_string(n) + ", " +
                     std::to_string(n % 7 + 1) + ")");
            db->exec("UPDATE total SET v = v + " + std::to_string(n % 7 + 1));
            db->exec("COMMIT");
            if (n % 50 == 0) db->exec("PRAGMA wal_checkpoint(PASSIVE)");
            if (::write(commits[1], &n, sizeof n) != sizeof n) ::_exit(0);
        }
    }
    ::close(commits[1]);
    std::int64_t committed = 0;
    auto readCommit = [&] {
        std::int64_t n = 0;
        if (::read(commits[0], &n, sizeof n) == sizeof n) committed = n;
    };
    for (int i = 0; i < 8; ++i) {
        for (int k = 0; k < 20; ++k) readCommit();
        const std::int64_t committedBefore = committed;
        const auto out = dir_ / ("backup-" + std::to_string(i) + ".db");
        auto made = backupReplica(source(), key_, out);
        ASSERT_TRUE(made.ok()) << made.error().message;
        auto copied = openReplica(out, key_, OpenMode::kReadOnly);
        ASSERT_TRUE(copied.ok()) << copied.error().message;
        const auto rows = copied->execAndGet("SELECT count(*) FROM ledger").getInt64();
        const auto sum = copied->execAndGet("SELECT ifnull(sum(amount), 0) FROM ledger").getInt64();
        EXPECT_EQ(sum, copied->execAndGet("SELECT v FROM total").getInt64()) << "copy " << i;
        EXPECT_GE(rows, committedBefore) << "copy " << i;
        EXPECT_EQ(copied->execAndGet("PRAGMA quick_check").getString(), "ok");
    }
    ::kill(writer, SIGKILL);
    int status = 0;
    ::waitpid(writer, &status, 0);
    ::close(commits[0]);
    EXPECT_EQ(committed, 8 * 20);  // the writer was not blocked by the copies
}

}  // namespace
}  // namespace admit::replica

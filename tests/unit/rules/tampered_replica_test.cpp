// A kiosk whose replica was tampered with gets a clear error from the engine, never a crash
// and never a verdict built on damaged data.

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "admit/replica/replica.hpp"
#include "admit/replica/replica_error.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/store/schema.hpp"
#include "corrupt_table.hpp"
#include "rules_fixture.hpp"

namespace admit::rules {
namespace {

using TamperedReplicaTest = admit::testing::RulesFixture;

TEST_F(TamperedReplicaTest, EveryDamagedPageIsReportedAsDamageNotAsAVerdict) {
    std::string ticket = ticketOf(ada);
    auto key = replica::ReplicaKey::generate();
    std::string clean = dir.file("clean.db");
    {
        auto created = replica::openReplica(clean, key, replica::OpenMode::kCreate);
        ASSERT_TRUE(created.ok()) << created.error().message;
        ASSERT_TRUE(store::migrate(*created).ok());
        ASSERT_TRUE(organiser::exportReplica(*db, eventId, *created).ok());
        created->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    auto size = std::filesystem::file_size(clean);
    std::ifstream header(clean, std::ios::binary);
    std::array<unsigned char, 18> start{};
    header.read(reinterpret_cast<char*>(start.data()), start.size());
    std::size_t pageSize = static_cast<std::size_t>(start[16] << 8 | start[17]);
    if (pageSize == 1) pageSize = 65536;
    ASSERT_GE(pageSize, 512u);
    std::size_t pages = size / pageSize;
    ASSERT_GT(pages, 3u);

    int damageReported = 0;
    for (std::size_t page = 1; page < pages; ++page) {
        std::string copy = dir.file("tampered.db");
        std::filesystem::copy_file(clean, copy, std::filesystem::copy_options::overwrite_existing);
        {
            std::fstream f(copy, std::ios::in | std::ios::out | std::ios::binary);
            f.seekp(static_cast<std::streamoff>(page * pageSize + pageSize / 2));
            char flipped = 0x5a;
            f.write(&flipped, 1);
        }
        auto opened = replica::openReplica(copy, key, replica::OpenMode::kReadWrite);
        if (!opened) {
            EXPECT_EQ(opened.error().kind, replica::ReplicaErrorKind::Damaged)
                << "page " << page << ": " << opened.error().message;
            ++damageReported;
            continue;
        }
        CheckInEngine kiosk(*opened);
        auto verdict = kiosk.scan(ticket, at());
        if (!verdict) {
            EXPECT_EQ(verdict.error().kind, CheckInError::Kind::kDamaged)
                << "page " << page << ": " << verdict.error().message;
            ++damageReported;
        } else {
            // The page held nothing this scan reads: the verdict must be the true one.
            EXPECT_TRUE(verdict->accepted) << "page " << page << ": " << verdict->detail;
        }
        std::filesystem::remove(copy + "-wal");
        std::filesystem::remove(copy + "-shm");
    }
    EXPECT_GT(damageReported, 0);
}

// Pages that all authenticate but that SQLite finds inconsistent are damage as well, to a scan
// and to an undo.
TEST_F(TamperedReplicaTest, CorruptReplicaIsReportedAsDamage) {
    std::string ticket = ticketOf(ada);
    auto key = replica::ReplicaKey::generate();
    std::string path = dir.file("corrupt.db");
    {
        auto created = replica::openReplica(path, key, replica::OpenMode::kCreate);
        ASSERT_TRUE(created.ok()) << created.error().message;
        ASSERT_TRUE(store::migrate(*created).ok());
        ASSERT_TRUE(organiser::exportReplica(*db, eventId, *created).ok());
        auto first = CheckInEngine(*created).scan(ticket, at());
        ASSERT_TRUE(first.ok() && first->accepted);
        admit::testing::corruptTable(*created, "checkins");
    }
    auto opened = replica::openReplica(path, key, replica::OpenMode::kReadWrite);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    CheckInEngine kiosk(*opened);
    auto verdict = kiosk.scan(ticket, at());
    ASSERT_FALSE(verdict.ok());
    EXPECT_EQ(verdict.error().kind, CheckInError::Kind::kDamaged);
    EXPECT_EQ(verdict.error().message,
              "could not record the check-in: " + replica::damagedError(path).message);
    auto undone = kiosk.undoLast(at());
    ASSERT_FALSE(undone.ok());
    EXPECT_EQ(undone.error().kind, CheckInError::Kind::kDamaged) << undone.error().message;
    EXPECT_EQ(undone.error().message,
              "could not undo the check-in: " + replica::damagedError(path).message);
}

}  // namespace
}  // namespace admit::rules

// PageSource: the pages of a replica as its database file and committed WAL frames hold them,
// read without SQLite. Which image of a page is in use, which failures are damage and which are
// a torn, uncommitted tail, and what is left when page 1's readable header is damaged.

#include "page_source.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "admit/replica/replica.hpp"
#include "kiosk_replica.hpp"
#include "test_support.hpp"

namespace admit::replica::detail {
namespace {

using admit::testing::frameBodyOffset;
using admit::testing::pageOffset;
using testing::flipByte;
using testing::readAll;
using testing::TempDir;
using testing::writeAll;

class PageSourceTest : public ::testing::Test {
  protected:
    // A kiosk replica whose last three transactions are still in the WAL.
    void SetUp() override {
        {
            auto db = admit::testing::createKioskReplica(path(), key_);
            admit::testing::addAttendees(db, 1, 500);
        }
        auto db = openReplica(path(), key_, OpenMode::kReadWrite);
        ASSERT_TRUE(db.ok()) << db.error().message;
        admit::testing::keepWalOnClose(*db);
        for (int batch = 0; batch < 3; ++batch)
            admit::testing::addCheckIns(*db, 1 + batch * 50, 50);
        pageCount_ = static_cast<std::uint32_t>(db->execAndGet("PRAGMA page_count").getInt());
    }

    std::filesystem::path path() const { return dir_ / "kiosk.db"; }
    std::string wal() const { return path().string() + "-wal"; }

    std::unique_ptr<PageSource> open(const ReplicaKey& key, bool readWal = true) {
        auto source = PageSource::open(
            path(), std::make_shared<const KeyMaterial>(key.secretBytes()), readWal);
        EXPECT_TRUE(source.ok()) << source.error().message;
        return source.ok() ? std::move(source).value() : nullptr;
    }

    TempDir dir_;
    ReplicaKey key_ = ReplicaKey::generate();
    std::uint32_t pageCount_ = 0;
};

TEST_F(PageSourceTest, EveryPageOfAnIntactReplicaAuthenticatesIncludingWalFrames) {
    auto source = open(key_);
    ASSERT_NE(source, nullptr);
    EXPECT_EQ(source->pageCount(), pageCount_);  // the size after the last commit in the WAL
    EXPECT_TRUE(source->failures().empty());
    EXPECT_TRUE(source->notes().empty());
    EXPECT_EQ(source->pageSize(), 4096u);
    std::vector<std::uint8_t> page;
    for (std::uint32_t pgno = 1; pgno <= source->pageCount(); ++pgno) {
        EXPECT_TRUE(source->read(pgno, page)) << pgno;
    }
    // Without the WAL the database file alone is smaller: the newest pages are in frames.
    auto databaseOnly = open(key_, false);
    EXPECT_LT(databaseOnly->pageCount(), pageCount_);
}

TEST_F(PageSourceTest, DamagedDatabasePageUnderANewerFrameIsSupersededNotInUse) {
    const auto frames = admit::testing::walFramePages(wal());
    const std::uint32_t pgno = *std::find_if(frames.begin(), frames.end(), [](std::uint32_t p) {
        return p > 1 && p <= 20;  // a page the database file holds too
    });
    flipByte(path(), pageOffset(pgno) + 100);
    auto source = open(key_);
    ASSERT_EQ(source->failures().size(), 1u);
    EXPECT_EQ(source->failures()[0].pgno, pgno);
    EXPECT_EQ(source->failures()[0].walFrame, 0u);
    EXPECT_TRUE(source->failures()[0].superseded);
    EXPECT_TRUE(source->authentic(pgno));
}

TEST_F(PageSourceTest, DamagedFrameBeforeALaterCommitIsAFailureOfThatFrame) {
    const auto frames = admit::testing::walFramePages(wal());
    flipByte(wal(), frameBodyOffset(2) + 50, 0x40);
    auto source = open(key_);
    const auto& failures = source->failures();
    ASSERT_FALSE(failures.empty());
    const bool named = std::any_of(failures.begin(), failures.end(), [&](const FailedImage& f) {
        return f.walFrame == 2 && f.pgno == frames[1];
    });
    EXPECT_TRUE(named);
    EXPECT_EQ(source->pageCount(), pageCount_);  // later transactions still count
}

TEST_F(PageSourceTest, TornLastFrameIsNoFailureAndEndsTheLogBeforeItsTransaction) {
    auto bytes = readAll(wal());
    const std::size_t frames = admit::testing::walFramePages(wal()).size();
    std::fill_n(bytes.begin() + static_cast<std::ptrdiff_t>(frameBodyOffset(frames) - 24), 24, 0);
    writeAll(wal(), bytes);
    auto source = open(key_);
    EXPECT_TRUE(source->failures().empty());
    EXPECT_TRUE(source->notes().empty());
}

TEST_F(PageSourceTest, DamagedWalHeaderIsANoteAndItsFramesAreNotRead) {
    flipByte(wal(), 17);  // a salt: the header checksum no longer matches
    auto source = open(key_);
    ASSERT_EQ(source->notes().size(), 1u);
    EXPECT_EQ(source->notes()[0], "the header of " + wal() +
                                      " is damaged: its frames (transactions not yet copied into "
                                      "the database) were not read");
    EXPECT_LT(source->pageCount(), pageCount_);
}

TEST_F(PageSourceTest, PageSizeIsFoundWhenPage1sReadableHeaderIsDamaged) {
    flipByte(path(), 16, 0x20);  // page size 4096 reads as 12288, not a page size
    std::filesystem::remove(wal());
    auto source = open(key_);
    EXPECT_EQ(source->pageSize(), 4096u);
    EXPECT_FALSE(source->authentic(1));
    EXPECT_TRUE(source->authentic(2));
    ASSERT_FALSE(source->notes().empty());
    EXPECT_EQ(source->notes()[0],
              "the readable header of page 1 (bytes 16..23) of " + path().string() + " is damaged");
}

TEST_F(PageSourceTest, WrongKeyIsAnErrorAndADamagedKeyCheckIsANote) {
    auto wrong = PageSource::open(
        path(), std::make_shared<const KeyMaterial>(ReplicaKey::generate().secretBytes()), true);
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().kind, ReplicaErrorKind::KeyMismatch);
    EXPECT_EQ(wrong.error().message, "the replica key does not match: " + path().string());
    flipByte(path(), 9);
    auto source = open(key_);
    ASSERT_NE(source, nullptr);
    EXPECT_TRUE(source->failures().empty());
    ASSERT_EQ(source->notes().size(), 1u);
    EXPECT_NE(source->notes()[0].find("key check of page 1 (bytes 8..15)"), std::string::npos);
}

}  // namespace
}  // namespace admit::replica::detail

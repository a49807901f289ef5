// salvageReplica: a kiosk's replica damaged on purpose (a flipped byte in a chosen page or WAL
// frame) still gives up every row of its intact pages, the outbox first, in a new replica that
// opens and checks clean; the damaged files are never written.

#include "admit/replica/salvage.hpp"

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <string>

#include "admit/replica/replica.hpp"
#include "admit/store/schema.hpp"
#include "kiosk_replica.hpp"
#include "test_support.hpp"

namespace admit::replica {
namespace {

using admit::testing::addAttendees;
using admit::testing::addCheckIns;
using admit::testing::createKioskReplica;
using admit::testing::frameBodyOffset;
using admit::testing::PageInfo;
using admit::testing::pageOffset;
using admit::testing::pagesOfType;
using admit::testing::tableContents;
using Contents = std::map<std::string, std::vector<std::string>>;
using testing::flipByte;
using testing::readAll;
using testing::TempDir;

SalvagePlan kioskPlan() { return {store::migrate, store::salvageOrder()}; }

Contents contentsOf(const std::filesystem::path& path, const ReplicaKey& key) {
    auto db = openReplica(path, key, OpenMode::kReadOnly);
    EXPECT_TRUE(db.ok()) << db.error().message;
    if (!db.ok()) return {};
    return tableContents(*db);
}

// `part` holds only rows of `whole`, and exactly `missing` fewer.
void expectSubsetMissing(const std::vector<std::string>& whole,
                         const std::vector<std::string>& part, std::size_t missing) {
    EXPECT_TRUE(std::includes(whole.begin(), whole.end(), part.begin(), part.end()));
    EXPECT_EQ(part.size() + missing, whole.size());
}

// type, name and SQL of every schema object, sorted.
std::vector<std::string> schemaOf(SQLite::Database& db) {
    std::vector<std::string> out;
    SQLite::Statement all(
        db, "SELECT type || ' ' || name || ' ' || ifnull(sql, '') FROM sqlite_schema");
    while (all.executeStep()) out.push_back(all.getColumn(0).getString());
    std::sort(out.begin(), out.end());
    return out;
}

const TableCopy* copyOf(const SalvageReport& report, const std::string& table) {
    for (const TableCopy& t : report.copied) {
        if (t.name == table) return &t;
    }
    return nullptr;
}

class Salvage : public ::testing::Test {
  protected:
    static constexpr int kAttendees = 3000;
    static constexpr int kCheckIns = 1200;

    void SetUp() override {
        auto db = createKioskReplica(damaged(), key_);
        addAttendees(db, 1, kAttendees);
        addCheckIns(db, 1, kCheckIns);
        original_ = tableContents(db);
        ASSERT_EQ(original_["outbox"].size(), static_cast<std::size_t>(kCheckIns));
        // Closing checkpoints: every page is in the database file, at these numbers.
        outboxLeaves_ = pagesOfType(db, "outbox", "leaf");
        outboxInterior_ = pagesOfType(db, "outbox", "internal");
        attendeeLeaves_ = pagesOfType(db, "attendees", "leaf");
        ASSERT_GT(outboxLeaves_.size(), 20u);
        ASSERT_FALSE(outboxInterior_.empty());
        ASSERT_GT(attendeeLeaves_.size(), 20u);
    }

    std::filesystem::path damaged() const { return dir_ / "kiosk.db"; }
    std::filesystem::path out() const { return dir_ / "salvaged.db"; }

    SalvageReport salvage() {
        auto report = salvageReplica(damaged(), key_, out(), outKey_, kioskPlan());
        EXPECT_TRUE(report.ok()) << report.error().message;
        if (!report.ok()) return {};
        // The new replica opens normally and checks clean.
        auto check = checkReplica(out(), outKey_);
        EXPECT_TRUE(check.ok() && check->ok);
        return std::move(report).value();
    }

    void flipInPage(std::uint32_t pgno, std::size_t within = 1500) {
        flipByte(damaged(), pageOffset(pgno) + within, 0x10);
    }

    TempDir dir_;
    ReplicaKey key_ = ReplicaKey::generate();
    ReplicaKey outKey_ = ReplicaKey::generate();
    Contents original_;
    std::vector<PageInfo> outboxLeaves_;
    std::vector<PageInfo> outboxInterior_;
    std::vector<PageInfo> attendeeLeaves_;
};

TEST_F(Salvage, UndamagedReplicaIsCopiedCompletelyOutboxFirst) {
    const SalvageReport report = salvage();
    EXPECT_EQ(contentsOf(out(), outKey_), original_);
    ASSERT_FALSE(report.copied.empty());
    EXPECT_EQ(report.copied.front().name, "outbox");
    EXPECT_EQ(report.copied.front().rowsCopied, static_cast<std::uint64_t>(kCheckIns));
    for (const TableCopy& t : report.copied) {
        EXPECT_EQ(t.rowsNotCopied, 0u) << t.name << ": " << t.error;
        EXPECT_EQ(t.rowsCopied, original_[t.name].size()) << t.name;
    }
    EXPECT_TRUE(report.damage.pages.empty());
    EXPECT_TRUE(report.damage.nothingLost());
    EXPECT_TRUE(report.columnsNotCopied.empty());
    // The same schema as store::migrate makes, triggers included, and the same device.
    auto salvaged = openReplica(out(), outKey_, OpenMode::kReadWrite);
    ASSERT_TRUE(salvaged.ok()) << salvaged.error().message;
    EXPECT_EQ(salvaged->execAndGet("PRAGMA user_version").getInt(), store::currentSchemaVersion());
    SQLite::Database fresh(":memory:", SQLite::OPEN_READWRITE);
    ASSERT_TRUE(store::migrate(fresh).ok());
    EXPECT_EQ(schemaOf(*salvaged), schemaOf(fresh));
    EXPECT_THROW(salvaged->exec("DELETE FROM outbox"), SQLite::Exception);  // trigger is back
}

TEST_F(Salvage, DamagedLeafOfAnotherTableLosesOnlyItsRows) {
    const PageInfo leaf = attendeeLeaves_[attendeeLeaves_.size() / 2];
    flipInPage(leaf.pgno);
    const SalvageReport report = salvage();
    Contents salvaged = contentsOf(out(), outKey_);
    expectSubsetMissing(original_["attendees"], salvaged["attendees"],
                        static_cast<std::size_t>(leaf.cells));
    for (const auto& [table, rows] : original_) {
        if (table != "attendees") {
            EXPECT_EQ(salvaged[table], rows) << table;
        }
    }
    const TableDamage* attendees = report.damage.table("attendees");
    ASSERT_NE(attendees, nullptr);
    EXPECT_FALSE(attendees->complete);
    EXPECT_EQ(attendees->damagedPages, std::vector<std::uint32_t>{leaf.pgno});
    EXPECT_TRUE(report.damage.table("outbox")->complete);
    ASSERT_EQ(report.damage.pages.size(), 1u);
    EXPECT_EQ(report.damage.pages[0].page, leaf.pgno);
    EXPECT_EQ(report.damage.pages[0].file, damaged().string());
    EXPECT_EQ(report.damage.pages[0].owner, "attendees");
    EXPECT_FALSE(report.damage.nothingLost());
}

TEST_F(Salvage, DamagedOutboxLeafLosesOnlyTheEntriesOnIt) {
    const PageInfo leaf = outboxLeaves_[3];
    flipInPage(leaf.pgno, 4000);
    const SalvageReport report = salvage();
    Contents salvaged = contentsOf(out(), outKey_);
    expectSubsetMissing(original_["outbox"], salvaged["outbox"],
                        static_cast<std::size_t>(leaf.cells));
    EXPECT_EQ(salvaged["checkins"], original_["checkins"]);
    EXPECT_EQ(salvaged["attendees"], original_["attendees"]);
    ASSERT_NE(copyOf(report, "outbox"), nullptr);
    EXPECT_EQ(report.copied.front().name, "outbox");
    EXPECT_EQ(copyOf(report, "outbox")->rowsCopied,
              static_cast<std::uint64_t>(kCheckIns - leaf.cells));
    const TableDamage* outbox = report.damage.table("outbox");
    EXPECT_FALSE(outbox->complete);
    EXPECT_EQ(outbox->rowsReadable, static_cast<std::uint64_t>(kCheckIns - leaf.cells));
    EXPECT_EQ(outbox->minRowid, 1);
    EXPECT_EQ(outbox->maxRowid, kCheckIns);
}

// An interior page lost: its leaves are found by the page scan and every row survives.
TEST_F(Salvage, DamagedInteriorPageLosesNoRow) {
    const PageInfo interior = outboxInterior_.front();  // the outbox's root
    flipInPage(interior.pgno, 100);
    const SalvageReport report = salvage();
    Contents salvaged = contentsOf(out(), outKey_);
    EXPECT_EQ(salvaged, original_);
    const TableDamage* outbox = report.damage.table("outbox");
    ASSERT_NE(outbox, nullptr);
    EXPECT_EQ(outbox->rowsReadable, static_cast<std::uint64_t>(kCheckIns));
    EXPECT_EQ(outbox->rowsFromOrphanPages, static_cast<std::uint64_t>(kCheckIns));
    EXPECT_FALSE(outbox->complete);  // nothing proves no leaf is missing
    EXPECT_EQ(copyOf(report, "outbox")->rowsFromOrphanPages, static_cast<std::uint64_t>(kCheckIns));
    EXPECT_EQ(report.damage.unattributedRows, 0u);
}

// Page 1 (the schema's root) damaged: SQLite cannot open the file, but the schema's leaves
// are recognised and every table is read.
TEST_F(Salvage, DamagedPage1LosesNoRow) {
    flipInPage(1, 2000);
    EXPECT_FALSE(openReplica(damaged(), key_, OpenMode::kReadOnly).ok());
    const SalvageReport report = salvage();
    EXPECT_EQ(contentsOf(out(), outKey_), original_);
    EXPECT_FALSE(report.damage.schemaComplete);
    EXPECT_TRUE(report.damage.table("outbox")->complete);
}

// Every leaf of the schema damaged: no table's root page is known, and the tables are
// recognised by the columns of their rows (store::migrate's definitions).
TEST_F(Salvage, TablesWhoseSchemaEntriesAreLostAreRecognisedByTheirColumns) {
    std::vector<PageInfo> schemaLeaves;
    {
        auto db = openReplica(damaged(), key_, OpenMode::kReadOnly);
        ASSERT_TRUE(db.ok());
        schemaLeaves = pagesOfType(*db, "sqlite_schema", "leaf");
    }
    ASSERT_GE(schemaLeaves.size(), 2u);
    for (const PageInfo& leaf : schemaLeaves) flipInPage(leaf.pgno, 3000);
    const SalvageReport report = salvage();
    Contents salvaged = contentsOf(out(), outKey_);
    for (const char* table : {"outbox", "checkins", "attendees", "audit_log", "meta"}) {
        EXPECT_EQ(salvaged[table], original_[table]) << table;
    }
    EXPECT_FALSE(report.damage.schemaComplete);
    EXPECT_EQ(report.copied.front().name, "outbox");
    EXPECT_EQ(report.copied.front().rowsCopied, static_cast<std::uint64_t>(kCheckIns));
}

// Whatever is damaged, a salvaged row is a row of the same table in the replica before the
// damage: rows are lost, never made up or put into another table.
TEST_F(Salvage, RandomDamageNeverYieldsARowThatWasNotThere) {
    const auto intact = readAll(damaged());
    const std::size_t pages = intact.size() / admit::testing::kKioskPageSize;
    std::mt19937 rng(4711);
    for (int round = 0; round < 12; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        testing::writeAll(damaged(), intact);
        const int flips = 1 + static_cast<int>(rng() % 4);
        for (int i = 0; i < flips; ++i) {
            flipByte(damaged(),
                     (rng() % pages) * admit::testing::kKioskPageSize + 24 + rng() % 4000,
                     static_cast<std::uint8_t>(1u << (rng() % 8)));
        }
        const auto target = dir_ / ("round-" + std::to_string(round) + ".db");
        auto report = salvageReplica(damaged(), key_, target, outKey_, kioskPlan());
        ASSERT_TRUE(report.ok()) << report.error().message;
        auto check = checkReplica(target, outKey_);
        EXPECT_TRUE(check.ok() && check->ok);
        Contents salvaged = contentsOf(target, outKey_);
        for (const TableCopy& copy : report->copied) {
            if (copy.newSchemaRowsKept != 0) continue;  // a new device id, say
            const auto& rows = salvaged[copy.name];
            const auto& before = original_[copy.name];
            EXPECT_TRUE(std::includes(before.begin(), before.end(), rows.begin(), rows.end()))
                << copy.name;
        }
    }
}

TEST_F(Salvage, NeverWritesTheDamagedFileAndRefusesAnExistingOutput) {
    flipInPage(outboxLeaves_[1].pgno);
    const auto before = readAll(damaged());
    salvage();
    EXPECT_EQ(readAll(damaged()), before);
    EXPECT_FALSE(std::filesystem::exists(damaged().string() + "-wal"));
    const auto salvaged = readAll(out());
    auto again = salvageReplica(damaged(), key_, out(), outKey_, kioskPlan());
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().kind, ReplicaErrorKind::AlreadyExists);
    EXPECT_EQ(again.error().message, "refusing to overwrite " + out().string());
    EXPECT_EQ(readAll(out()), salvaged);
    // Nothing left behind under a temporary name.
    for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
        EXPECT_EQ(entry.path().filename().string().find("salvage-"), std::string::npos)
            << entry.path();
    }
}

// Salvage reads pages without SQLite's locks; a process that has the replica open could
// checkpoint under it. So it is refused while one does, naming it.
TEST_F(Salvage, RefusedWhileAnotherProcessHasTheReplicaOpen) {
    std::optional<testing::OtherProcessHolding> other(std::in_place, damaged(), key_);
    ASSERT_TRUE(other->ready());
    auto refused = salvageReplica(damaged(), key_, out(), outKey_, kioskPlan());
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, ReplicaErrorKind::InUse);
    EXPECT_NE(refused.error().message.find("pid " + std::to_string(other->pid())),
              std::string::npos)
        << refused.error().message;
    EXPECT_FALSE(std::filesystem::exists(out()));
    // Once it is closed, the salvage goes ahead.
    EXPECT_TRUE(other->release());
    other.reset();
    EXPECT_TRUE(salvageReplica(damaged(), key_, out(), outKey_, kioskPlan()).ok());
}

TEST_F(Salvage, WrongKeyIsAnErrorAndWritesNothing) {
    auto report = salvageReplica(damaged(), ReplicaKey::generate(), out(), outKey_, kioskPlan());
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.error().kind, ReplicaErrorKind::KeyMismatch);
    EXPECT_FALSE(std::filesystem::exists(out()));
}

// The newest check-ins are still in the WAL (a kiosk switched off mid-event); one committed
// frame holding an outbox page is damaged.
class SalvageWithWal : public Salvage {
  protected:
    void SetUp() override {
        Salvage::SetUp();
        {
            auto db = openReplica(damaged(), key_, OpenMode::kReadWrite);
            ASSERT_TRUE(db.ok()) << db.error().message;
            admit::testing::keepWalOnClose(*db);
            for (int batch = 0; batch < 4; ++batch) {
                addCheckIns(*db, kAttendees - 400 + batch * 100 + 1, 100);
            }
            original_ = tableContents(*db);
            walLeaves_ = pagesOfType(*db, "outbox", "leaf");
        }
        frames_ = admit::testing::walFramePages(damaged().string() + "-wal");
        ASSERT_GT(frames_.size(), 20u);
    }

    // The last frame holding `pgno` (the image in use), 1-based; 0 if none.
    std::size_t newestFrameOf(std::uint32_t pgno) const {
        for (std::size_t i = frames_.size(); i > 0; --i) {
            if (frames_[i - 1] == pgno) return i;
        }
        return 0;
    }

    std::vector<PageInfo> walLeaves_;
    std::vector<std::uint32_t> frames_;
};

TEST_F(SalvageWithWal, CommittedFramesAreReadAndADamagedOneCostsOnlyItsPage) {
    // An outbox leaf written in the WAL that is not the last one (the newest entries live on).
    const PageInfo leaf = walLeaves_[walLeaves_.size() - 3];
    const std::size_t frame = newestFrameOf(leaf.pgno);
    ASSERT_NE(frame, 0u);
    flipByte(damaged().string() + "-wal", frameBodyOffset(frame) + 2000, 0x08);
    const SalvageReport report = salvage();
    Contents salvaged = contentsOf(out(), outKey_);
    expectSubsetMissing(original_["outbox"], salvaged["outbox"],
                        static_cast<std::size_t>(leaf.cells));
    EXPECT_EQ(salvaged["checkins"], original_["checkins"]);
    const TableDamage* outbox = report.damage.table("outbox");
    EXPECT_EQ(outbox->maxRowid, kCheckIns + 400);  // the newest entries, from the WAL
    bool named = false;
    for (const DamagedPage& page : report.damage.pages) {
        if (page.walFrame == frame && !page.superseded) {
            named = true;
            EXPECT_EQ(page.page, leaf.pgno);
            EXPECT_EQ(page.file, damaged().string() + "-wal");
            EXPECT_EQ(page.owner, "outbox");
        }
    }
    EXPECT_TRUE(named);
}

// A kiosk killed while writing its last commit frame leaves a torn frame: that transaction was
// never committed, so it is not there and nothing is reported damaged (as SQLite would see it).
TEST_F(SalvageWithWal, TornLastTransactionIsNoDamage) {
    const auto wal = damaged().string() + "-wal";
    auto bytes = readAll(wal);
    const std::size_t lastFrame = frames_.size();
    std::fill_n(bytes.begin() + static_cast<std::ptrdiff_t>(frameBodyOffset(lastFrame) - 24), 24,
                0);  // the placeholder header the VFS writes before the real one
    testing::writeAll(wal, bytes);
    const SalvageReport report = salvage();
    EXPECT_TRUE(report.damage.pages.empty());
    EXPECT_TRUE(report.damage.nothingLost());
    std::vector<std::string> committed;
    for (const std::string& row : original_["outbox"]) {
        if (std::stoi(row.substr(0, row.find('|'))) <= kCheckIns + 300) committed.push_back(row);
    }
    EXPECT_EQ(contentsOf(out(), outKey_)["outbox"], committed);
}

TEST_F(SalvageWithWal, UndamagedWalIsCopiedCompletely) {
    const auto walBefore = readAll(damaged().string() + "-wal");
    salvage();
    EXPECT_EQ(contentsOf(out(), outKey_), original_);
    EXPECT_EQ(readAll(damaged().string() + "-wal"), walBefore);
}

}  // namespace
}  // namespace admit::replica

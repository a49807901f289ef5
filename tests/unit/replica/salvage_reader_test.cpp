// SalvageReader: which table the rows on orphan pages (under a damaged page) belong to. They go
// to the one table whose damaged part they fit, by rowid range and by column types; rows that
// could belong to two tables are counted and reported, never copied into either.

#include "salvage_reader.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>

#include <string>

#include "admit/replica/replica.hpp"
#include "kiosk_replica.hpp"
#include "test_support.hpp"

namespace admit::replica::detail {
namespace {

using admit::testing::PageInfo;
using admit::testing::pageOffset;
using admit::testing::pagesOfType;
using testing::flipByte;
using testing::TempDir;

constexpr int kRows = 2000;
constexpr std::int64_t kOtherRowids = 1'000'000;

// Tables `a` and `b` of the same shape, `c` of another; rows large enough for three levels.
void fill(SQLite::Database& db) {
    db.exec("CREATE TABLE a(id INTEGER PRIMARY KEY, note TEXT NOT NULL) STRICT");
    db.exec("CREATE TABLE b(id INTEGER PRIMARY KEY, note TEXT NOT NULL) STRICT");
    db.exec("CREATE TABLE c(id INTEGER PRIMARY KEY, amount INTEGER NOT NULL) STRICT");
    SQLite::Transaction transaction(db);
    SQLite::Statement a(db, "INSERT INTO a VALUES (?, ?)");
    SQLite::Statement b(db, "INSERT INTO b VALUES (?, ?)");
    SQLite::Statement c(db, "INSERT INTO c VALUES (?, ?)");
    for (int i = 1; i <= kRows; ++i) {
        const std::string note(1200, static_cast<char>('a' + i % 26));
        a.bind(1, i);
        a.bind(2, note);
        a.exec();
        a.reset();
        b.bind(1, kOtherRowids + i);
        b.bind(2, note);
        b.exec();
        b.reset();
        c.bind(1, i);
        c.bind(2, i * 3);
        c.exec();
        c.reset();
    }
    transaction.commit();
}

class SalvageReaderTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto db = openReplica(path(), key_, OpenMode::kCreate);
        ASSERT_TRUE(db.ok()) << db.error().message;
        fill(*db);
        for (const char* table : {"a", "b", "c"}) {
            interior_[table] = pagesOfType(*db, table, "internal");
            ASSERT_FALSE(interior_[table].empty()) << table;
        }
        ASSERT_GE(interior_["a"].size(), 3u) << "three levels: a root and interior children";
    }

    std::filesystem::path path() const { return dir_ / "r.db"; }
    std::uint32_t root(const char* table) { return interior_[table].front().pgno; }
    void damage(std::uint32_t pgno) { flipByte(path(), pageOffset(pgno) + 300, 0x04); }

    // Rows read per table, and the reader's report.
    std::map<std::string, std::uint64_t> read(DamageReport& report) {
        auto source =
            PageSource::open(path(), std::make_shared<const KeyMaterial>(key_.secretBytes()), true);
        EXPECT_TRUE(source.ok()) << source.error().message;
        SalvageReader reader(**source, {});
        reader.analyse();
        std::map<std::string, std::uint64_t> rows;
        for (std::size_t i = 0; i < reader.tables().size(); ++i) {
            const std::string& name = reader.tables()[i].name;
            reader.forEachRow(i, [&](const SalvagedRow& row) {
                rows[name] += 1;
                // Never a row of another table.
                if (name == "a") {
                    EXPECT_LT(row.rowid, kOtherRowids);
                } else if (name == "b") {
                    EXPECT_GT(row.rowid, kOtherRowids);
                }
            });
        }
        report = reader.report();
        return rows;
    }

    TempDir dir_;
    ReplicaKey key_ = ReplicaKey::generate();
    std::map<std::string, std::vector<PageInfo>> interior_;
};

TEST_F(SalvageReaderTest, OrphansGoToTheOnlyTableWithADamagedPage) {
    damage(root("a"));
    DamageReport report;
    auto rows = read(report);
    EXPECT_EQ(rows["a"], static_cast<std::uint64_t>(kRows));
    EXPECT_EQ(rows["b"], static_cast<std::uint64_t>(kRows));
    EXPECT_EQ(report.table("a")->rowsFromOrphanPages, static_cast<std::uint64_t>(kRows));
    EXPECT_FALSE(report.table("a")->complete);
    EXPECT_TRUE(report.table("b")->complete);
    EXPECT_EQ(report.unattributedRows, 0u);
}

TEST_F(SalvageReaderTest, RowidRangesTellTablesOfTheSameShapeApart) {
    // A damaged interior page below each root: each hole covers its own table's rowids.
    damage(interior_["a"][1].pgno);
    damage(interior_["b"][2].pgno);
    DamageReport report;
    auto rows = read(report);
    EXPECT_EQ(rows["a"], static_cast<std::uint64_t>(kRows));
    EXPECT_EQ(rows["b"], static_cast<std::uint64_t>(kRows));
    EXPECT_GT(report.table("a")->rowsFromOrphanPages, 0u);
    EXPECT_GT(report.table("b")->rowsFromOrphanPages, 0u);
    EXPECT_EQ(report.unattributedRows, 0u);
}

TEST_F(SalvageReaderTest, ColumnTypesTellTablesWithDamagedRootsApart) {
    damage(root("a"));
    damage(root("c"));
    DamageReport report;
    auto rows = read(report);
    EXPECT_EQ(rows["a"], static_cast<std::uint64_t>(kRows));
    EXPECT_EQ(rows["c"], static_cast<std::uint64_t>(kRows));
    EXPECT_EQ(report.unattributedRows, 0u);
}

TEST_F(SalvageReaderTest, RowsThatFitTwoTablesAreReportedNotCopied) {
    damage(root("a"));
    damage(root("b"));  // both holes span every rowid, and the rows have the same shape
    DamageReport report;
    auto rows = read(report);
    EXPECT_EQ(rows["a"], 0u);
    EXPECT_EQ(rows["b"], 0u);
    EXPECT_EQ(report.unattributedRows, static_cast<std::uint64_t>(2 * kRows));
    EXPECT_FALSE(report.unattributedPages.empty());
    EXPECT_FALSE(report.nothingLost());
    bool explained = false;
    for (const std::string& note : report.notes) {
        explained = explained || note.find("could belong to a or b") != std::string::npos ||
                    note.find("could belong to b or a") != std::string::npos;
    }
    EXPECT_TRUE(explained);
}

}  // namespace
}  // namespace admit::replica::detail

// Record layouts read from a schema: the column order SQLite stores (a WITHOUT ROWID table's
// primary key first, no virtual generated columns), the rowid alias, and which serial types fit.

#include "record_layout.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace admit::replica::detail {
namespace {

constexpr std::uint64_t kNull = 0;
constexpr std::uint64_t kInt8 = 1;
constexpr std::uint64_t kReal = 7;
constexpr std::uint64_t kText3 = 19;  // text of 3 bytes
constexpr std::uint64_t kBlob2 = 16;  // blob of 2 bytes

class RecordLayout : public ::testing::Test {
  protected:
    RecordLayout() : db(":memory:", SQLite::OPEN_READWRITE) {
        db.exec("CREATE TABLE plain(id INTEGER PRIMARY KEY, name TEXT NOT NULL, n INT) STRICT");
        db.exec(
            "CREATE TABLE keyed(a TEXT, b INTEGER NOT NULL, c BLOB, PRIMARY KEY (b, a)) STRICT, "
            "WITHOUT ROWID");
        db.exec(
            "CREATE TABLE generated(x INTEGER, twice INTEGER AS (x * 2), y REAL, "
            "kept INTEGER AS (x + 1) STORED) STRICT");
        db.exec("CREATE TABLE loose(p, q)");
        db.exec("CREATE INDEX plain_name ON plain(name)");
    }

    SQLite::Database db;
};

TEST_F(RecordLayout, RowidTableKeepsTableOrderAndNamesItsRowidAlias) {
    auto layout = layoutOf(db, "plain");
    ASSERT_TRUE(layout.has_value());
    EXPECT_FALSE(layout->withoutRowid);
    EXPECT_EQ(layout->columns, (std::vector<std::string>{"id", "name", "n"}));
    EXPECT_EQ(layout->rowidAlias, 0);
    EXPECT_TRUE(fits(layout->shape, layout->rowidAlias, {kNull, kText3, kInt8}, false));
    EXPECT_TRUE(fits(layout->shape, layout->rowidAlias, {kNull, kText3, kNull}, false));
    EXPECT_FALSE(fits(layout->shape, layout->rowidAlias, {kInt8, kText3, kInt8}, false))
        << "the rowid alias is stored as NULL";
    EXPECT_FALSE(fits(layout->shape, layout->rowidAlias, {kNull, kNull, kInt8}, false))
        << "name is NOT NULL";
    EXPECT_FALSE(fits(layout->shape, layout->rowidAlias, {kNull, kInt8, kInt8}, false));
    EXPECT_TRUE(fits(layout->shape, layout->rowidAlias, {kNull, kText3}, false))
        << "a row written before a column was added";
    EXPECT_FALSE(fits(layout->shape, layout->rowidAlias, {kNull, kText3}, true));
    EXPECT_FALSE(fits(layout->shape, layout->rowidAlias, {kNull, kText3, kInt8, kInt8}, false));
}

TEST_F(RecordLayout, WithoutRowidTableStoresItsPrimaryKeyFirst) {
    auto layout = layoutOf(db, "keyed");
    ASSERT_TRUE(layout.has_value());
    EXPECT_TRUE(layout->withoutRowid);
    EXPECT_EQ(layout->columns, (std::vector<std::string>{"b", "a", "c"}));
    EXPECT_EQ(layout->rowidAlias, -1);
    EXPECT_TRUE(fits(layout->shape, -1, {kInt8, kText3, kBlob2}, true));
    EXPECT_FALSE(fits(layout->shape, -1, {kText3, kInt8, kBlob2}, true));
}

TEST_F(RecordLayout, VirtualGeneratedColumnsAreNotStoredAndRealTakesWholeNumbers) {
    auto layout = layoutOf(db, "generated");
    ASSERT_TRUE(layout.has_value());
    EXPECT_EQ(layout->columns, (std::vector<std::string>{"x", "y", "kept"}));
    EXPECT_EQ(layout->rowidAlias, -1);
    EXPECT_TRUE(fits(layout->shape, -1, {kInt8, kReal, kInt8}, true));
    EXPECT_TRUE(fits(layout->shape, -1, {kInt8, kInt8, kInt8}, true))
        << "SQLite stores a whole REAL as an integer";
    EXPECT_FALSE(fits(layout->shape, -1, {kInt8, kText3, kInt8}, true));
}

TEST_F(RecordLayout, NonStrictTablesTakeAnyType) {
    auto layout = layoutOf(db, "loose");
    ASSERT_TRUE(layout.has_value());
    EXPECT_TRUE(fits(layout->shape, -1, {kBlob2, kReal}, true));
    EXPECT_FALSE(layoutOf(db, "absent").has_value());
}

TEST_F(RecordLayout, IndexEntriesEndWithTheRowid) {
    const auto shape = indexShape(db, "plain_name");
    ASSERT_EQ(shape.size(), 2u);
    EXPECT_TRUE(fits(shape, -1, {kText3, kInt8}, true));
    EXPECT_FALSE(fits(shape, -1, {kText3, kText3}, true));
    EXPECT_FALSE(fits(shape, -1, {kText3}, true));
}

}  // namespace
}  // namespace admit::replica::detail

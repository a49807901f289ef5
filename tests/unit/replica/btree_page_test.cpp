// The b-tree page reader salvage uses, against pages SQLite itself wrote (a plain database, read
// from the file after it was closed): every row decodes to what SQLite returns, overflow pages
// included; and pages of random bytes are refused or read within their bounds.

#include "btree_page.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>

#include "test_support.hpp"

namespace admit::replica::detail {
namespace {

using testing::readAll;
using testing::TempDir;

constexpr std::uint32_t kPageSize = 1024;  // small pages: deep trees and many overflow pages

std::uint32_t big32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           p[3];
}

// Every row of the b-tree at `root` in `file`, as "rowid|value|value|..." (SQLite's quote()).
class TreeReader {
  public:
    explicit TreeReader(std::vector<std::uint8_t> file) : file_(std::move(file)) {}

    std::vector<std::string> rows(std::uint32_t root) {
        std::vector<std::string> out;
        visit(root, out);
        return out;
    }

  private:
    ByteView page(std::uint32_t pgno) const {
        return ByteView(file_.data() + (pgno - 1) * kPageSize, kPageSize);
    }

    void visit(std::uint32_t pgno, std::vector<std::string>& out) {
        const ByteView bytes = page(pgno);
        auto btree = parseBtreePage(bytes, pgno, kPageSize);
        ASSERT_TRUE(btree.has_value()) << "page " << pgno;
        for (std::size_t i = 0; i < btree->cellOffsets.size(); ++i) {
            auto cell = parseCell(bytes, *btree, i, kPageSize);
            ASSERT_TRUE(cell.has_value()) << "page " << pgno << " cell " << i;
            if (!btree->leaf) visit(cell->leftChild, out);
            if (!cell->hasPayload) continue;
            std::vector<std::uint8_t> payload(cell->local.begin(), cell->local.end());
            for (std::uint32_t next = cell->firstOverflow; payload.size() < cell->payloadSize;) {
                ASSERT_NE(next, 0u);
                const ByteView overflow = page(next);
                const std::size_t n = std::min<std::size_t>(cell->payloadSize - payload.size(),
                                                            overflowBytesPerPage(kPageSize));
                payload.insert(payload.end(), overflow.begin() + 4,
                               overflow.begin() + 4 + static_cast<std::ptrdiff_t>(n));
                next = big32(overflow.data());
            }
            auto values = decodeRecord(payload);
            ASSERT_TRUE(values.has_value());
            std::string row = btree->kind == BtreeKind::Table ? std::to_string(cell->rowid) : "";
            for (const Value& v : *values) row += "|" + quote(v);
            out.push_back(row);
        }
        if (!btree->leaf) visit(btree->rightChild, out);
    }

    static std::string quote(const Value& v) {
        static const char* kHex = "0123456789ABCDEF";
        switch (v.type) {
            case Value::Type::Null:
                return "NULL";
            case Value::Type::Integer:
                return std::to_string(v.integer);
            case Value::Type::Real: {
                char buffer[64];
                std::snprintf(buffer, sizeof buffer, "%.15g", v.real);
                std::string text = buffer;
                return text.find_first_of(".e") == std::string::npos ? text + ".0" : text;
            }
            case Value::Type::Text: {
                std::string out = "'";
                for (char c : v.bytes) out += c == '\'' ? std::string("''") : std::string(1, c);
                return out + "'";
            }
            case Value::Type::Blob: {
                std::string out = "X'";
                for (char c : v.bytes) {
                    const auto b = static_cast<unsigned char>(c);
                    out += kHex[b >> 4];
                    out += kHex[b & 15];
                }
                return out + "'";
            }
        }
        return "";
    }

    std::vector<std::uint8_t> file_;
};

std::vector<std::string> sqliteRows(SQLite::Database& db, const std::string& select) {
    std::vector<std::string> out;
    SQLite::Statement query(db, select);
    while (query.executeStep()) out.push_back(query.getColumn(0).getString());
    return out;
}

TEST(BtreePage, DecodesEveryRowSqliteWroteIncludingOverflowPages) {
    TempDir dir;
    const auto path = dir / "plain.db";
    std::uint32_t tableRoot = 0;
    std::uint32_t withoutRowidRoot = 0;
    std::vector<std::string> expectedTable;
    std::vector<std::string> expectedWithoutRowid;
    {
        SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("PRAGMA page_size=" + std::to_string(kPageSize));
        db.exec("CREATE TABLE t(a, b, c)");
        db.exec("CREATE TABLE w(k TEXT PRIMARY KEY, v) WITHOUT ROWID");
        std::mt19937_64 rng(7);
        const std::int64_t kInts[] = {0,
                                      1,
                                      -1,
                                      127,
                                      128,
                                      -129,
                                      32767,
                                      -32769,
                                      8388607,
                                      -8388609,
                                      2147483648LL,
                                      140737488355327LL,
                                      -140737488355329LL,
                                      std::numeric_limits<std::int64_t>::max(),
                                      std::numeric_limits<std::int64_t>::min()};
        SQLite::Transaction transaction(db);
        SQLite::Statement insert(db, "INSERT INTO t(rowid, a, b, c) VALUES (?, ?, ?, ?)");
        SQLite::Statement insertW(db, "INSERT INTO w(k, v) VALUES (?, ?)");
        for (int i = 0; i < 600; ++i) {
            insert.bind(1, static_cast<std::int64_t>(i * 7 - 100));
            insert.bind(2, kInts[static_cast<std::size_t>(i) % std::size(kInts)]);
            if (i % 3 == 0) {
                insert.bind(3, 0.5 + i);
            } else if (i % 3 == 1) {
                insert.bind(3);
            } else {
                insert.bind(3, std::string(static_cast<std::size_t>(rng() % 3000), 'x') + "é'");
            }
            std::vector<std::uint8_t> blob(static_cast<std::size_t>(rng() % 2500));
            for (auto& b : blob) b = static_cast<std::uint8_t>(rng());
            insert.bind(4, blob.data(), static_cast<int>(blob.size()));
            insert.exec();
            insert.reset();
            insertW.bind(1, "key-" + std::to_string(i) +
                                std::string(static_cast<std::size_t>(i % 500), 'k'));
            insertW.bind(2, i % 2 == 0 ? -1.25 * (i + 1) : static_cast<double>(i));
            insertW.exec();
            insertW.reset();
        }
        transaction.commit();
        tableRoot = static_cast<std::uint32_t>(
            db.execAndGet("SELECT rootpage FROM sqlite_schema WHERE name = 't'").getInt());
        withoutRowidRoot = static_cast<std::uint32_t>(
            db.execAndGet("SELECT rootpage FROM sqlite_schema WHERE name = 'w'").getInt());
        expectedTable = sqliteRows(db,
                                   "SELECT rowid || '|' || quote(a) || '|' || quote(b) || '|' || "
                                   "quote(c) FROM t ORDER BY rowid");
        expectedWithoutRowid =
            sqliteRows(db, "SELECT '|' || quote(k) || '|' || quote(v) FROM w ORDER BY k");
        ASSERT_GT(db.execAndGet("SELECT count(*) FROM dbstat WHERE pagetype = 'overflow'").getInt(),
                  100);
    }
    TreeReader reader(readAll(path));
    EXPECT_EQ(reader.rows(tableRoot), expectedTable);
    // WITHOUT ROWID: an index b-tree whose interior cells are rows too.
    std::vector<std::string> rows = reader.rows(withoutRowidRoot);
    EXPECT_EQ(rows, expectedWithoutRowid);
}

TEST(BtreePage, RandomBytesAreRefusedOrReadWithinThePage) {
    std::mt19937 rng(11);
    std::vector<std::uint8_t> page(kPageSize);
    int parsed = 0;
    for (int round = 0; round < 20000; ++round) {
        for (auto& b : page) b = static_cast<std::uint8_t>(rng());
        page[0] = std::array<std::uint8_t, 4>{0x02, 0x05, 0x0a, 0x0d}[rng() % 4];
        page[3] = 0;
        page[4] = static_cast<std::uint8_t>(rng() % 8);  // a few cells
        auto btree = parseBtreePage(page, 2, kPageSize);
        if (!btree) continue;
        ++parsed;
        for (std::size_t i = 0; i < btree->cellOffsets.size(); ++i) {
            auto cell = parseCell(page, *btree, i, kPageSize);
            if (!cell || !cell->hasPayload) continue;
            ASSERT_GE(cell->local.data(), page.data());
            ASSERT_LE(cell->local.data() + cell->local.size(), page.data() + page.size());
            if (auto values = decodeRecord(cell->local)) {
                for (const Value& v : *values) ASSERT_LE(v.bytes.size(), cell->local.size());
            }
        }
    }
    EXPECT_GT(parsed, 1000);
}

}  // namespace
}  // namespace admit::replica::detail

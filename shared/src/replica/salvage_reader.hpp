#pragma once
// Reads every row it can from a replica's authenticated pages, table by table, without SQLite:
// walks each table's b-tree from its root, and finds the pages a damaged page cut off (orphan
// pages) and gives them to the one table whose damaged part they fit. Internal to admit_replica;
// design in docs/replica.md, "Damage: check and salvage".

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "admit/replica/damage_report.hpp"
#include "btree_page.hpp"
#include "page_source.hpp"
#include "record_layout.hpp"

namespace SQLite {
class Database;
}

namespace admit::replica::detail {

struct SalvagedRow {
    std::int64_t rowid = 0;     // rowid tables
    std::vector<Value> values;  // in record order; the rowid alias column holds the rowid
    bool fromOrphanPage = false;
};

class SalvageReader {
  public:
    // `expected` (may be empty) creates the tables the caller expects: a table whose schema
    // entry is unreadable is then still recognised by the shape of its rows.
    SalvageReader(PageSource& source, SchemaFactory expected);

    // Reads the schema, walks every b-tree and the free-page list, and attributes orphan pages.
    void analyse();

    // The damaged replica's tables (schema order; sqlite_* tables left out).
    const std::vector<TableLayout>& tables() const { return tables_; }

    // Every readable row of tables()[table]: those its b-tree leads to first, then those on its
    // orphan pages. Counts them for report().
    void forEachRow(std::size_t table, const std::function<void(const SalvagedRow&)>& visit);

    // Pages that failed, and per table what is readable (reads the tables not read yet).
    DamageReport report();

  private:
    struct Range {
        bool hasLow = false;  // exclusive
        std::int64_t low = 0;
        bool hasHigh = false;  // inclusive
        std::int64_t high = 0;
        bool contains(std::int64_t min, std::int64_t max) const {
            return (!hasLow || min > low) && (!hasHigh || max <= high);
        }
    };
    struct Hole {
        std::uint32_t pgno = 0;
        Range range;
    };
    struct Stats {
        bool counted = false;
        std::uint64_t rows = 0;
        std::uint64_t rowsFromOrphans = 0;
        std::uint64_t lostCells = 0;  // malformed, or an overflow page failed
        std::optional<std::int64_t> minRowid;
        std::optional<std::int64_t> maxRowid;
        std::vector<std::uint32_t> damagedOverflow;
    };
    struct Tree {
        std::string name;
        BtreeKind kind = BtreeKind::Table;
        int table = -1;                  // index in tables_ if this tree holds a table's rows
        std::vector<ColumnShape> shape;  // index trees: the shape of their records
        std::uint32_t root = 0;          // 0: unknown
        // Unknown roots: where the expected schema, made the same way, puts the root.
        std::uint32_t expectedRoot = 0;
        std::vector<Hole> holes;
        std::vector<std::uint32_t> pages;        // reached from the root, in key order
        std::vector<std::uint32_t> orphanPages;  // attributed
        std::vector<std::uint32_t> damaged;      // failed or malformed pages of the tree
        bool malformed = false;
        Stats stats;
    };
    struct OrphanGroup {
        BtreeKind kind = BtreeKind::Table;
        std::vector<std::uint32_t> pages;
        std::vector<std::vector<std::uint64_t>> recordTypes;  // every record whose header fits
        std::uint64_t cells = 0;
        std::optional<std::int64_t> minRowid;
        std::optional<std::int64_t> maxRowid;
    };
    struct SchemaEntry {
        std::string type;
        std::string name;
        std::string tableName;
        std::int64_t rootpage = 0;
        std::optional<std::string> sql;
    };

    void walk(std::size_t tree, std::uint32_t pgno, Range range, int depth);
    void walkFreelist();
    std::vector<OrphanGroup> groupOrphans();
    void attributeSchemaOrphans(std::vector<OrphanGroup>& groups);
    std::vector<SchemaEntry> readSchema();
    void buildTrees(const std::vector<SchemaEntry>& schema);
    void addExpectedTrees(SQLite::Database& expected, const std::vector<SchemaEntry>& schema);
    void attributeOrphans(const std::vector<OrphanGroup>& groups);
    bool readPayload(const Cell& cell, std::vector<std::uint8_t>& payload,
                     std::uint32_t& failedPage);
    void visitTree(std::size_t tree, const std::function<void(const SalvagedRow&)>& visit);

    PageSource& source_;
    SchemaFactory expected_;
    std::vector<TableLayout> tables_;
    std::vector<std::size_t> tableTree_;  // by table: its tree in trees_
    std::vector<Tree> trees_;             // trees_[0]: sqlite_schema
    std::vector<int> owner_;              // by page number: a tree, kFree or kNoOwner
    std::vector<int> failedOwner_;        // by page number: the tree whose intact page points to it
    std::vector<std::string> notes_;
    std::uint64_t unattributedRows_ = 0;
    std::vector<std::uint32_t> unattributedPages_;
    bool schemaComplete_ = false;
    std::vector<std::uint8_t> scratch_;
};

}  // namespace admit::replica::detail

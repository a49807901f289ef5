#pragma once
// What a damaged replica still holds: which pages failed authentication (in the database file or
// its WAL) and, table by table, how many rows can still be read. Made by checkReplica and
// salvageReplica from the pages themselves, so it is available even when SQLite cannot open the
// file. Design: docs/replica.md, "Damage: check and salvage".

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "admit/base/result.hpp"

namespace admit::replica {

// Creates, on an empty database, the tables the caller expects a replica to hold (for example
// store::migrate). Used to recognise the pages of a table whose schema entry is unreadable, and
// by salvageReplica to create the new replica.
using SchemaFactory = std::function<Status<>(SQLite::Database&)>;

struct DamagedPage {
    std::string file;            // the database file or its -wal
    std::uint32_t page = 0;      // the page number in the database
    std::uint64_t walFrame = 0;  // -wal only: the frame (1 = the first)
    bool superseded = false;     // an older image of the page; a newer one is in use
    bool missing = false;        // neither file holds the page (instead of failing)
    std::string owner;           // the table or index it belongs to, when an intact page says
};

struct TableDamage {
    std::string name;
    std::uint64_t rowsReadable = 0;
    // Of rowsReadable: rows on orphan pages, which no intact page leads to (they were under a
    // damaged page of the table), recognised by where their rowids fit and by their columns.
    std::uint64_t rowsFromOrphanPages = 0;
    // Every page of the table was reached and authenticated, and every row decoded.
    bool complete = false;
    std::vector<std::uint32_t> damagedPages;  // its b-tree or overflow pages that failed
    std::optional<std::int64_t> minRowid;     // rowid tables with readable rows
    std::optional<std::int64_t> maxRowid;
};

struct DamageReport {
    std::vector<DamagedPage> pages;
    std::vector<TableDamage> tables;  // schema order
    // Rows on pages that authenticate but could not be told to belong to one table: not copied.
    std::uint64_t unattributedRows = 0;
    std::vector<std::uint32_t> unattributedPages;
    // Sentences about damage that is not a page (page 1's readable header or key check, the WAL
    // header, an incomplete schema), and how rows were found.
    std::vector<std::string> notes;
    // The schema (sqlite_schema) was read completely, so no table is missing from `tables`.
    bool schemaComplete = false;

    // True if the schema and every table are complete and every row was attributed.
    bool nothingLost() const;
    const TableDamage* table(const std::string& name) const;
};

}  // namespace admit::replica

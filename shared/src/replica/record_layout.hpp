#pragma once
// How a table's rows are stored in its records (column order, the rowid alias, the declared
// types of a STRICT table), read from a schema that SQLite holds in memory, and whether a
// record's serial types fit them. Internal to admit_replica.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace SQLite {
class Database;
}

namespace admit::replica::detail {

enum class ColumnType { Any, Integer, Real, Text, Blob };

struct ColumnShape {
    ColumnType type = ColumnType::Any;
    bool notNull = false;
};

// A table as its records store it.
struct TableLayout {
    std::string name;
    bool withoutRowid = false;
    int rowidAlias = -1;               // record position of an INTEGER PRIMARY KEY (stored NULL)
    std::vector<std::string> columns;  // in record order
    std::vector<ColumnShape> shape;    // in record order
};

// The record layout of `table` in `db`: its columns in table order (virtual generated columns
// are not stored), or for a WITHOUT ROWID table its primary key first. nullopt: no such table.
std::optional<TableLayout> layoutOf(SQLite::Database& db, const std::string& table);

// The shape of an index's entries: its columns, then the rowid (or the table's primary key).
std::vector<ColumnShape> indexShape(SQLite::Database& db, const std::string& index);

// Whether a record's serial types can be a row of a table (or an index entry) of this shape.
// A row may be shorter than the table (columns added later) unless `exact`.
bool fits(const std::vector<ColumnShape>& shape, int rowidAlias,
          const std::vector<std::uint64_t>& types, bool exact);

}  // namespace admit::replica::detail

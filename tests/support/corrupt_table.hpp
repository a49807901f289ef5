#pragma once
// A table SQLite finds corrupt ("database disk image is malformed", SQLITE_CORRUPT) while every
// page of the replica still authenticates: its schema entry is pointed at the root page of a
// b-tree of the other kind (a rowid table at an index, a WITHOUT ROWID table at a rowid table),
// as an older image of a page put back could do. Unlike a flipped byte, the VFS cannot see it.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <stdexcept>
#include <string>

namespace admit::testing {

// Reading or writing `table` fails from the next statement on, on every connection.
inline void corruptTable(SQLite::Database& db, const std::string& table) {
    bool withoutRowid = false;
    {
        SQLite::Statement kind(db, "SELECT wr FROM pragma_table_list WHERE name = ?");
        kind.bind(1, table);
        if (!kind.executeStep()) throw std::runtime_error("no table " + table);
        withoutRowid = kind.getColumn(0).getInt() != 0;
    }
    const int otherRoot =
        db.execAndGet(withoutRowid
                          ? "SELECT s.rootpage FROM sqlite_schema s JOIN pragma_table_list "
                            "l ON l.name = s.name WHERE s.type = 'table' AND l.wr = 0 AND "
                            "s.rootpage > 1 ORDER BY s.rootpage LIMIT 1"
                          : "SELECT rootpage FROM sqlite_schema WHERE type = 'index' AND "
                            "rootpage > 0 ORDER BY rootpage LIMIT 1")
            .getInt();
    const int version = db.execAndGet("PRAGMA schema_version").getInt();
    db.exec("PRAGMA writable_schema = ON");
    SQLite::Statement point(db, "UPDATE sqlite_schema SET rootpage = ? WHERE name = ?");
    point.bind(1, otherRoot);
    point.bind(2, table);
    point.exec();
    // Other connections reload the schema when its version changes.
    db.exec("PRAGMA schema_version = " + std::to_string(version + 1));
    db.exec("PRAGMA writable_schema = OFF");
}

}  // namespace admit::testing

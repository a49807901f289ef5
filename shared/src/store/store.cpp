#include "admit/store/store.hpp"

#include <filesystem>

#include "admit/store/schema.hpp"

namespace admit::store {

void applyConnectionSettings(SQLite::Database& db) {
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = FULL");
    db.exec("PRAGMA foreign_keys = ON");
    db.exec("PRAGMA temp_store = MEMORY");
    db.setBusyTimeout(5000);
}

Result<SQLite::Database> openPlainDatabase(const std::string& path, OpenMode mode) {
    if (mode == OpenMode::kExisting && !std::filesystem::exists(path)) {
        return fail("database " + path + " does not exist");
    }
    try {
        SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        applyConnectionSettings(db);
        if (auto migrated = migrate(db); !migrated) return fail(migrated.error());
        return db;
    } catch (const SQLite::Exception& e) {
        return fail("cannot open database " + path + ": " + e.what());
    }
}

}  // namespace admit::store

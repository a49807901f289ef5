#pragma once
// Opens a plain (unencrypted) database with the settings every Admit database uses: WAL,
// synchronous=FULL (a commit is fsynced before it returns), foreign keys, and migrates it.
// Kiosk replicas are opened through admit/replica (encrypted) and then migrated the same way.

#include <string>

#include <SQLiteCpp/Database.h>

#include "admit/base/result.hpp"

namespace admit::store {

enum class OpenMode { kCreate, kExisting };

Result<SQLite::Database> openPlainDatabase(const std::string& path, OpenMode mode);

// The settings above, for a database someone else opened.
void applyConnectionSettings(SQLite::Database& db);

}  // namespace admit::store

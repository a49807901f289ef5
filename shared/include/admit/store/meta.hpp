#pragma once
// The meta table (key TEXT PRIMARY KEY, value TEXT): small named values a database keeps about
// itself (the kiosk's settings, the sync client's state). SQLite errors are exceptions.

#include <cstdint>
#include <optional>
#include <string>

#include <SQLiteCpp/Database.h>

namespace admit::store {

std::optional<std::string> readMeta(SQLite::Database& db, const std::string& key);
// An integer value; nullopt when absent or not a whole number.
std::optional<std::int64_t> readMetaInt(SQLite::Database& db, const std::string& key);
// Inserts or replaces, within the caller's transaction (if any).
void writeMeta(SQLite::Database& db, const std::string& key, const std::string& value);
void eraseMeta(SQLite::Database& db, const std::string& key);

}  // namespace admit::store

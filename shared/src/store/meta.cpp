#include "admit/store/meta.hpp"

#include <charconv>

#include <SQLiteCpp/Statement.h>

namespace admit::store {

std::optional<std::string> readMeta(SQLite::Database& db, const std::string& key) {
    SQLite::Statement query(db, "SELECT value FROM meta WHERE key = ?");
    query.bind(1, key);
    if (!query.executeStep()) return std::nullopt;
    return query.getColumn(0).getString();
}

std::optional<std::int64_t> readMetaInt(SQLite::Database& db, const std::string& key) {
    auto text = readMeta(db, key);
    if (!text) return std::nullopt;
    std::int64_t value = 0;
    const char* end = text->data() + text->size();
    auto [at, error] = std::from_chars(text->data(), end, value);
    if (error != std::errc() || at != end) return std::nullopt;
    return value;
}

void writeMeta(SQLite::Database& db, const std::string& key, const std::string& value) {
    SQLite::Statement upsert(db,
                             "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO "
                             "UPDATE SET value = excluded.value");
    upsert.bind(1, key);
    upsert.bind(2, value);
    upsert.exec();
}

void eraseMeta(SQLite::Database& db, const std::string& key) {
    SQLite::Statement erase(db, "DELETE FROM meta WHERE key = ?");
    erase.bind(1, key);
    erase.exec();
}

}  // namespace admit::store

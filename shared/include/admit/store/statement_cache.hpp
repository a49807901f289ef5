#pragma once

// Prepared statements kept for reuse on one connection. Preparing (parsing and planning) a
// statement costs more than running the small queries of a check-in, so each store class
// prepares its SQL once and runs it many times.
//
// A lease resets its statement and clears its bindings when it goes out of scope: a SELECT
// left stepped would hold its read snapshot open, and this connection would stop seeing what
// other connections commit. The cache must be destroyed before its database.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

namespace admit::store {

class StatementCache {
  public:
    class Lease {
      public:
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        Lease(Lease&& other) noexcept;
        Lease& operator=(Lease&&) = delete;
        ~Lease();

        SQLite::Statement& operator*() { return *statement_; }
        SQLite::Statement* operator->() { return statement_; }

      private:
        friend class StatementCache;
        Lease(SQLite::Statement* cached, bool* inUse);
        explicit Lease(std::unique_ptr<SQLite::Statement> unshared);

        SQLite::Statement* statement_ = nullptr;
        bool* inUse_ = nullptr;                        // set while a cached statement is leased
        std::unique_ptr<SQLite::Statement> unshared_;  // when the cached one is already in use
    };

    explicit StatementCache(SQLite::Database& db) : db_(db) {}
    StatementCache(const StatementCache&) = delete;
    StatementCache& operator=(const StatementCache&) = delete;

    // The statement for `sql`, prepared on first use. Throws SQLite::Exception like
    // SQLite::Statement does when the SQL is invalid.
    Lease prepare(std::string_view sql);

    SQLite::Database& database() { return db_; }

  private:
    struct Entry {
        std::unique_ptr<SQLite::Statement> statement;
        bool inUse = false;
    };

    SQLite::Database& db_;
    std::unordered_map<std::string, Entry> entries_;
};

// `ids` as a JSON array, to bind where a statement reads `IN (SELECT value FROM json_each(?))`:
// one prepared statement for a list of any length.
std::string jsonIdList(const std::vector<std::int64_t>& ids);

}  // namespace admit::store

#pragma once
// A hybrid logical clock: orders check-ins across kiosks even when their wall clocks disagree.
// A value packs milliseconds (high 48 bits) and a counter (low 16 bits). The last value issued
// is kept in the database inside the caller's transaction, so it survives restarts and never
// goes backwards even if the wall clock does.

#include <cstdint>
#include <optional>

#include <SQLiteCpp/Database.h>

namespace admit::store {

using HlcTime = std::int64_t;

constexpr std::int64_t hlcMillis(HlcTime t) { return t >> 16; }

class HybridLogicalClock {
  public:
    // Reads nothing yet: the stored value is loaded on first use, inside the caller's
    // transaction (and error handling).
    explicit HybridLogicalClock(SQLite::Database& db) : db_(db) {}

    // A new value greater than every value issued or received before. Call inside the write
    // transaction that uses it: the value is stored with that transaction.
    HlcTime tick(std::int64_t wallMs);
    // Merges a value seen from another device (sync) and returns a value after both.
    HlcTime receive(HlcTime remote, std::int64_t wallMs);
    HlcTime last();

  private:
    HlcTime loaded();
    void store(HlcTime value);

    SQLite::Database& db_;
    std::optional<HlcTime> last_;
};

}  // namespace admit::store

#pragma once
// A hybrid logical clock: orders check-ins across kiosks even when their wall clocks disagree.
// A value packs milliseconds (high 48 bits) and a counter (low 16 bits). The last value issued
// is kept in the database inside the caller's transaction, so it survives restarts and never
// goes backwards even if the wall clock does.

#include <cstdint>

#include <SQLiteCpp/Database.h>

namespace admit::store {

using HlcTime = std::int64_t;

constexpr std::int64_t hlcMillis(HlcTime t) { return t >> 16; }

class HybridLogicalClock {
  public:
    explicit HybridLogicalClock(SQLite::Database& db);

    // A new value greater than every value issued or received before. Call inside the write
    // transaction that uses it: the value is stored with that transaction.
    HlcTime tick(std::int64_t wallMs);
    // Merges a value seen from another device (sync) and returns a value after both.
    HlcTime receive(HlcTime remote, std::int64_t wallMs);
    HlcTime last() const { return last_; }

  private:
    void store(HlcTime value);

    SQLite::Database& db_;
    HlcTime last_ = 0;
};

}  // namespace admit::store

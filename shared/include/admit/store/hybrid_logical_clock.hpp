#pragma once
// A hybrid logical clock: orders check-ins across kiosks even when their wall clocks disagree.
// A value packs milliseconds (high 48 bits) and a counter (low 16 bits). Every value issued is
// stored by the caller in the row it stamps (a check-in or an audit entry), and on first use
// the clock resumes after the largest value stored, so it survives restarts and never goes
// backwards even if the wall clock does. Values received from other devices are kept in meta.

#include <cstdint>
#include <optional>

#include <SQLiteCpp/Database.h>

#include "admit/store/statement_cache.hpp"

namespace admit::store {

using HlcTime = std::int64_t;

constexpr std::int64_t hlcMillis(HlcTime t) { return t >> 16; }

// How far ahead of this device's wall clock a received value may be and still be merged. A
// device whose clock is further ahead (set to the wrong day) would otherwise drag every clock
// it syncs with; its records keep their values, and the device is listed as off (docs/sync.md,
// "Heartbeat"). The same 2 minutes beyond which `admit device list` flags a clock.
inline constexpr std::int64_t kMaxMergedLeadMs = 120'000;

class HybridLogicalClock {
  public:
    // Reads nothing yet: the stored value is loaded on first use, inside the caller's
    // transaction (and error handling).
    explicit HybridLogicalClock(SQLite::Database& db) : db_(db) {}

    // A new value greater than every value issued or received before. The caller stores it in
    // the check-in or audit entry it stamps, in the same transaction.
    HlcTime tick(std::int64_t wallMs);
    // Merges a value seen from another device (sync) and returns a value after both.
    HlcTime receive(HlcTime remote, std::int64_t wallMs);
    HlcTime last();

  private:
    HlcTime loaded();
    void store(HlcTime value);

    SQLite::Database& db_;
    StatementCache statements_{db_};
    std::optional<HlcTime> last_;
};

}  // namespace admit::store

#include "admit/store/hybrid_logical_clock.hpp"

#include <algorithm>

#include <SQLiteCpp/Statement.h>

namespace admit::store {

HlcTime HybridLogicalClock::loaded() {
    if (!last_) {
        auto query = statements_.prepare(  // Every local tick stamps an audit entry; received
                                           // values are in meta.
            "SELECT max(coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'hlc'), 0), "
            "coalesce((SELECT hlc FROM audit_log ORDER BY seq DESC LIMIT 1), 0))");
        query->executeStep();
        last_ = query->getColumn(0).getInt64();
    }
    return *last_;
}

HlcTime HybridLogicalClock::last() { return loaded(); }

HlcTime HybridLogicalClock::tick(std::int64_t wallMs) {
    HlcTime wall = static_cast<HlcTime>(wallMs) << 16;
    last_ = std::max(wall, loaded() + 1);
    return *last_;
}

HlcTime HybridLogicalClock::receive(HlcTime remote, std::int64_t wallMs) {
    HlcTime wall = static_cast<HlcTime>(wallMs) << 16;
    const bool farAhead = hlcMillis(remote) > wallMs + kMaxMergedLeadMs;
    HlcTime next = std::max({wall, loaded() + 1, farAhead ? HlcTime{0} : remote + 1});
    store(next);
    return next;
}

void HybridLogicalClock::store(HlcTime value) {
    auto upsert = statements_.prepare(
        "INSERT INTO meta (key, value) VALUES ('hlc', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    upsert->bind(1, std::to_string(value));
    upsert->exec();
    last_ = value;
}

}  // namespace admit::store

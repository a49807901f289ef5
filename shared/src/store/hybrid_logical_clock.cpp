#include "admit/store/hybrid_logical_clock.hpp"

#include <algorithm>

#include <SQLiteCpp/Statement.h>

namespace admit::store {

HlcTime HybridLogicalClock::loaded() {
    if (!last_) {
        SQLite::Statement query(db_, "SELECT value FROM meta WHERE key = 'hlc'");
        last_ = query.executeStep() ? std::stoll(query.getColumn(0).getString()) : 0;
    }
    return *last_;
}

HlcTime HybridLogicalClock::last() { return loaded(); }

HlcTime HybridLogicalClock::tick(std::int64_t wallMs) {
    HlcTime wall = static_cast<HlcTime>(wallMs) << 16;
    HlcTime next = std::max(wall, loaded() + 1);
    store(next);
    return next;
}

HlcTime HybridLogicalClock::receive(HlcTime remote, std::int64_t wallMs) {
    HlcTime wall = static_cast<HlcTime>(wallMs) << 16;
    HlcTime next = std::max({wall, loaded() + 1, remote + 1});
    store(next);
    return next;
}

void HybridLogicalClock::store(HlcTime value) {
    SQLite::Statement upsert(db_,
                             "INSERT INTO meta (key, value) VALUES ('hlc', ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    upsert.bind(1, std::to_string(value));
    upsert.exec();
    last_ = value;
}

}  // namespace admit::store

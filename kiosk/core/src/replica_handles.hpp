#pragma once
// The database worker's handles on the kiosk's replica: the connection and everything built on
// it. Only the database worker thread touches them (jobs receive them as an argument).

#include <optional>
#include <utility>

#include <SQLiteCpp/Database.h>

#include "admit/rules/checkin_engine.hpp"
#include "admit/store/deferred_checkpoints.hpp"
#include "admit/store/hybrid_logical_clock.hpp"
#include "admit/store/outbox.hpp"

namespace admit::kiosk {

struct ReplicaHandles {
    std::optional<SQLite::Database> db;
    // Checkpoints run when the queue is empty, never inside the commit a verdict waits for.
    std::optional<store::DeferredCheckpoints> checkpoints;
    std::optional<rules::CheckInEngine> engine;
    std::optional<store::HybridLogicalClock> clock;
    std::optional<store::Outbox> outbox;  // kept: its count is read after every verdict

    bool open() const { return db.has_value(); }

    // Takes an opened replica into use.
    void adopt(SQLite::Database opened) {
        db.emplace(std::move(opened));
        checkpoints.emplace(*db);
        engine.emplace(*db);
        clock.emplace(*db);
        outbox.emplace(*db);
    }

    // Users of the connection first, the connection last.
    void close() {
        engine.reset();
        outbox.reset();
        clock.reset();
        checkpoints.reset();
        db.reset();
    }
};

}  // namespace admit::kiosk

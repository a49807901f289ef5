#pragma once
// Salvage: copies every row that can still be read from a damaged replica into a new replica,
// so that what only this device holds (a kiosk's unsent check-ins) survives the damage. The
// damaged replica is only read, never written; the new one is encrypted like any replica.
// Which tables come first and what schema the new replica gets are the caller's choice.
// Design: docs/replica.md, "Damage: check and salvage".

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "admit/base/result.hpp"
#include "admit/replica/damage_report.hpp"
#include "admit/replica/replica_error.hpp"
#include "admit/replica/replica_key.hpp"

namespace admit::replica {

struct SalvagePlan {
    // Creates the new replica's schema (for example store::migrate); required. The damaged
    // replica's tables are copied into the tables of the same name, column by column.
    SchemaFactory createSchema;
    // Tables copied first, in this order, each committed before the next is read; the others
    // follow in the damaged replica's schema order.
    std::vector<std::string> firstTables;
};

struct TableCopy {
    std::string name;
    std::uint64_t rowsCopied = 0;
    std::uint64_t rowsFromOrphanPages = 0;  // of rowsCopied
    // Rows read but not copied: a duplicate of a row already copied, or refused by the new
    // schema (the first reason is in `error`).
    std::uint64_t rowsNotCopied = 0;
    // Rows plan.createSchema made that no row of the damaged replica replaced (a new device id
    // when meta's row was lost, say).
    std::uint64_t newSchemaRowsKept = 0;
    std::string error;
};

struct SalvageReport {
    std::vector<TableCopy> copied;  // in the order they were copied
    // Columns of the damaged replica's tables that the new schema lacks ("table.column"):
    // their values were not copied.
    std::vector<std::string> columnsNotCopied;
    DamageReport damage;  // what failed in the damaged replica, and what each table held

    // Every row of the damaged replica is in the new one: nothing failed that held rows, and
    // every row read was copied.
    bool everyRowCopied() const;
};

// Reads `damaged` (its database file and committed WAL frames, page by page) and writes every
// readable row into a new replica at `out` under `outKey`, created through plan.createSchema.
// Never writes `damaged`; refuses an existing `out` (AlreadyExists). The new replica is written
// under a temporary name next to `out`, checked, and renamed into place. The replica must not be
// in use meanwhile (stop the kiosk). Errors: as checkReplica's, or the new replica cannot be
// written.
Result<SalvageReport, ReplicaError> salvageReplica(const std::filesystem::path& damaged,
                                                   const ReplicaKey& key,
                                                   const std::filesystem::path& out,
                                                   const ReplicaKey& outKey,
                                                   const SalvagePlan& plan);

}  // namespace admit::replica

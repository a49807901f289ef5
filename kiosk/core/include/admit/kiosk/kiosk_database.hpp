#pragma once
// The one place the kiosk opens its database: the encrypted replica (admit/replica), migrated
// like every Admit database. The key comes from a key file (mode 0600) or, when none is named,
// from the systemd credential kReplicaCredential; never from the command line.

#include <cstdint>
#include <filesystem>
#include <string>

#include <SQLiteCpp/Database.h>

#include "admit/base/result.hpp"

namespace admit::kiosk {

inline constexpr const char* kReplicaCredential = "admit-replica-key";

struct KioskDatabaseConfig {
    std::filesystem::path path;
    std::filesystem::path keyFile;  // empty: the systemd credential
};

struct KioskDatabaseError {
    std::string message;  // a sentence for the organiser naming the file; never key material
    // A page failed authentication (replica::ReplicaErrorKind::Damaged), or the replica is in
    // an older format (OlderFormat): the kiosk offers to move the file aside and re-sync
    // (moveDamagedReplicaAside).
    bool damaged = false;
};

// Opens (creating if needed) and migrates the replica.
Result<SQLite::Database, KioskDatabaseError> openKioskDatabase(const KioskDatabaseConfig& config);

// True if `message` is the replica's description of damage (replica::describeReplicaFailure),
// for errors that reach the kiosk as text (the check-in engine's, the sync client's).
bool describesDamage(const std::string& message);

// True if `message` says the replica is in an older format (replica::olderFormatError).
bool describesOlderFormat(const std::string& message);

// Renames the replica and its -wal and -shm files to "<name>.damaged-<YYYYMMDD-HHMMSS>" (plus
// the same suffixes), never deleting anything: the file may hold check-ins not uploaded yet.
// Returns the new path of the database file. The caller has closed every connection to it.
Result<std::filesystem::path> moveDamagedReplicaAside(const std::filesystem::path& replica,
                                                      std::int64_t nowMs);

}  // namespace admit::kiosk

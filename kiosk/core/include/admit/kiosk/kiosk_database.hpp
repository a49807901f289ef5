#pragma once
// The one place the kiosk opens its database: the encrypted replica (admit/replica), migrated
// like every Admit database. The key comes from a key file (mode 0600) or, when none is named,
// from the systemd credential kReplicaCredential; never from the command line.

#include <cstdint>
#include <filesystem>
#include <string>

#include <SQLiteCpp/Database.h>

#include "admit/base/result.hpp"
#include "admit/replica/replica_error.hpp"

namespace admit::kiosk {

inline constexpr const char* kReplicaCredential = "admit-replica-key";

struct KioskDatabaseConfig {
    std::filesystem::path path;
    std::filesystem::path keyFile;  // empty: the systemd credential
};

// Why the replica cannot be used. The kind decides what the kiosk shows; the message is for
// people.
struct KioskDatabaseError {
    enum class Kind {
        kDamaged,      // a page failed authentication or SQLite finds the replica corrupt
        kOlderFormat,  // a replica in a format this version no longer reads
        kOther,        // anything else (no key, the wrong key, a file it cannot open)
    };
    Kind kind = Kind::kOther;
    std::string message;  // a sentence for the organiser naming the file; never key material

    // Damaged and OlderFormat are cured the same way: move the file aside and re-sync
    // (moveDamagedReplicaAside).
    bool resyncable() const { return kind != Kind::kOther; }
};

// Opens (creating if needed) and migrates the replica.
Result<SQLite::Database, KioskDatabaseError> openKioskDatabase(const KioskDatabaseConfig& config);

// How the kiosk treats a replica error of `kind` (from replica::replicaFailure, an open, or a
// sync round): Damaged and OlderFormat keep their kind, anything else is kOther.
KioskDatabaseError::Kind kioskErrorKind(replica::ReplicaErrorKind kind);

// Renames the replica and its -wal and -shm files to "<name>.damaged-<YYYYMMDD-HHMMSS>" (plus
// the same suffixes), never deleting anything: the file may hold check-ins not uploaded yet.
// Returns the new path of the database file. The caller has closed every connection to it.
Result<std::filesystem::path> moveDamagedReplicaAside(const std::filesystem::path& replica,
                                                      std::int64_t nowMs);

}  // namespace admit::kiosk

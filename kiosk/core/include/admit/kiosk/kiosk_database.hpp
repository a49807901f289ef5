#pragma once
// The one place the kiosk opens its database: the encrypted replica (admit/replica), migrated
// like every Admit database. The key comes from a key file (mode 0600) or, when none is named,
// from the systemd credential kReplicaCredential; never from the command line.

#include <filesystem>

#include <SQLiteCpp/Database.h>

#include "admit/base/result.hpp"

namespace admit::kiosk {

inline constexpr const char* kReplicaCredential = "admit-replica-key";

struct KioskDatabaseConfig {
    std::filesystem::path path;
    std::filesystem::path keyFile;  // empty: the systemd credential
};

// Opens (creating if needed) and migrates the replica. The error is a sentence for the
// organiser naming the file; it never contains key material.
Result<SQLite::Database> openKioskDatabase(const KioskDatabaseConfig& config);

}  // namespace admit::kiosk

#include "admit/kiosk/kiosk_database.hpp"

#include "admit/replica/replica.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/store/schema.hpp"

namespace admit::kiosk {

Result<SQLite::Database> openKioskDatabase(const KioskDatabaseConfig& config) {
    auto key = config.keyFile.empty() ? replica::loadKeyFromCredential(kReplicaCredential)
                                      : replica::loadKeyFile(config.keyFile);
    if (!key) return fail("cannot load the replica key: " + key.error().message);
    auto db = replica::openReplica(config.path, *key, replica::OpenMode::Create);
    if (!db) return fail(db.error().message);
    try {
        db->exec("PRAGMA foreign_keys = ON");
        db->setBusyTimeout(5000);
        if (auto migrated = store::migrate(*db); !migrated) return fail(migrated.error());
    } catch (const SQLite::Exception& e) {
        return fail("cannot prepare the replica " + config.path.string() + ": " + e.what());
    }
    return std::move(db).value();
}

}  // namespace admit::kiosk

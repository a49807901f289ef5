#include "admit/kiosk/kiosk_database.hpp"

#include <array>
#include <ctime>
#include <system_error>

#include "admit/replica/replica.hpp"
#include "admit/replica/replica_error.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/store/schema.hpp"

namespace admit::kiosk {
namespace {

KioskDatabaseError other(std::string message) {
    return {KioskDatabaseError::Kind::kOther, std::move(message)};
}

}  // namespace

KioskDatabaseError::Kind kioskErrorKind(replica::ReplicaErrorKind kind) {
    switch (kind) {
        case replica::ReplicaErrorKind::Damaged:
            return KioskDatabaseError::Kind::kDamaged;
        case replica::ReplicaErrorKind::OlderFormat:
            return KioskDatabaseError::Kind::kOlderFormat;
        case replica::ReplicaErrorKind::KeyMismatch:
        case replica::ReplicaErrorKind::NotFound:
        case replica::ReplicaErrorKind::Io:
        case replica::ReplicaErrorKind::NotAReplica:
        case replica::ReplicaErrorKind::BadKeyFile:
        case replica::ReplicaErrorKind::AlreadyExists:
        case replica::ReplicaErrorKind::InUse:
            break;
    }
    return KioskDatabaseError::Kind::kOther;
}

Result<SQLite::Database, KioskDatabaseError> openKioskDatabase(const KioskDatabaseConfig& config) {
    auto key = config.keyFile.empty() ? replica::loadKeyFromCredential(kReplicaCredential)
                                      : replica::loadKeyFile(config.keyFile);
    if (!key) return fail(other("cannot load the replica key: " + key.error().message));
    auto db = replica::openReplica(config.path, *key, replica::OpenMode::kCreate);
    if (!db) return fail(KioskDatabaseError{kioskErrorKind(db.error().kind), db.error().message});
    try {
        db->exec("PRAGMA foreign_keys = ON");
        db->setBusyTimeout(5000);
        if (auto migrated = store::migrate(*db); !migrated) {
            return fail(other(migrated.error().message));
        }
    } catch (const SQLite::Exception& e) {
        const auto damage = replica::replicaFailure(e, *db);
        return fail(KioskDatabaseError{
            damage ? KioskDatabaseError::Kind::kDamaged : KioskDatabaseError::Kind::kOther,
            "cannot prepare the replica " + config.path.string() + ": " +
                (damage ? damage->message : std::string(e.what()))});
    }
    return std::move(db).value();
}

Result<std::filesystem::path> moveDamagedReplicaAside(const std::filesystem::path& replica,
                                                      std::int64_t nowMs) {
    std::time_t t = static_cast<std::time_t>(nowMs / 1000);
    std::tm tm{};
    localtime_r(&t, &tm);
    std::array<char, 32> stamp{};
    std::strftime(stamp.data(), stamp.size(), "%Y%m%d-%H%M%S", &tm);
    std::filesystem::path base = replica;
    base += std::string(".damaged-") + stamp.data();
    // Never over an earlier one moved aside in the same second.
    std::filesystem::path target = base;
    for (int n = 2; std::filesystem::exists(target); ++n) {
        target = base;
        target += "-" + std::to_string(n);
    }
    std::error_code error;
    // The WAL first: if the database were moved and the WAL not, a new replica at the old
    // path would meet the old WAL.
    for (const char* suffix : {"-wal", "-shm", ""}) {
        std::filesystem::path from = replica;
        from += suffix;
        if (!std::filesystem::exists(from, error)) continue;
        std::filesystem::path to = target;
        to += suffix;
        std::filesystem::rename(from, to, error);
        if (error) return fail("cannot rename " + from.string() + ": " + error.message());
    }
    return target;
}

}  // namespace admit::kiosk

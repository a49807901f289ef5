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

KioskDatabaseError plain(std::string message) { return {std::move(message), false}; }

}  // namespace

Result<SQLite::Database, KioskDatabaseError> openKioskDatabase(const KioskDatabaseConfig& config) {
    auto key = config.keyFile.empty() ? replica::loadKeyFromCredential(kReplicaCredential)
                                      : replica::loadKeyFile(config.keyFile);
    if (!key) return fail(plain("cannot load the replica key: " + key.error().message));
    auto db = replica::openReplica(config.path, *key, replica::OpenMode::Create);
    if (!db) {
        // Both are cured the same way: move the file aside and sync a new replica.
        const bool resyncable = db.error().kind == replica::ReplicaErrorKind::Damaged ||
                                db.error().kind == replica::ReplicaErrorKind::OlderFormat;
        return fail(KioskDatabaseError{db.error().message, resyncable});
    }
    try {
        db->exec("PRAGMA foreign_keys = ON");
        db->setBusyTimeout(5000);
        if (auto migrated = store::migrate(*db); !migrated) {
            return fail(KioskDatabaseError{migrated.error().message,
                                           describesDamage(migrated.error().message)});
        }
    } catch (const SQLite::Exception& e) {
        return fail(KioskDatabaseError{"cannot prepare the replica " + config.path.string() + ": " +
                                           replica::describeReplicaFailure(e),
                                       replica::replicaFailure(e).has_value()});
    }
    return std::move(db).value();
}

bool describesDamage(const std::string& message) {
    static const std::string marker = replica::damagedError("").message;
    return message.find(marker) != std::string::npos;
}

bool describesOlderFormat(const std::string& message) {
    static const std::string marker = replica::olderFormatError("").message;
    return message.find(marker) != std::string::npos;
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

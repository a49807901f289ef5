#include "admit/sync/store/received_checkins.hpp"

#include "admit/replica/backup.hpp"
#include "admit/replica/replica.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/clock.hpp"
#include "admit/store/meta.hpp"
#include "admit/store/uuid.hpp"

namespace admit::sync {
namespace {

// A stored record as it travels (whether it was annulled travels as a later annulment).
CheckInRecord readRecord(SQLite::Statement& q) {
    store::CheckInRecord stored = store::readCheckInRecord(q);
    return {std::move(stored.checkIn), stored.annulment, std::move(stored.annuls)};
}

}  // namespace

void ReceivedCheckIns::add(const std::string& checkInId, const std::string& eventId,
                           const std::string& deviceId, std::int64_t nowMs) {
    if (!insert_) {
        insert_.emplace(db_,
                        "INSERT INTO received_checkins (checkin_id, event_id, device_id, "
                        "received_at) VALUES (?, ?, ?, ?)");
    }
    insert_->bind(1, checkInId);
    insert_->bind(2, eventId);
    insert_->bind(3, deviceId);
    insert_->bind(4, nowMs);
    // Reset even when the insert throws, so the statement can be used for the next entry.
    struct Reset {
        SQLite::Statement& statement;
        ~Reset() { statement.tryReset(); }
    } reset{*insert_};
    insert_->exec();
}

void ReceivedCheckIns::adopt(const std::string& checkInId, std::int64_t nowMs) {
    SQLite::Statement adopt(db_,
                            "INSERT INTO received_checkins (checkin_id, event_id, device_id, "
                            "received_at) SELECT id, event_id, device_id, ? FROM checkins WHERE "
                            "id = ? ON CONFLICT (checkin_id) DO NOTHING");
    adopt.bind(1, nowMs);
    adopt.bind(2, checkInId);
    adopt.exec();
}

std::int64_t ReceivedCheckIns::adoptMissing(const std::string& eventId, std::int64_t nowMs) {
    // Every row here is a stored check-in, so equal counts mean nothing is missing.
    SQLite::Statement stored(db_, "SELECT count(*) FROM checkins WHERE event_id = ?");
    stored.bind(1, eventId);
    stored.executeStep();
    SQLite::Statement ordered(db_, "SELECT count(*) FROM received_checkins WHERE event_id = ?");
    ordered.bind(1, eventId);
    ordered.executeStep();
    if (stored.getColumn(0).getInt64() == ordered.getColumn(0).getInt64()) return 0;
    // Targets before their annulments (by HLC), so a kiosk reading the order seldom holds one.
    SQLite::Statement adopt(db_,
                            "INSERT INTO received_checkins (checkin_id, event_id, device_id, "
                            "received_at) SELECT c.id, c.event_id, c.device_id, ? FROM checkins c "
                            "WHERE c.event_id = ? AND NOT EXISTS (SELECT 1 FROM received_checkins "
                            "r WHERE r.checkin_id = c.id) ORDER BY c.hlc, c.id");
    adopt.bind(1, nowMs);
    adopt.bind(2, eventId);
    return adopt.exec();
}

ReceivedCheckIns::Page ReceivedCheckIns::after(const std::string& eventId, std::int64_t after,
                                               const std::string& exceptDevice,
                                               std::int64_t limit) {
    Page page;
    page.next = after;
    SQLite::Statement q(db_, "SELECT " + store::recordColumns("c") +
                                 ", r.seq FROM received_checkins r JOIN checkins c ON c.id = "
                                 "r.checkin_id WHERE r.event_id = ? AND r.seq > ? AND "
                                 "r.device_id <> ? ORDER BY r.seq LIMIT ?");
    q.bind(1, eventId);
    q.bind(2, after);
    q.bind(3, exceptDevice);
    q.bind(4, limit + 1);
    while (q.executeStep()) {
        if (static_cast<std::int64_t>(page.checkIns.size()) == limit) {
            page.more = true;
            break;
        }
        page.checkIns.push_back(readRecord(q));
        page.next = q.getColumn(store::kRecordColumnCount).getInt64();
    }
    if (!page.more) {
        SQLite::Statement last(db_, "SELECT max(seq) FROM received_checkins WHERE event_id = ?");
        last.bind(1, eventId);
        if (last.executeStep() && !last.getColumn(0).isNull()) {
            page.next = std::max(page.next, last.getColumn(0).getInt64());
        }
    }
    return page;
}

std::optional<CheckInRecord> ReceivedCheckIns::find(const std::string& checkInId) {
    SQLite::Statement q(db_,
                        "SELECT " + store::recordColumns("c") + " FROM checkins c WHERE c.id = ?");
    q.bind(1, checkInId);
    if (!q.executeStep()) return std::nullopt;
    return readRecord(q);
}

std::string downloadOrder(SQLite::Database& db) {
    if (auto order = store::readMeta(db, "download_order")) return *order;
    startNewDownloadOrder(db);
    return *store::readMeta(db, "download_order");
}

void startNewDownloadOrder(SQLite::Database& db) {
    store::writeMeta(db, "download_order", store::newUuidV7(store::systemTimeMs()));
}

Status<replica::ReplicaError> backupServerDatabase(const std::filesystem::path& path,
                                                   const replica::ReplicaKey& key,
                                                   const std::filesystem::path& out) {
    if (auto made = replica::backupReplica(path, key, out); !made) return fail(made.error());
    auto copy = replica::openReplica(out, key, replica::OpenMode::kReadWrite);
    if (!copy) return fail(copy.error());
    try {
        startNewDownloadOrder(*copy);
    } catch (const SQLite::Exception& e) {
        if (auto damage = replica::replicaFailure(e, out.string())) return fail(*damage);
        return fail(
            replica::ReplicaError{replica::ReplicaErrorKind::Io, out.string(),
                                  "cannot mark the copy " + out.string() + ": " + e.what()});
    }
    return Ok{};
}

}  // namespace admit::sync

#include "admit/sync/store/quarantine.hpp"

#include <SQLiteCpp/Statement.h>

namespace admit::sync {
namespace {

// The event of a quarantined entry is its device's (the entry itself may name any event).
constexpr const char* kOfEvent =
    " FROM sync_quarantine WHERE device_id IN (SELECT device_id FROM devices WHERE event_id = ?)";

QuarantinedEntry readEntry(SQLite::Statement& q) {
    return {q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getInt64(),
            q.getColumn(3).getString(), q.getColumn(4).getString()};
}

}  // namespace

std::int64_t Quarantine::countForDevice(const std::string& deviceId) {
    SQLite::Statement q(db_, "SELECT count(*) FROM sync_quarantine WHERE device_id = ?");
    q.bind(1, deviceId);
    q.executeStep();
    return q.getColumn(0).getInt64();
}

Quarantine::Added Quarantine::add(const std::string& deviceId, const std::string& reason,
                                  const std::string& entry, std::int64_t nowMs) {
    // Looked up through sync_quarantine_by_device (device_id, entry): a scan of the whole
    // quarantine per entry made 20 quarantined batches of 500 nine times slower.
    SQLite::Statement seen(db_, "SELECT 1 FROM sync_quarantine WHERE device_id = ? AND entry = ?");
    seen.bind(1, deviceId);
    seen.bind(2, entry);
    if (seen.executeStep()) return Added::kAlreadyHeld;
    if (countedDevice_ != deviceId) {
        counted_ = countForDevice(deviceId);
        countedDevice_ = deviceId;
    }
    if (counted_ >= maxEntriesPerDevice_) return Added::kFull;
    SQLite::Statement insert(db_,
                             "INSERT INTO sync_quarantine (device_id, received_at, reason, entry) "
                             "VALUES (?, ?, ?, ?)");
    insert.bind(1, deviceId);
    insert.bind(2, nowMs);
    insert.bind(3, reason);
    insert.bind(4, entry);
    insert.exec();
    ++counted_;
    return Added::kAdded;
}

std::vector<QuarantinedEntry> Quarantine::listForEvent(const std::string& eventId,
                                                       std::int64_t limit) {
    SQLite::Statement q(db_, std::string("SELECT seq, device_id, received_at, reason, entry") +
                                 kOfEvent + " ORDER BY seq DESC LIMIT ?");
    q.bind(1, eventId);
    q.bind(2, limit);
    std::vector<QuarantinedEntry> out;
    while (q.executeStep()) out.push_back(readEntry(q));
    return out;
}

std::int64_t Quarantine::countForEvent(const std::string& eventId) {
    SQLite::Statement q(db_, std::string("SELECT count(*)") + kOfEvent);
    q.bind(1, eventId);
    q.executeStep();
    return q.getColumn(0).getInt64();
}

std::optional<QuarantinedEntry> Quarantine::find(const std::string& eventId, std::int64_t seq) {
    SQLite::Statement q(db_, std::string("SELECT seq, device_id, received_at, reason, entry") +
                                 kOfEvent + " AND seq = ?");
    q.bind(1, eventId);
    q.bind(2, seq);
    if (!q.executeStep()) return std::nullopt;
    return readEntry(q);
}

}  // namespace admit::sync

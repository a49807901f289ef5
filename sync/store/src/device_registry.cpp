#include "admit/sync/store/device_registry.hpp"

#include <cstdlib>

#include <SQLiteCpp/Statement.h>

#include "admit/sync/store/enrolment_tokens.hpp"

namespace admit::sync {
namespace {

constexpr const char* kColumns =
    "device_id, event_id, name, gate, enrolled_at, last_sync_at, revoked_at, app_version, "
    "outbox_depth, clock_offset_ms, role, relay_id";

DeviceRecord readDevice(SQLite::Statement& q) {
    DeviceRecord device;
    device.deviceId = q.getColumn(0).getString();
    device.eventId = q.getColumn(1).getString();
    device.name = q.getColumn(2).getString();
    device.gate = q.getColumn(3).getString();
    device.enrolledAtMs = q.getColumn(4).getInt64();
    if (!q.getColumn(5).isNull()) device.lastSyncAtMs = q.getColumn(5).getInt64();
    if (!q.getColumn(6).isNull()) device.revokedAtMs = q.getColumn(6).getInt64();
    device.appVersion = q.getColumn(7).getString();
    if (!q.getColumn(8).isNull()) device.outboxDepth = q.getColumn(8).getInt64();
    if (!q.getColumn(9).isNull()) device.clockOffsetMs = q.getColumn(9).getInt64();
    device.role = q.getColumn(10).getString() == "relay" ? DeviceRole::kRelay : DeviceRole::kKiosk;
    if (!q.getColumn(11).isNull()) device.relayId = q.getColumn(11).getString();
    return device;
}

}  // namespace

std::optional<DeviceRecord> DeviceRegistry::find(const std::string& deviceId) {
    SQLite::Statement q(db_,
                        std::string("SELECT ") + kColumns + " FROM devices WHERE device_id = ?");
    q.bind(1, deviceId);
    if (!q.executeStep()) return std::nullopt;
    return readDevice(q);
}

std::optional<DeviceRecord> DeviceRegistry::findByTokenHash(const Bytes& tokenHash) {
    SQLite::Statement q(db_,
                        std::string("SELECT ") + kColumns + " FROM devices WHERE token_hash = ?");
    q.bind(1, tokenHash.data(), static_cast<int>(tokenHash.size()));
    if (!q.executeStep()) return std::nullopt;
    return readDevice(q);
}

void DeviceRegistry::enrol(const std::string& deviceId, const std::string& eventId,
                           const std::string& name, const Bytes& tokenHash, std::int64_t nowMs,
                           DeviceRole role) {
    // Enrolled here itself, it no longer reaches us through a relay.
    SQLite::Statement upsert(
        db_,
        "INSERT INTO devices (device_id, event_id, name, token_hash, enrolled_at, "
        "acknowledged_through, role) VALUES (?, ?, ?, ?, ?, 0, ?) ON CONFLICT (device_id) DO "
        "UPDATE SET event_id = excluded.event_id, name = excluded.name, token_hash = "
        "excluded.token_hash, enrolled_at = excluded.enrolled_at, revoked_at = NULL, role = "
        "excluded.role, relay_id = NULL");
    upsert.bind(1, deviceId);
    upsert.bind(2, eventId);
    upsert.bind(3, name);
    upsert.bind(4, tokenHash.data(), static_cast<int>(tokenHash.size()));
    upsert.bind(5, nowMs);
    upsert.bind(6, role == DeviceRole::kRelay ? "relay" : "kiosk");
    upsert.exec();
}

void DeviceRegistry::registerRelayed(const std::string& deviceId, const std::string& eventId,
                                     const std::string& relayId, std::int64_t nowMs) {
    SQLite::Statement insert(db_,
                             "INSERT INTO devices (device_id, event_id, name, token_hash, "
                             "enrolled_at, role, relay_id) VALUES (?, ?, ?, ?, ?, 'kiosk', ?) "
                             "ON CONFLICT (device_id) DO NOTHING");
    insert.bind(1, deviceId);
    insert.bind(2, eventId);
    insert.bind(3, "via relay " + relayId);
    const Bytes unheld = tokenHash(newSecretToken());
    insert.bind(4, unheld.data(), static_cast<int>(unheld.size()));
    insert.bind(5, nowMs);
    insert.bind(6, relayId);
    insert.exec();
}

void DeviceRegistry::recordSync(const std::string& deviceId, std::int64_t nowMs,
                                const DeviceHeartbeat& heartbeat) {
    SQLite::Statement update(
        db_,
        "UPDATE devices SET last_sync_at = ?1, app_version = coalesce(?2, "
        "app_version), outbox_depth = coalesce(?3, outbox_depth), "
        "clock_offset_ms = coalesce(?4, clock_offset_ms) WHERE device_id = ?5");
    update.bind(1, nowMs);
    if (heartbeat.appVersion.empty()) {
        update.bind(2);
    } else {
        update.bind(2, heartbeat.appVersion);
    }
    if (heartbeat.outboxDepth) {
        update.bind(3, *heartbeat.outboxDepth);
    } else {
        update.bind(3);
    }
    if (heartbeat.clockMs) {
        update.bind(4, *heartbeat.clockMs - nowMs);
    } else {
        update.bind(4);
    }
    update.bind(5, deviceId);
    update.exec();
}

bool DeviceRegistry::recordSyncIfDue(const DeviceRecord& known, std::int64_t nowMs,
                                     const DeviceHeartbeat& heartbeat, std::int64_t resolutionMs) {
    const bool versionChanged =
        !heartbeat.appVersion.empty() && heartbeat.appVersion != known.appVersion;
    const bool depthChanged = heartbeat.outboxDepth && heartbeat.outboxDepth != known.outboxDepth;
    bool clockChanged = false;
    if (heartbeat.clockMs) {
        const std::int64_t offset = *heartbeat.clockMs - nowMs;
        clockChanged = !known.clockOffsetMs ||
                       std::abs(offset - *known.clockOffsetMs) >= kClockOffsetResolutionMs;
    }
    // A clock going backwards (the server's set back) is written too, so the age never reads
    // as negative.
    const bool stale = !known.lastSyncAtMs || nowMs - *known.lastSyncAtMs >= resolutionMs ||
                       nowMs < *known.lastSyncAtMs;
    if (!versionChanged && !depthChanged && !clockChanged && !stale) return false;
    recordSync(known.deviceId, nowMs, heartbeat);
    return true;
}

void DeviceRegistry::recordAcknowledged(const std::string& deviceId, std::int64_t seq) {
    SQLite::Statement update(db_,
                             "UPDATE devices SET acknowledged_through = "
                             "max(coalesce(acknowledged_through, 0), ?) WHERE device_id = ?");
    update.bind(1, seq);
    update.bind(2, deviceId);
    update.exec();
}

std::optional<std::int64_t> DeviceRegistry::acknowledgedThrough(const std::string& deviceId) {
    SQLite::Statement q(db_, "SELECT acknowledged_through FROM devices WHERE device_id = ?");
    q.bind(1, deviceId);
    if (!q.executeStep() || q.getColumn(0).isNull()) return std::nullopt;
    return q.getColumn(0).getInt64();
}

void DeviceRegistry::recordGate(const std::string& deviceId, const std::string& gate) {
    SQLite::Statement update(db_, "UPDATE devices SET gate = ? WHERE device_id = ?");
    update.bind(1, gate);
    update.bind(2, deviceId);
    update.exec();
}

std::vector<DeviceRecord> DeviceRegistry::list(const std::string& eventId) {
    SQLite::Statement q(db_,
                        std::string("SELECT ") + kColumns +
                            " FROM devices WHERE event_id = ? ORDER BY enrolled_at, device_id");
    q.bind(1, eventId);
    std::vector<DeviceRecord> out;
    while (q.executeStep()) out.push_back(readDevice(q));
    return out;
}

Result<DeviceRecord> DeviceRegistry::revoke(const std::string& eventId, const std::string& deviceId,
                                            std::int64_t nowMs) {
    auto device = find(deviceId);
    if (!device || device->eventId != eventId) {
        return fail("no device " + deviceId + " is enrolled for event " + eventId);
    }
    if (device->revoked()) return *device;
    SQLite::Statement update(db_, "UPDATE devices SET revoked_at = ? WHERE device_id = ?");
    update.bind(1, nowMs);
    update.bind(2, deviceId);
    update.exec();
    device->revokedAtMs = nowMs;
    return *device;
}

}  // namespace admit::sync

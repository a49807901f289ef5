#pragma once
// The devices a sync server knows (docs/sync.md, "Enrolment" and "Revoking a device"): each
// device id is bound to one event and one device token (only its hash is kept), and the
// organiser can revoke it. The only owner of the `devices` table.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "admit/base/bytes.hpp"
#include "admit/base/result.hpp"
#include "admit/sync/protocol/heartbeat.hpp"
#include "admit/sync/protocol/messages.hpp"

namespace admit::sync {

// What a device is to this server (docs/sync.md, "Venue relay"): a kiosk uploads its own
// records; a relay uploads those of the kiosks it serves too. Chosen by the enrolment token.
enum class DeviceRole { kKiosk, kRelay };

struct DeviceRecord {
    std::string deviceId;
    std::string eventId;
    std::string name;
    std::string gate;
    std::int64_t enrolledAtMs = 0;
    std::optional<std::int64_t> lastSyncAtMs;
    std::optional<std::int64_t> revokedAtMs;  // set: its token is refused
    // From its last heartbeat (messages.hpp); unset for a device that never sent one.
    std::string appVersion;
    std::optional<std::int64_t> outboxDepth;
    std::optional<std::int64_t> clockOffsetMs;  // its clock minus the server's
    DeviceRole role = DeviceRole::kKiosk;
    // Set for a kiosk that reaches this server only through a relay: the relay's device id.
    // Such a device has no token of ours (nobody can present it).
    std::optional<std::string> relayId;

    bool revoked() const { return revokedAtMs.has_value(); }
};

// How stale a device's recorded last sync may be: a request whose heartbeat says nothing new
// is written only when the last write is this old (docs/sync.md, "Heartbeat").
inline constexpr std::int64_t kLastSyncResolutionMs = 10'000;
// A clock offset that moved by less than this since the last write is the requests' travel
// time, not news (a clock counts as off at 2 minutes).
inline constexpr std::int64_t kClockOffsetResolutionMs = 1'000;

class DeviceRegistry {
  public:
    explicit DeviceRegistry(SQLite::Database& db) : db_(db) {}

    std::optional<DeviceRecord> find(const std::string& deviceId);
    // The device whose token has this hash (revoked or not).
    std::optional<DeviceRecord> findByTokenHash(const Bytes& tokenHash);

    // Registers the device for the event with a new token hash, or, for a device already
    // registered, replaces its event, name and token and lifts a revocation. The caller has
    // checked that the device may move (ServerStore::enrol).
    void enrol(const std::string& deviceId, const std::string& eventId, const std::string& name,
               const Bytes& tokenHash, std::int64_t nowMs, DeviceRole role = DeviceRole::kKiosk);
    // Registers a device this server has not seen as one the relay `relayId` speaks for (its
    // first record uploaded by the relay), with an unguessable token hash nobody holds.
    void registerRelayed(const std::string& deviceId, const std::string& eventId,
                         const std::string& relayId, std::int64_t nowMs);

    // A request from the device at nowMs, with what its heartbeat reported (a figure it did not
    // report keeps its last value).
    void recordSync(const std::string& deviceId, std::int64_t nowMs,
                    const DeviceHeartbeat& heartbeat = {});
    // recordSync, but only when it is worth a write: the device's first request, a heartbeat
    // figure that changed (app version, outbox depth, a clock offset moved by
    // kClockOffsetResolutionMs or more), or a last sync `resolutionMs` old (0: every request).
    // `known` is the device's row as read for this request. True if written.
    bool recordSyncIfDue(const DeviceRecord& known, std::int64_t nowMs,
                         const DeviceHeartbeat& heartbeat = {},
                         std::int64_t resolutionMs = kLastSyncResolutionMs);
    // The server holds the device's outbox through `seq` (an upload's acknowledged_through);
    // the figure only grows.
    void recordAcknowledged(const std::string& deviceId, std::int64_t seq);
    // How far the server holds the device's outbox: 0 for a device enrolled with nothing
    // uploaded yet, nullopt when not known (enrolled before schema 4, nothing uploaded since).
    std::optional<std::int64_t> acknowledgedThrough(const std::string& deviceId);
    void recordGate(const std::string& deviceId, const std::string& gate);

    // The event's devices, revoked ones included, in enrolment order.
    std::vector<DeviceRecord> list(const std::string& eventId);

    // Refuses the device's token from now on. Fails for a device that is not the event's;
    // revoking a revoked device keeps its first revocation time.
    Result<DeviceRecord> revoke(const std::string& eventId, const std::string& deviceId,
                                std::int64_t nowMs);

  private:
    SQLite::Database& db_;
};

}  // namespace admit::sync

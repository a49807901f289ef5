#pragma once
// What the sync server does with the organiser's database (docs/sync.md): enrolment, device
// authentication, uploaded check-ins (stored, or quarantined with a reason), the download order,
// the roster and the devices list, over the tables' owners (EnrolmentTokens, DeviceRegistry,
// ReceivedCheckIns, Quarantine, store::CheckInLog). No HTTP here: SyncServer carries these over
// HTTP. No error sentence here contains a token.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "admit/base/result.hpp"
#include "admit/sync/protocol/heartbeat.hpp"
#include "admit/sync/protocol/messages.hpp"
#include "admit/sync/store/device_registry.hpp"

namespace admit::sync {

// What went wrong: the protocol's error kind (messages.hpp), which names the HTTP status
// (httpStatus) and travels in the error body.
using ServerErrorKind = ErrorKind;

struct ServerError {
    ServerErrorKind kind = ServerErrorKind::kBadRequest;
    std::string message;  // a sentence; never contains a token
};

// The device a request's bearer token names, checked against the request's event.
struct AuthenticatedDevice {
    std::string deviceId;
    std::string eventId;
    DeviceRole role = DeviceRole::kKiosk;
};

// Which server this database is (docs/sync.md, "Venue relay"): the organiser's, or a venue
// relay's, whose roster is a copy of the upstream's and whose outbox is its upload queue to the
// upstream (the records its kiosks upload join it).
enum class StoreRole { kOrganiser, kRelay };

// What the database holds, for the server's /metrics.
struct StoreFigures {
    struct Event {
        std::string eventId;
        std::int64_t checkIns = 0;
        std::int64_t devices = 0;
        std::int64_t rosterVersion = 0;
    };
    struct Device {
        std::string eventId;
        std::string deviceId;
        std::int64_t lastSyncAtMs = 0;  // 0: no request since enrolment
    };
    std::vector<Event> events;
    std::vector<Device> devices;
    std::int64_t quarantined = 0;
};

// One object per request (it keeps no state between calls); the caller serialises access to
// the connection.
class ServerStore {
  public:
    explicit ServerStore(SQLite::Database& db, StoreRole role = StoreRole::kOrganiser)
        : db_(db), role_(role) {}

    // Redeems the enrolment token (one use) and registers the device with a new device token.
    // The token is checked first, and every token not accepted for the request's event gets
    // one answer (401), whether the event exists or not. A device id is bound to its event:
    // enrolling it for another event is refused (409) unless the organiser revoked it there.
    // A device enrolling again for its event gets a new token (the old one stops working).
    Result<EnrolResponse, ServerError> enrol(const EnrolRequest& request, std::int64_t nowMs);

    // The device named by `bearerToken`, if it belongs to `eventId` and is not revoked
    // (kDeviceRevoked); records nowMs as the device's last sync, with its heartbeat, when that is
    // due (DeviceRegistry::recordSyncIfDue: the recorded last sync may be up to
    // lastSyncResolutionMs old).
    Result<AuthenticatedDevice, ServerError> authenticate(
        std::string_view bearerToken, const std::string& eventId, std::int64_t nowMs,
        const DeviceHeartbeat& heartbeat = {},
        std::int64_t lastSyncResolutionMs = kLastSyncResolutionMs);

    // Stores the batch in one transaction: new check-ins are stored and queued for download,
    // ones already here (the same content) are counted, ones that cannot be stored (a known id
    // with other content included) are quarantined verbatim. A batch that would take the
    // device's quarantine over its cap is refused whole (kQuarantineFull). A relay's entries
    // may be its kiosks' (another device id): accepted for devices this server has not seen or
    // that the same relay brought, quarantined for any other. On a relay's database, each new
    // record also joins the outbox, in the same transaction, for the upstream.
    Result<UploadResponse, ServerError> upload(const AuthenticatedDevice& device,
                                               const UploadRequest& request, std::int64_t nowMs);

    // Check-ins from other devices received after the cursor `after`, at most `limit`. Check-ins
    // recorded in this database itself (`admit checkin` at the organiser's desk) join the
    // download order first, once each.
    Result<DownloadResponse, ServerError> download(const AuthenticatedDevice& device,
                                                   std::int64_t after, std::int64_t limit,
                                                   std::int64_t nowMs);

    // The roster response body (rosterJson) for a kiosk that has version `have`, the page after
    // the cursor `after` when it is changes; first forgets changes older than the log's window.
    Result<std::string, ServerError> roster(const AuthenticatedDevice& device, std::int64_t have,
                                            std::int64_t after = 0);

    // The whole roster (writeFullRoster: the answer for version 0) handed to `out` in pieces as
    // it is read, never held whole; first forgets changes older than the log's window. Returns
    // the version written.
    Result<std::int64_t, ServerError> writeFullRoster(
        const AuthenticatedDevice& device, const std::function<void(std::string_view)>& out);

    DevicesResponse devices(const AuthenticatedDevice& device);

    // A relay's database after a round with its upstream: check-ins the round downloaded (other
    // venues') join the download order for this relay's kiosks, and the operators the roster
    // brought serve the event here (a copied roster has no operator_events rows). Returns the
    // check-ins that joined.
    std::int64_t adoptUpstreamRound(const std::string& eventId, std::int64_t nowMs);

    // Counts for /metrics, from the tables' owners: a few queries per event.
    StoreFigures figures();

    // The event's roster version now (0 for an event without one).
    std::int64_t rosterVersion(const std::string& eventId);

    // A number that changes whenever another connection (another process: the organiser's
    // `admit`) commits to the database, and not for this connection's own commits: the server
    // compares it between looks to learn that its waiting downloads may have news. Costs no
    // read of the database file (SQLite's data_version).
    std::int64_t othersChangeCounter();

  private:
    void adoptLocalCheckIns(std::int64_t nowMs);

    SQLite::Database& db_;
    StoreRole role_;
};

}  // namespace admit::sync

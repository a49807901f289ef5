#pragma once
// The kiosk side of sync (docs/sync.md) over libcurl: enrolment and one sync round (upload the
// outbox, download other devices' check-ins, refresh the roster and the devices list) against
// a replica. Failure is expected (bad Wi-Fi), so every call returns an error value naming the
// step and the cause; the replica is left as the last completed step left it.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <SQLiteCpp/Database.h>

#include "admit/base/result.hpp"
#include "admit/replica/replica_error.hpp"
#include "admit/sync/client/server_address.hpp"
#include "admit/sync/protocol/messages.hpp"

namespace admit::sync {

struct RoundReport {
    std::int64_t uploaded = 0;    // outbox entries the server acknowledged
    std::int64_t downloaded = 0;  // check-ins from other devices stored locally
    // Outbox entries the server had acknowledged but no longer holds (it was restored from a
    // backup): the cursor moved back, and the next round sends them again.
    std::int64_t resent = 0;
    // Times the server's download order had a new name (a restored backup) and the download
    // started again from the beginning.
    std::int64_t orderRestarts = 0;
    bool rosterChanged = false;
    std::int64_t rosterVersion = 0;  // the roster version the replica holds after the round
    std::int64_t finishedAtMs = 0;
};

struct SyncError {
    enum class Kind {
        kUnreachable,         // no connection, DNS, timeout
        kRefused,             // 401/403/410: the device or enrolment token is not accepted
        kRevoked,             // the organiser removed this device (401, kind device_revoked)
        kServer,              // any other non-2xx answer
        kBadResponse,         // a 2xx body that does not parse
        kLocal,               // the replica could not be read or written
        kWrongServerKey,      // https: the server's key is not the one in the set-up code
        kCertificateRefused,  // https without a pin: the certificate is not trusted
        kProtocolMismatch,    // the server speaks another sync protocol version: update one
    };
    Kind kind = Kind::kUnreachable;
    std::string step;     // "enrol", "upload", "download", "roster", "devices"
    std::string message;  // a sentence for a person; never contains a token
    // kLocal: the replica's failure when it is one (replica::replicaFailure), e.g. Damaged: the
    // replica needs a re-sync. Empty for every other error.
    std::optional<replica::ReplicaErrorKind> replicaKind;
    // The server asked the client to wait this long before its next request (Retry-After on a
    // 429 or 503); the client keeps to it (runRound sends nothing until then).
    // (Initialised here so that brace-initialised errors without it stay complete.)
    std::optional<std::chrono::seconds> retryAfter = std::nullopt;
    // A round's failure: what it did before the failing step (entries the server acknowledged,
    // check-ins stored, the roster version held), so a failed round is not reported as one that
    // did nothing.
    RoundReport progress = {};
};

struct Timeouts {
    std::chrono::milliseconds connect{5'000};
    std::chrono::milliseconds request{30'000};
    std::chrono::milliseconds roster{120'000};
};

// A waiting download (docs/sync.md, "Waiting downloads"): what the kiosk has, so the server can
// tell when there is something new for it. Made from the replica on the sync thread
// (SyncClient::prepareWait); waitForNews uses no replica, so another thread can wait with it.
struct WaitRequest {
    std::string eventId;
    std::string deviceToken;          // a secret: never logged
    std::int64_t after = 0;           // sync.checkins_after
    std::int64_t rosterVersion = 0;   // sync.roster_version
    std::chrono::seconds wait{25};    // the server cuts it to its own maximum
    std::function<bool()> cancelled;  // optional: true abandons the wait (within about 1 s)
};

enum class WaitOutcome {
    kNews,        // something new for this kiosk: a round downloads it
    kNothingNew,  // the wait ran out (or the server stopped): wait again
    kNotWaiting,  // the server answered at once without waiting (an older one): poll instead
};

// A round asks for the event's device list (the dashboard's kiosks) only when the last one is
// this old: it costs the server a pass over the event's check-ins, and a kiosk runs a round
// whenever news arrives (docs/sync.md, "Rounds").
inline constexpr std::int64_t kDeviceListEveryMs = 30'000;

class SyncClient {
  public:
    explicit SyncClient(ServerAddress server, Timeouts timeouts = {});

    // POST /v1/enrol. The caller stores the answer with saveEnrolment.
    Result<EnrolResponse, SyncError> enrol(const EnrolRequest& request);

    // One round with the device token stored in the replica (upload, download, roster, and the
    // device list when due: kDeviceListEveryMs). Records the attempt, the outcome
    // (sync.last_success_at or sync.last_error) and the cursors in the replica's meta. After an
    // answer with Retry-After it sends nothing until that time has passed (sync.retry_not_before)
    // and fails at once with the time left.
    Result<RoundReport, SyncError> runRound(SQLite::Database& replica, const std::string& eventId,
                                            const std::string& gate, std::int64_t nowMs);

    // On the thread that owns the replica: the waiting download for what it holds now; nullopt
    // if the kiosk is not enrolled, was removed, or the replica cannot be read.
    static std::optional<WaitRequest> prepareWait(SQLite::Database& replica,
                                                  const std::string& eventId);
    // Any thread, no replica: one waiting download (up to request.wait plus the request
    // timeout). Whatever it answers is downloaded by the next round, not here.
    Result<WaitOutcome, SyncError> waitForNews(const WaitRequest& request);

  private:
    ServerAddress server_;
    Timeouts timeouts_;
};

}  // namespace admit::sync

#pragma once
// What the kiosk shows about sync (docs/sync.md), and when its sync thread runs the next round.
// Pure: no threads, no network, no database, so both are unit-tested on their own.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "admit/sync/protocol/messages.hpp"

namespace admit::kiosk {

// The replica's sync state as the screens see it (from sync::readSyncState after each round).
// How the kiosk reaches its sync server, for the settings screen.
enum class ServerConnection {
    kNone,             // no server (offline set-up)
    kUnencrypted,      // http://
    kEncrypted,        // https://, the certificate checked against the system's CAs
    kEncryptedPinned,  // https://, the server's key checked against the event code's
};

struct SyncView {
    bool enrolled = false;  // a server URL and a device token are stored
    std::string server;     // the server for people: "host:port"
    ServerConnection connection = ServerConnection::kNone;
    std::optional<std::int64_t> lastSuccessMs;
    std::optional<std::int64_t> lastAttemptMs;
    std::string lastError;  // empty after a successful round
    bool online = false;    // the last round succeeded
    bool stopped = false;   // the server refused the device token: no rounds until re-enrolled
    bool removed = false;   // stopped because the organiser revoked this kiosk
    std::vector<sync::DeviceStatus> devices;  // from the last successful round
    std::string activity;  // "Connecting to host:8470..." while enrolling, else empty
};

// One round's outcome, for the headless JSON line ({"kind":"sync",...}).
struct SyncRoundOutcome {
    bool ok = false;
    std::string step;       // the failed step ("upload", "roster", ...), empty on success
    std::string error;      // a sentence, never a token; empty on success
    std::string errorKind;  // "unreachable", "refused", "revoked", "server", "bad_response",
                            // "local", "wrong_server_key", "certificate_refused"
    std::int64_t uploaded = 0;
    std::int64_t downloaded = 0;
    bool rosterChanged = false;
    std::int64_t rosterVersion = 0;
    std::int64_t pendingUploads = 0;  // the outbox after the round
    std::int64_t atMs = 0;
    bool afterEnrolment = false;  // the first round of a new enrolment
};

struct SyncLine {
    std::string text;  // "Synced 2 min ago", "Offline - last sync 14:02", "Never synced"
    bool online = false;
};

// The status bar's sync text at `nowMs`.
SyncLine describeSync(const SyncView& view, std::int64_t nowMs);

// How the dashboard names the device behind a check-in record: "This kiosk", the name the
// server knows it by, or (never synced) the start of its id.
std::string deviceLabel(const std::string& deviceId, const std::string& ownDeviceId,
                        const std::vector<sync::DeviceStatus>& devices);

// "host:port" (or "host") from a server URL, for people; the URL itself if it has no host.
std::string serverDisplayName(const std::string& url);

// When the sync thread runs its next round: every interval (kInterval unless told) after a
// success, sooner (kAfterCheckIn) after a check-in, at once when a waiting download says the
// server has news, and after failures with a backoff that doubles from
// kInterval up to kMaxBackoff. A refused device token stops the rounds until a new enrolment.
class SyncSchedule {
  public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::milliseconds kInterval{15'000};
    static constexpr std::chrono::milliseconds kMaxBackoff{120'000};
    static constexpr std::chrono::milliseconds kAfterCheckIn{1'000};

    explicit SyncSchedule(std::chrono::milliseconds interval = kInterval) : interval_(interval) {}

    // The wait after `failures` failed rounds in a row (0: the normal interval).
    static std::chrono::milliseconds delayAfter(int failures);

    // A new enrolment (or the start of the kiosk): a round is due at once.
    void restart(Clock::time_point now);
    void roundSucceeded(Clock::time_point now);
    // `refused`: the server does not accept the device token (401/403): stop.
    void roundFailed(Clock::time_point now, bool refused);
    // A check-in waits for upload: bring the next round forward, unless rounds are failing
    // (the backoff stands: the server is unreachable, a check-in does not change that).
    void checkInRecorded(Clock::time_point now);
    // The server has something new for this kiosk (a waiting download ended with news): a
    // round at once, unless rounds are failing or stopped.
    void newsArrived(Clock::time_point now);

    // nullopt: stopped.
    std::optional<Clock::time_point> nextRoundAt() const;
    int failures() const { return failures_; }
    bool stopped() const { return stopped_; }

  private:
    std::chrono::milliseconds interval_;
    Clock::time_point next_{};
    int failures_ = 0;
    bool stopped_ = false;
};

}  // namespace admit::kiosk

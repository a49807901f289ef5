#pragma once
// The sync protocol's messages (docs/sync.md) and their JSON. Parsing is where a malformed
// body is expected, so it returns errors as values naming the field (and, in a batch, the
// entry's seq). Serialising never fails.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admit/base/result.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/denied_scan.hpp"

namespace admit::sync {

// 4 since the roster carries multi-day rules (events.day_starts_at, ticket_type_days, the
// re-entry policy once_per_day, which a protocol-3 kiosk's schema refuses); 3 since kiosks
// upload their denied scans (entries of kind "denial", which a protocol-2 server would
// quarantine); 2 brought the incremental roster (docs/sync.md, "Protocol version"). Every
// message and answer carries it; a party of another version refuses with kind protocol_mismatch.
inline constexpr int kProtocolVersion = 4;
inline constexpr std::size_t kMaxUploadEntries = 500;
inline constexpr std::int64_t kDefaultDownloadLimit = 1000;
inline constexpr std::int64_t kMaxDownloadLimit = 2000;
inline constexpr std::size_t kMaxBodyBytes = 8u << 20;

// Paths. Event-scoped paths are "/v1/events/<event id>/<what>".
inline constexpr std::string_view kEnrolPath = "/v1/enrol";
std::string checkinsPath(const std::string& eventId);
std::string rosterPath(const std::string& eventId);
std::string devicesPath(const std::string& eventId);

// Why the server refused a request, sent as "kind" beside the sentence in an error body: a
// client decides on the kind (and the status), never on the sentence's words.
enum class ErrorKind {
    kBadRequest,        // 400 "bad_request": a malformed field (the sentence names it)
    kUnauthorised,      // 401 "unauthorised": no token, or one this server does not accept
    kDeviceRevoked,     // 401 "device_revoked": the organiser removed this device
    kForbidden,         // 403 "forbidden": a device token for another event
    kNotFound,          // 404 "not_found": unknown event (told only to a known device)
    kDeviceBound,       // 409 "device_bound": the device id is enrolled for another event
    kGone,              // 410 "gone": the enrolment token was used or has expired
    kRateLimited,       // 429 "rate_limited": too many failed authentications (Retry-After)
    kQuarantineFull,    // 507 "quarantine_full": the device's quarantine is at its cap
    kProtocolMismatch,  // 400 "protocol_mismatch": the request speaks another protocol version
    kTooManyWaiting,    // 429 "too_many_waiting": the server holds as many waiting downloads as
                        // it allows (in all or for this device); download without waiting
};

std::string_view errorKindName(ErrorKind kind);
// The "protocol" of a JSON message body, if it has an integer one: to tell a request of another
// protocol version (refused as protocol_mismatch) from a malformed one.
std::optional<std::int64_t> messageProtocol(std::string_view body);
std::optional<ErrorKind> parseErrorKind(std::string_view name);
int httpStatus(ErrorKind kind);

// An error body: {"error": sentence, "kind": name}. The kind is absent from answers the HTTP
// layer gives before any handler runs (404 path, 413, 431, 503...).
struct ErrorBody {
    std::string sentence;
    std::optional<ErrorKind> kind;
};

// A check-in as it travels: the outbox payload the check-in log writes.
struct CheckInRecord {
    store::CheckIn checkIn;
    bool annulment = false;  // verdict "annulled" (an undo) rather than "accepted"
    std::string annuls;      // the annulled check-in's id, for an annulment

    friend bool operator==(const CheckInRecord&, const CheckInRecord&) = default;
};

struct EnrolRequest {
    std::string eventId;
    std::string enrolmentToken;  // a secret
    std::string deviceId;
    std::string deviceName;
};

struct EnrolResponse {
    std::string deviceToken;  // a secret
    std::string eventName;
};

struct UploadEntry {
    std::int64_t seq = 0;
    std::string kind;  // store::kCheckInKind or store::kDeniedScanKind (outbox.hpp)
    std::string recordId;
    std::int64_t hlc = 0;
    std::string payload;  // the outbox payload, JSON text, kept verbatim
};

struct UploadRequest {
    std::string deviceId;
    std::string gate;
    std::vector<UploadEntry> entries;
};

struct UploadResponse {
    std::int64_t acknowledgedThrough = 0;
    std::int64_t stored = 0;
    std::int64_t alreadyHad = 0;
    std::int64_t quarantined = 0;
};

struct DownloadResponse {
    std::vector<CheckInRecord> checkins;
    std::int64_t next = 0;
    bool more = false;
    // How far the server holds the asking device's own outbox (its highest acknowledged seq),
    // if it knows. Lower than the device's cursor: the server lost entries it had acknowledged
    // (restored from a backup), and the device sends them again.
    std::optional<std::int64_t> deviceAcknowledgedThrough;
    // Names the server's download order. A database restored from a backup gets a new one, so a
    // kiosk whose cursor counts in the old order (past seqs the restored server hands out again)
    // reads from the start; what it has already is ignored. Empty: an older server.
    std::string order;
    // The event's roster version now: answered to a waiting download (wait=...), so the kiosk
    // knows whether the wait ended for a roster change. Absent: an older server, which does not
    // wait. (Initialised here so that brace-initialised answers without it stay complete.)
    std::optional<std::int64_t> rosterVersion = std::nullopt;
};

struct DeviceStatus {
    std::string deviceId;
    std::string name;
    std::string gate;
    std::int64_t enrolledAtMs = 0;
    std::optional<std::int64_t> lastSyncAtMs;
    std::int64_t checkins = 0;
    // From its last heartbeat (below); unset for a device that never sent one.
    std::string appVersion;
    std::optional<std::int64_t> outboxDepth;
    std::optional<std::int64_t> clockOffsetMs;  // its clock minus the server's, when it reported

    friend bool operator==(const DeviceStatus&, const DeviceStatus&) = default;
};

struct DevicesResponse {
    std::vector<DeviceStatus> devices;
};

// Each message as a JSON text (with "protocol": 1) and back. A parse error names the field.
std::string toJson(const EnrolRequest& message);
std::string toJson(const EnrolResponse& message);
std::string toJson(const UploadRequest& message);
std::string toJson(const UploadResponse& message);
std::string toJson(const DownloadResponse& message);
std::string toJson(const DevicesResponse& message);
std::string errorJson(const std::string& sentence);  // {"error": sentence}
std::string errorJson(const std::string& sentence, ErrorKind kind);

Result<EnrolRequest> parseEnrolRequest(std::string_view body);
Result<EnrolResponse> parseEnrolResponse(std::string_view body);
Result<UploadRequest> parseUploadRequest(std::string_view body);
Result<UploadResponse> parseUploadResponse(std::string_view body);
Result<DownloadResponse> parseDownloadResponse(std::string_view body);
Result<DevicesResponse> parseDevicesResponse(std::string_view body);
// The sentence of an error body, or nullopt if the body is not one.
std::optional<std::string> parseErrorSentence(std::string_view body);
// The sentence and kind of an error body (an unknown kind is left out: a newer server's kind
// is judged by its status), or nullopt if the body is not one.
std::optional<ErrorBody> parseErrorBody(std::string_view body);

// A check-in record from an outbox payload (JSON text), and back. Validates every field
// (ids, direction, verdict, annuls present exactly for annulments).
Result<CheckInRecord> parseCheckInRecord(std::string_view payload);
std::string toJson(const CheckInRecord& record);
// A denied scan from an outbox payload (store::deniedScanPayload writes it). Validates every
// field: ids, direction, a reason of lower-case letters and '_', lengths.
Result<store::DeniedScan> parseDeniedScan(std::string_view payload);

}  // namespace admit::sync

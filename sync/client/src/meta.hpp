#pragma once
// The sync client's keys in the replica's meta table (admit/store/meta.hpp). SQLite errors are
// exceptions there; the client turns them into SyncError values.

#include "admit/store/meta.hpp"

namespace admit::sync::detail {

inline constexpr const char* kServerUrl = "sync.server_url";
inline constexpr const char* kDeviceToken = "sync.device_token";
// The SHA-256 of the server's public key, 64 hex digits; absent when the set-up code had none.
inline constexpr const char* kServerKeySha256 = "sync.server_key_sha256";
inline constexpr const char* kCheckinsAfter = "sync.checkins_after";
// The name of the server's download order the cursor counts in (DownloadResponse::order).
inline constexpr const char* kDownloadOrder = "sync.download_order";
inline constexpr const char* kRosterVersion = "sync.roster_version";
inline constexpr const char* kLastSuccessAt = "sync.last_success_at";
inline constexpr const char* kLastAttemptAt = "sync.last_attempt_at";
inline constexpr const char* kLastError = "sync.last_error";
// "1" once the server said the organiser revoked this device; erased by a new enrolment.
inline constexpr const char* kRevoked = "sync.revoked";
inline constexpr const char* kDevices = "sync.devices";
// When kDevices was last asked for (ms, the round's clock): it is asked for at most every
// kDeviceListEveryMs.
inline constexpr const char* kDevicesAt = "sync.devices_at";
// The server's Retry-After as a time (ms): no request goes out before it.
inline constexpr const char* kRetryNotBefore = "sync.retry_not_before";
// Downloaded annulments whose target check-in is not stored yet (JSON array of records).
inline constexpr const char* kHeldAnnulments = "sync.held_annulments";

using store::eraseMeta;
using store::readMeta;
using store::readMetaInt;
using store::writeMeta;

}  // namespace admit::sync::detail

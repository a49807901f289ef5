#include "admit/sync/store/server_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <tuple>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <nlohmann/json.hpp>

#include "admit/store/checkin_log.hpp"
#include "admit/store/events.hpp"
#include "admit/store/hybrid_logical_clock.hpp"
#include "admit/store/operators.hpp"
#include "admit/store/outbox.hpp"
#include "admit/sync/protocol/roster.hpp"
#include "admit/sync/store/device_registry.hpp"
#include "admit/sync/store/enrolment_tokens.hpp"
#include "admit/sync/store/quarantine.hpp"
#include "admit/sync/store/received_checkins.hpp"
#include "admit/sync/store/received_denials.hpp"

namespace admit::sync {
namespace {

using json = nlohmann::json;

Failure<ServerError> refuse(ServerErrorKind kind, std::string message) {
    return fail(ServerError{kind, std::move(message)});
}

// A JSON string literal; strings that came through the JSON parser are valid UTF-8 already.
std::string quoted(const std::string& text) {
    return json(text).dump(-1, ' ', false, json::error_handler_t::replace);
}

// The entry as the kiosk sent it (its payload object as the protocol parser kept it), so the
// organiser can see exactly what could not be stored.
std::string entryText(const UploadEntry& entry) {
    std::string payload = json::accept(entry.payload) ? entry.payload : quoted(entry.payload);
    return "{\"seq\":" + std::to_string(entry.seq) + ",\"kind\":" + quoted(entry.kind) +
           ",\"record_id\":" + quoted(entry.recordId) + ",\"hlc\":" + std::to_string(entry.hlc) +
           ",\"payload\":" + payload + "}";
}

// Why `uploader` may not upload a record `what` made by device `maker`, or an empty string if it
// may: its own records, and a relay's those of the kiosks it serves. A relay's kiosk is
// registered with its first record; from then on only that relay speaks for it, and a device
// enrolled here itself (or brought by another relay) is never spoken for.
std::string speakerRejection(DeviceRegistry& registry, const AuthenticatedDevice& uploader,
                             const std::string& maker, const std::string& what,
                             std::int64_t nowMs) {
    if (maker == uploader.deviceId) return {};
    if (uploader.role != DeviceRole::kRelay) {
        return "the " + what + " was made by device " + maker + ", not by " + uploader.deviceId;
    }
    if (maker.empty()) return "the " + what + " names no device";
    auto known = registry.find(maker);
    if (!known) {
        registry.registerRelayed(maker, uploader.eventId, uploader.deviceId, nowMs);
        return {};
    }
    if (known->relayId == uploader.deviceId && known->eventId == uploader.eventId) return {};
    return "the " + what + " was made by device " + maker + ", which relay " + uploader.deviceId +
           " does not serve";
}

// Why the check-in cannot be stored, or an empty string if it can.
std::string checkInRejection(ReceivedCheckIns& received, DeviceRegistry& registry,
                             const UploadEntry& entry, const Result<CheckInRecord>& record,
                             const AuthenticatedDevice& device, std::int64_t nowMs) {
    if (!record) return "the payload is not a check-in: " + record.error().message;
    const store::CheckIn& c = record->checkIn;
    if (c.id != entry.recordId) return "record_id differs from the payload's id";
    if (c.hlc != entry.hlc) return "hlc differs from the payload's hlc";
    if (c.hlc <= 0 || c.wallTimeMs < 0) return "hlc or wall_time is out of range";
    if (c.eventId != device.eventId) {
        return "the check-in is for event " + c.eventId + ", not " + device.eventId;
    }
    if (std::string reason = speakerRejection(registry, device, c.deviceId, "check-in", nowMs);
        !reason.empty()) {
        return reason;
    }
    if (record->annulment) {
        auto target = received.find(record->annuls);
        if (!target) return "the annulled check-in " + record->annuls + " is not on the server";
        if (target->checkIn.eventId != c.eventId) {
            return "the annulled check-in " + record->annuls + " belongs to another event";
        }
    }
    return {};
}

// Why the denial cannot be stored, or an empty string if it can.
std::string denialRejection(DeviceRegistry& registry, const UploadEntry& entry,
                            const Result<store::DeniedScan>& denial,
                            const AuthenticatedDevice& device, std::int64_t nowMs) {
    if (!denial) return "the payload is not a denial: " + denial.error().message;
    if (denial->id != entry.recordId) return "record_id differs from the payload's id";
    if (denial->hlc != entry.hlc) return "hlc differs from the payload's hlc";
    if (denial->eventId != device.eventId) {
        return "the denial is for event " + denial->eventId + ", not " + device.eventId;
    }
    return speakerRejection(registry, device, denial->deviceId, "denial", nowMs);
}

enum class Stored { kNew, kAlreadyHad };

// Stores an uploaded check-in; returns why it cannot be stored (to quarantine) or an empty
// string, with `stored` saying whether it was new or a retry of the same content.
std::string storeCheckIn(SQLite::Database& db, store::CheckInLog& log, ReceivedCheckIns& received,
                         DeviceRegistry& registry, const UploadEntry& entry,
                         const AuthenticatedDevice& device, std::int64_t nowMs, Stored& stored) {
    auto record = parseCheckInRecord(entry.payload);
    if (std::string reason = checkInRejection(received, registry, entry, record, device, nowMs);
        !reason.empty()) {
        return reason;
    }
    // A known id is a retry only if the content is the same; other content under a used id
    // would otherwise vanish as "already had".
    if (auto known = received.find(record->checkIn.id)) {
        if (*known != *record) {
            return "check-in " + record->checkIn.id + " is stored already with other content";
        }
        stored = Stored::kAlreadyHad;
        return {};
    }
    // A savepoint per entry: a row the schema refuses (a constraint the parser does not know
    // about) is quarantined instead of failing the whole batch.
    db.exec("SAVEPOINT entry");
    try {
        log.storeReceived(record->checkIn, record->annulment, record->annuls, nowMs);
        received.add(record->checkIn.id, device.eventId, device.deviceId, nowMs);
        db.exec("RELEASE entry");
        stored = Stored::kNew;
        return {};
    } catch (const SQLite::Exception& e) {
        if ((e.getErrorCode() & 0xff) != SQLITE_CONSTRAINT) throw;
        db.exec("ROLLBACK TO entry");
        db.exec("RELEASE entry");
        return std::string("the database refused it: ") + e.getErrorStr();
    }
}

// Stores an uploaded denial as the kiosk's audit entry (received_denials makes a retry "already
// had" and a different denial under a used id a quarantine); returns as storeCheckIn does.
std::string storeDenial(ReceivedDenials& denials, DeviceRegistry& registry,
                        store::HybridLogicalClock& clock, const UploadEntry& entry,
                        const AuthenticatedDevice& device, std::int64_t nowMs, Stored& stored) {
    auto denial = parseDeniedScan(entry.payload);
    if (std::string reason = denialRejection(registry, entry, denial, device, nowMs);
        !reason.empty()) {
        return reason;
    }
    auto known = denials.findPayload(denial->id);
    if (!known) {
        denials.add(*denial, clock.receive(denial->hlc, nowMs), nowMs);
        stored = Stored::kNew;
        return {};
    }
    if (*known != store::deniedScanPayload(*denial)) {
        return "denial " + denial->id + " is stored already with other content";
    }
    stored = Stored::kAlreadyHad;
    return {};
}

}  // namespace

Result<EnrolResponse, ServerError> ServerStore::enrol(const EnrolRequest& request,
                                                      std::int64_t nowMs) {
    // IMMEDIATE: the token is checked and spent under the write lock, so two requests (or the
    // server and another process) can never both redeem it.
    SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
    // The token before anything else, with one answer for an unknown token and for a token of
    // another event: a caller without a token learns nothing about which events exist.
    Bytes hash = tokenHash(request.enrolmentToken);
    EnrolmentTokens tokens(db_);
    switch (tokens.state(hash, request.eventId, nowMs)) {
        case EnrolmentTokens::State::kNotForEvent:
            return refuse(ServerErrorKind::kUnauthorised,
                          "the enrolment token is not accepted for this event");
        case EnrolmentTokens::State::kUsed:
            return refuse(ServerErrorKind::kGone,
                          "the enrolment token was used already; print a new set-up code");
        case EnrolmentTokens::State::kExpired:
            return refuse(ServerErrorKind::kGone,
                          "the enrolment token has expired; print a new set-up code");
        case EnrolmentTokens::State::kRedeemable:
            break;
    }
    if (request.deviceId.empty()) {
        return refuse(ServerErrorKind::kBadRequest, "device_id must not be empty");
    }
    // Device ids are public (every kiosk sees them in /devices): another event's token must not
    // move a device, nor replace its token. The token is not spent on this refusal.
    DeviceRegistry devices(db_);
    if (auto bound = devices.find(request.deviceId);
        bound && bound->eventId != request.eventId && !bound->revoked()) {
        return refuse(ServerErrorKind::kDeviceBound,
                      "device " + request.deviceId +
                          " is enrolled for another event; the organiser must revoke it there "
                          "first (admit device revoke)");
    }
    auto event = store::Events(db_).find(request.eventId);
    if (!event) {
        return refuse(ServerErrorKind::kUnauthorised,
                      "the enrolment token is not accepted for this event");
    }
    EnrolResponse response;
    response.eventName = event->name;
    const DeviceRole role = tokens.role(hash);
    tokens.spend(hash, request.deviceId, nowMs);
    response.deviceToken = newSecretToken();
    devices.enrol(request.deviceId, request.eventId, request.deviceName,
                  tokenHash(response.deviceToken), nowMs, role);
    transaction.commit();
    return response;
}

Result<AuthenticatedDevice, ServerError> ServerStore::authenticate(
    std::string_view bearerToken, const std::string& eventId, std::int64_t nowMs,
    const DeviceHeartbeat& heartbeat, std::int64_t lastSyncResolutionMs) {
    if (bearerToken.empty()) {
        return refuse(ServerErrorKind::kUnauthorised, "a device token is required");
    }
    DeviceRegistry devices(db_);
    auto known = devices.findByTokenHash(tokenHash(bearerToken));
    if (!known) return refuse(ServerErrorKind::kUnauthorised, "the device token is not known");
    if (known->revoked()) {
        return refuse(ServerErrorKind::kDeviceRevoked,
                      "this device was removed by the organiser; scan a new event code");
    }
    AuthenticatedDevice device{known->deviceId, known->eventId, known->role};
    // Only a known device learns whether an event exists.
    if (device.eventId != eventId) {
        if (!store::Events(db_).find(eventId)) {
            return refuse(ServerErrorKind::kNotFound, "unknown event " + eventId);
        }
        return refuse(ServerErrorKind::kForbidden, "the device token is for another event");
    }
    // Not a commit per request: a woken waiting kiosk asks again at once.
    devices.recordSyncIfDue(*known, nowMs, heartbeat, lastSyncResolutionMs);
    return device;
}

Result<UploadResponse, ServerError> ServerStore::upload(const AuthenticatedDevice& device,
                                                        const UploadRequest& request,
                                                        std::int64_t nowMs) {
    if (request.deviceId != device.deviceId) {
        return refuse(ServerErrorKind::kBadRequest,
                      "device_id " + request.deviceId + " is not the device of this token");
    }
    if (request.entries.size() > kMaxUploadEntries) {
        return refuse(ServerErrorKind::kBadRequest,
                      "entries: " + std::to_string(request.entries.size()) + " entries, at most " +
                          std::to_string(kMaxUploadEntries) + " are allowed");
    }
    UploadResponse response;
    SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
    // Made per request, inside the transaction: the clock loads the stored value now, so it
    // never merges from a value cached before the organiser's CLI (another process, the same
    // database) advanced it.
    store::HybridLogicalClock clock(db_);
    store::CheckInLog log(db_, clock);
    Quarantine quarantine(db_);
    ReceivedCheckIns received(db_);
    ReceivedDenials denials(db_);
    DeviceRegistry registry(db_);
    store::Outbox upstream(db_);
    for (const UploadEntry& entry : request.entries) {
        response.acknowledgedThrough = std::max(response.acknowledgedThrough, entry.seq);
        std::string reason;
        Stored stored = Stored::kNew;
        if (entry.kind == store::kDeniedScanKind) {
            reason = storeDenial(denials, registry, clock, entry, device, nowMs, stored);
        } else if (entry.kind == store::kCheckInKind) {
            reason = storeCheckIn(db_, log, received, registry, entry, device, nowMs, stored);
        } else {
            reason = "unknown entry kind '" + entry.kind + "'";
        }
        if (reason.empty()) {
            // A relay forwards what its kiosks made, verbatim (the upstream checks it again);
            // a retry is in its outbox already.
            if (role_ == StoreRole::kRelay && stored == Stored::kNew) {
                upstream.enqueue(entry.kind, entry.recordId, entry.payload, entry.hlc);
            }
            ++(stored == Stored::kNew ? response.stored : response.alreadyHad);
            continue;
        }
        // Refused whole (the transaction rolls back): the kiosk keeps the batch in its outbox
        // and the organiser sees why in the quarantine.
        if (quarantine.add(device.deviceId, reason, entryText(entry), nowMs) ==
            Quarantine::Added::kFull) {
            return refuse(ServerErrorKind::kQuarantineFull,
                          "device " + device.deviceId + " has " +
                              std::to_string(quarantine.maxEntriesPerDevice()) +
                              " quarantined entries, the most kept; the organiser must look at "
                              "them (admit quarantine list) before it can upload more");
        }
        ++response.quarantined;
    }
    registry.recordGate(device.deviceId, request.gate);
    if (!request.entries.empty()) {
        // The figure says "every entry through N is here", so it moves only when the batch
        // follows on: after a restore from a backup, a batch that starts past it leaves it
        // where it is, and the download tells the kiosk to send the gap again.
        const auto held = registry.acknowledgedThrough(device.deviceId);
        if (!held || request.entries.front().seq <= *held + 1) {
            registry.recordAcknowledged(device.deviceId, response.acknowledgedThrough);
        }
    }
    transaction.commit();
    return response;
}

// The server's database is also the organiser's: `admit checkin` records a check-in there with
// an outbox entry, as a kiosk would. That outbox is this device's upload queue, so its entries
// join the download order here (the check-in is already stored) and are marked sent.
void ServerStore::adoptLocalCheckIns(std::int64_t nowMs) {
    // A relay's outbox is its upload queue to the upstream; its desk check-ins join the order
    // with the upstream's (adoptUpstreamRound).
    if (role_ == StoreRole::kRelay) return;
    store::Outbox outbox(db_);
    if (outbox.pendingCount() == 0) return;
    SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
    ReceivedCheckIns received(db_);
    for (auto pending = outbox.pending(kMaxUploadEntries); !pending.empty();
         pending = outbox.pending(kMaxUploadEntries)) {
        for (const auto& item : pending) {
            if (item.kind != store::kCheckInKind) continue;
            received.adopt(item.recordId, nowMs);
        }
        outbox.markSentThrough(pending.back().seq, nowMs);
    }
    transaction.commit();
}

Result<DownloadResponse, ServerError> ServerStore::download(const AuthenticatedDevice& device,
                                                            std::int64_t after, std::int64_t limit,
                                                            std::int64_t nowMs) {
    if (after < 0) return refuse(ServerErrorKind::kBadRequest, "after must not be negative");
    if (limit < 1 || limit > kMaxDownloadLimit) {
        return refuse(ServerErrorKind::kBadRequest,
                      "limit must be between 1 and " + std::to_string(kMaxDownloadLimit));
    }
    adoptLocalCheckIns(nowMs);
    DownloadResponse response;
    response.order = downloadOrder(db_);
    // One read transaction: the page and the highest seq come from the same snapshot.
    SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::DEFERRED);
    auto page = ReceivedCheckIns(db_).after(device.eventId, after, device.deviceId, limit);
    response.checkins = std::move(page.checkIns);
    response.next = page.next;
    response.more = page.more;
    response.deviceAcknowledgedThrough = DeviceRegistry(db_).acknowledgedThrough(device.deviceId);
    transaction.commit();
    return response;
}

std::int64_t ServerStore::rosterVersion(const std::string& eventId) {
    return sync::rosterVersion(db_, eventId);
}

std::int64_t ServerStore::othersChangeCounter() {
    return db_.execAndGet("PRAGMA data_version").getInt64();
}

Result<std::string, ServerError> ServerStore::roster(const AuthenticatedDevice& device,
                                                     std::int64_t have, std::int64_t after) {
    if (have < 0) return refuse(ServerErrorKind::kBadRequest, "have must not be negative");
    if (after < 0) return refuse(ServerErrorKind::kBadRequest, "after must not be negative");
    pruneRosterChanges(db_, device.eventId);
    auto body = rosterJson(db_, device.eventId, have, after);
    if (!body) return refuse(ServerErrorKind::kNotFound, body.error().message);
    return std::move(body).value();
}

Result<std::int64_t, ServerError> ServerStore::writeFullRoster(
    const AuthenticatedDevice& device, const std::function<void(std::string_view)>& out) {
    pruneRosterChanges(db_, device.eventId);
    auto version = sync::writeFullRoster(db_, device.eventId, out);
    if (!version) return refuse(ServerErrorKind::kNotFound, version.error().message);
    return *version;
}

DevicesResponse ServerStore::devices(const AuthenticatedDevice& device) {
    std::map<std::string, std::int64_t> counts;
    SQLite::Statement count(db_,
                            "SELECT device_id, count(*) FROM checkins WHERE event_id = ? AND "
                            "verdict = 'accepted' GROUP BY device_id");
    count.bind(1, device.eventId);
    while (count.executeStep()) {
        counts[count.getColumn(0).getString()] = count.getColumn(1).getInt64();
    }
    DevicesResponse response;
    for (auto& known : DeviceRegistry(db_).list(device.eventId)) {
        // A revoked device is no longer one of the event's kiosks (the organiser still sees it
        // in `admit device list`).
        if (known.revoked()) continue;
        response.devices.push_back({known.deviceId, known.name, known.gate, known.enrolledAtMs,
                                    known.lastSyncAtMs, counts[known.deviceId], known.appVersion,
                                    known.outboxDepth, known.clockOffsetMs});
    }
    return response;
}

std::int64_t ServerStore::adoptUpstreamRound(const std::string& eventId, std::int64_t nowMs) {
    SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
    const std::int64_t joined = ReceivedCheckIns(db_).adoptMissing(eventId, nowMs);
    store::Operators(db_).allowAllAtEvent(eventId);
    transaction.commit();
    return joined;
}

StoreFigures ServerStore::figures() {
    StoreFigures figures;
    DeviceRegistry registry(db_);
    Quarantine quarantine(db_);
    SQLite::Statement checkIns(db_, "SELECT count(*) FROM checkins WHERE event_id = ?");
    for (const auto& event : store::Events(db_).list()) {
        checkIns.bind(1, event.id);
        checkIns.executeStep();
        StoreFigures::Event figure{event.id, checkIns.getColumn(0).getInt64(), 0,
                                   sync::rosterVersion(db_, event.id)};
        checkIns.reset();
        for (const auto& device : registry.list(event.id)) {
            if (device.revoked()) continue;
            ++figure.devices;
            figures.devices.push_back(
                {device.eventId, device.deviceId, device.lastSyncAtMs.value_or(0)});
        }
        figures.quarantined += quarantine.countForEvent(event.id);
        figures.events.push_back(std::move(figure));
    }
    auto byId = [](const auto& a, const auto& b) { return a.eventId < b.eventId; };
    std::sort(figures.events.begin(), figures.events.end(), byId);
    std::sort(figures.devices.begin(), figures.devices.end(), [](const auto& a, const auto& b) {
        return std::tie(a.eventId, a.deviceId) < std::tie(b.eventId, b.deviceId);
    });
    return figures;
}

}  // namespace admit::sync

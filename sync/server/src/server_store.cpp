#include "admit/sync/server_store.hpp"

#include <sodium.h>
#include <sqlite3.h>

#include <map>
#include <stdexcept>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <nlohmann/json.hpp>

#include "admit/base/sodium.hpp"
#include "admit/replica/backup.hpp"
#include "admit/replica/replica.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/clock.hpp"
#include "admit/store/hybrid_logical_clock.hpp"
#include "admit/store/meta.hpp"
#include "admit/store/outbox.hpp"
#include "admit/store/uuid.hpp"
#include "admit/sync/device_registry.hpp"
#include "admit/sync/quarantine.hpp"
#include "admit/sync/roster.hpp"

namespace admit::sync {
namespace {

using json = nlohmann::json;

Failure<ServerError> refuse(ServerErrorKind kind, std::string message) {
    return fail(ServerError{kind, std::move(message)});
}

void bindBlob(SQLite::Statement& statement, int index, const Bytes& bytes) {
    statement.bind(index, bytes.data(), static_cast<int>(bytes.size()));
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

// Why the entry cannot be stored, or an empty string if it can.
std::string rejection(SQLite::Database& db, const UploadEntry& entry,
                      const Result<CheckInRecord>& record, const AuthenticatedDevice& device) {
    if (entry.kind != "checkin") return "unknown entry kind '" + entry.kind + "'";
    if (!record) return "the payload is not a check-in: " + record.error().message;
    const store::CheckIn& c = record->checkIn;
    if (c.id != entry.recordId) return "record_id differs from the payload's id";
    if (c.hlc != entry.hlc) return "hlc differs from the payload's hlc";
    if (c.hlc <= 0 || c.wallTimeMs < 0) return "hlc or wall_time is out of range";
    if (c.eventId != device.eventId) {
        return "the check-in is for event " + c.eventId + ", not " + device.eventId;
    }
    if (c.deviceId != device.deviceId) {
        return "the check-in was made by device " + c.deviceId + ", not by " + device.deviceId;
    }
    if (record->annulment) {
        SQLite::Statement target(db, "SELECT event_id FROM checkins WHERE id = ?");
        target.bind(1, record->annuls);
        if (!target.executeStep()) {
            return "the annulled check-in " + record->annuls + " is not on the server";
        }
        if (target.getColumn(0).getString() != c.eventId) {
            return "the annulled check-in " + record->annuls + " belongs to another event";
        }
    }
    return {};
}

// The columns readCheckIn and readRecord read, in their order.
constexpr const char* kCheckInColumns =
    "c.id, c.event_id, c.ticket_ref, c.attendee_id, c.device_id, c.gate, c.direction, c.hlc, "
    "c.wall_time, c.operator, c.verdict, c.annuls";

store::CheckIn readCheckIn(SQLite::Statement& q) {
    store::CheckIn c;
    c.id = q.getColumn(0).getString();
    c.eventId = q.getColumn(1).getString();
    c.ticketRef = q.getColumn(2).getString();
    if (!q.getColumn(3).isNull()) c.attendeeId = q.getColumn(3).getInt64();
    c.deviceId = q.getColumn(4).getString();
    c.gate = q.getColumn(5).getString();
    c.direction =
        q.getColumn(6).getString() == "exit" ? store::Direction::kExit : store::Direction::kEntry;
    c.hlc = q.getColumn(7).getInt64();
    c.wallTimeMs = q.getColumn(8).getInt64();
    c.operatorName = q.getColumn(9).getString();
    return c;
}

CheckInRecord readRecord(SQLite::Statement& q) {
    CheckInRecord record;
    record.checkIn = readCheckIn(q);
    record.annulment = q.getColumn(10).getString() == "annulled";
    if (!q.getColumn(11).isNull()) record.annuls = q.getColumn(11).getString();
    return record;
}

}  // namespace

std::string newSecretToken() {
    ensureSodium();
    unsigned char bytes[32];
    randombytes_buf(bytes, sizeof bytes);
    constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    char text[sodium_base64_ENCODED_LEN(sizeof bytes, kVariant)];
    sodium_bin2base64(text, sizeof text, bytes, sizeof bytes, kVariant);
    sodium_memzero(bytes, sizeof bytes);
    std::string token(text);
    sodium_memzero(text, sizeof text);
    return token;
}

Bytes tokenHash(std::string_view token) {
    ensureSodium();
    Bytes hash(crypto_generichash_BYTES);
    crypto_generichash(hash.data(), hash.size(),
                       reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr,
                       0);
    return hash;
}

Status<> registerEnrolmentToken(SQLite::Database& db, const std::string& eventId,
                                std::string_view token, std::int64_t nowMs) {
    if (token.size() < 16) return fail("an enrolment token needs at least 16 characters");
    SQLite::Statement event(db, "SELECT 1 FROM events WHERE id = ?");
    event.bind(1, eventId);
    if (!event.executeStep()) return fail("unknown event " + eventId);
    event.reset();
    SQLite::Statement insert(db,
                             "INSERT INTO enrolment_tokens (token_hash, event_id, created_at, "
                             "expires_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
    bindBlob(insert, 1, tokenHash(token));
    insert.bind(2, eventId);
    insert.bind(3, nowMs);
    insert.bind(4, nowMs + kEnrolmentTokenLifetimeMs);
    if (insert.exec() == 0)
        return fail("this enrolment token was registered before; use a new one");
    return Ok{};
}

Result<std::string> issueEnrolmentToken(SQLite::Database& db, const std::string& eventId,
                                        std::int64_t nowMs) {
    std::string token = newSecretToken();
    auto registered = registerEnrolmentToken(db, eventId, token, nowMs);
    if (!registered) return fail(registered.error());
    return token;
}

std::optional<CheckInRecord> ServerStore::storedCheckIn(const std::string& id) {
    SQLite::Statement q(
        db_, std::string("SELECT ") + kCheckInColumns + " FROM checkins c WHERE c.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return readRecord(q);
}

bool ServerStore::eventExists(const std::string& eventId) {
    SQLite::Statement q(db_, "SELECT 1 FROM events WHERE id = ?");
    q.bind(1, eventId);
    return q.executeStep();
}

Result<EnrolResponse, ServerError> ServerStore::enrol(const EnrolRequest& request,
                                                      std::int64_t nowMs) {
    // IMMEDIATE: the token is checked and spent under the write lock, so two requests (or the
    // server and another process) can never both redeem it.
    SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
    // The token before anything else, with one answer for an unknown token and for a token of
    // another event: a caller without a token learns nothing about which events exist.
    Bytes hash = tokenHash(request.enrolmentToken);
    SQLite::Statement token(
        db_, "SELECT event_id, expires_at, used_at FROM enrolment_tokens WHERE token_hash = ?");
    bindBlob(token, 1, hash);
    if (!token.executeStep() || token.getColumn(0).getString() != request.eventId) {
        return refuse(ServerErrorKind::kUnauthorised,
                      "the enrolment token is not accepted for this event");
    }
    std::int64_t expiresAt = token.getColumn(1).getInt64();
    bool used = !token.getColumn(2).isNull();
    token.reset();
    if (used) {
        return refuse(ServerErrorKind::kGone,
                      "the enrolment token was used already; print a new set-up code");
    }
    if (nowMs >= expiresAt) {
        return refuse(ServerErrorKind::kGone,
                      "the enrolment token has expired; print a new set-up code");
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
    SQLite::Statement event(db_, "SELECT name FROM events WHERE id = ?");
    event.bind(1, request.eventId);
    if (!event.executeStep()) {
        return refuse(ServerErrorKind::kUnauthorised,
                      "the enrolment token is not accepted for this event");
    }
    EnrolResponse response;
    response.eventName = event.getColumn(0).getString();
    event.reset();

    SQLite::Statement spend(
        db_, "UPDATE enrolment_tokens SET used_at = ?, used_by = ? WHERE token_hash = ?");
    spend.bind(1, nowMs);
    spend.bind(2, request.deviceId);
    bindBlob(spend, 3, hash);
    spend.exec();

    response.deviceToken = newSecretToken();
    devices.enrol(request.deviceId, request.eventId, request.deviceName,
                  tokenHash(response.deviceToken), nowMs);
    transaction.commit();
    return response;
}

Result<AuthenticatedDevice, ServerError> ServerStore::authenticate(std::string_view bearerToken,
                                                                   const std::string& eventId,
                                                                   std::int64_t nowMs) {
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
    AuthenticatedDevice device{known->deviceId, known->eventId};
    // Only a known device learns whether an event exists.
    if (device.eventId != eventId) {
        if (!eventExists(eventId)) {
            return refuse(ServerErrorKind::kNotFound, "unknown event " + eventId);
        }
        return refuse(ServerErrorKind::kForbidden, "the device token is for another event");
    }
    devices.recordSync(device.deviceId, nowMs);
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
    SQLite::Statement received(db_,
                               "INSERT INTO received_checkins (checkin_id, event_id, device_id, "
                               "received_at) VALUES (?, ?, ?, ?)");
    for (const UploadEntry& entry : request.entries) {
        response.acknowledgedThrough = std::max(response.acknowledgedThrough, entry.seq);
        auto record = parseCheckInRecord(entry.payload);
        std::string reason = rejection(db_, entry, record, device);
        if (reason.empty()) {
            // A known id is a retry only if the content is the same; other content under a
            // used id would otherwise vanish as "already had".
            if (auto stored = storedCheckIn(record->checkIn.id)) {
                if (*stored == *record) {
                    ++response.alreadyHad;
                    continue;
                }
                reason = "check-in " + record->checkIn.id + " is stored already with other content";
            }
        }
        if (reason.empty()) {
            // A savepoint per entry: a row the schema refuses (a constraint the parser does not
            // know about) is quarantined instead of failing the whole batch.
            db_.exec("SAVEPOINT entry");
            try {
                log.storeReceived(record->checkIn, record->annulment, record->annuls, nowMs);
                received.bind(1, record->checkIn.id);
                received.bind(2, device.eventId);
                received.bind(3, device.deviceId);
                received.bind(4, nowMs);
                received.exec();
                received.reset();
                db_.exec("RELEASE entry");
                ++response.stored;
                continue;
            } catch (const SQLite::Exception& e) {
                if ((e.getErrorCode() & 0xff) != SQLITE_CONSTRAINT) throw;
                received.reset();
                db_.exec("ROLLBACK TO entry");
                db_.exec("RELEASE entry");
                reason = std::string("the database refused it: ") + e.getErrorStr();
            }
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
    DeviceRegistry registry(db_);
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
    store::Outbox outbox(db_);
    if (outbox.pendingCount() == 0) return;
    SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement adopt(db_,
                            "INSERT INTO received_checkins (checkin_id, event_id, device_id, "
                            "received_at) SELECT id, event_id, device_id, ? FROM checkins WHERE "
                            "id = ? ON CONFLICT (checkin_id) DO NOTHING");
    for (auto pending = outbox.pending(kMaxUploadEntries); !pending.empty();
         pending = outbox.pending(kMaxUploadEntries)) {
        for (const auto& item : pending) {
            if (item.kind != "checkin") continue;
            adopt.bind(1, nowMs);
            adopt.bind(2, item.recordId);
            adopt.exec();
            adopt.reset();
        }
        outbox.markSentThrough(pending.back().seq, nowMs);
    }
    transaction.commit();
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
    response.next = after;
    // One read transaction: the page and the highest seq come from the same snapshot.
    SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::DEFERRED);
    SQLite::Statement q(db_, std::string("SELECT ") + kCheckInColumns +
                                 ", r.seq FROM received_checkins r JOIN checkins c ON c.id = "
                                 "r.checkin_id WHERE r.event_id = ? AND r.seq > ? AND "
                                 "r.device_id <> ? ORDER BY r.seq LIMIT ?");
    q.bind(1, device.eventId);
    q.bind(2, after);
    q.bind(3, device.deviceId);
    q.bind(4, limit + 1);
    while (q.executeStep()) {
        if (static_cast<std::int64_t>(response.checkins.size()) == limit) {
            response.more = true;
            break;
        }
        response.checkins.push_back(readRecord(q));
        response.next = q.getColumn(12).getInt64();
    }
    q.reset();
    if (!response.more) {
        // Past the caller's own check-ins too, so the next request does not scan them again.
        SQLite::Statement last(db_, "SELECT max(seq) FROM received_checkins WHERE event_id = ?");
        last.bind(1, device.eventId);
        if (last.executeStep() && !last.getColumn(0).isNull()) {
            response.next = std::max(response.next, last.getColumn(0).getInt64());
        }
    }
    response.deviceAcknowledgedThrough = DeviceRegistry(db_).acknowledgedThrough(device.deviceId);
    transaction.commit();
    return response;
}

Result<std::string, ServerError> ServerStore::roster(const AuthenticatedDevice& device,
                                                     std::int64_t have) {
    if (have < 0) return refuse(ServerErrorKind::kBadRequest, "have must not be negative");
    auto body = rosterJson(db_, device.eventId, have);
    if (!body) return refuse(ServerErrorKind::kNotFound, body.error().message);
    return std::move(body).value();
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
                                    known.lastSyncAtMs, counts[known.deviceId]});
    }
    return response;
}

StoreFigures ServerStore::figures() {
    StoreFigures figures;
    SQLite::Statement events(
        db_,
        "SELECT e.id, (SELECT count(*) FROM checkins c WHERE c.event_id = e.id), "
        "(SELECT count(*) FROM devices d WHERE d.event_id = e.id AND d.revoked_at IS NULL), "
        "coalesce((SELECT version FROM roster_versions r WHERE r.event_id = e.id), 0) "
        "FROM events e ORDER BY e.id");
    while (events.executeStep()) {
        figures.events.push_back({events.getColumn(0).getString(), events.getColumn(1).getInt64(),
                                  events.getColumn(2).getInt64(), events.getColumn(3).getInt64()});
    }
    SQLite::Statement devices(db_,
                              "SELECT event_id, device_id, coalesce(last_sync_at, 0) FROM devices "
                              "WHERE revoked_at IS NULL ORDER BY event_id, device_id");
    while (devices.executeStep()) {
        figures.devices.push_back({devices.getColumn(0).getString(),
                                   devices.getColumn(1).getString(),
                                   devices.getColumn(2).getInt64()});
    }
    figures.quarantined = db_.execAndGet("SELECT count(*) FROM sync_quarantine").getInt64();
    return figures;
}

}  // namespace admit::sync

#include "admit/sync/protocol/messages.hpp"

#include <limits>

#include <nlohmann/json.hpp>

#include "admit/store/uuid.hpp"
#include "admit/sync/protocol/bounded_json.hpp"
#include "admit/ticket/event_id.hpp"

namespace admit::sync {
namespace {

using nlohmann::json;

// Field readers: each names the field (with its context, e.g. "entries[3] (seq 17).hlc") in
// the error, and never quotes a value, which may be a secret.
class Fields {
  public:
    Fields(const json& object, std::string context)
        : object_(object), context_(std::move(context)) {}

    std::string name(const char* field) const {
        return context_.empty() ? std::string(field) : context_ + "." + field;
    }

    Result<const json*> get(const char* field) const {
        auto it = object_.find(field);
        if (it == object_.end()) return fail("missing field " + name(field));
        return &*it;
    }

    // The field, if present and of the JSON type `isType` tests; `mustBe` names that type.
    Result<const json*> get(const char* field, bool (json::*isType)() const noexcept,
                            const char* mustBe) const {
        auto value = get(field);
        if (!value) return value;
        if (!((**value).*isType)()) return fail(name(field) + " must be " + mustBe);
        return value;
    }

    Result<std::string> text(const char* field, std::size_t maxBytes = 4096,
                             bool allowEmpty = true) const {
        auto value = get(field, &json::is_string, "a string");
        if (!value) return fail(value.error().message);
        std::string out = (*value)->get<std::string>();
        if (!allowEmpty && out.empty()) return fail(name(field) + " must not be empty");
        if (out.size() > maxBytes) {
            return fail(name(field) + " is longer than " + std::to_string(maxBytes) + " bytes");
        }
        // A NUL or a line break in a gate or a name would cut or forge what shows it (a log
        // line, a C string, a terminal); no field of the protocol needs one.
        for (char ch : out) {
            const auto byte = static_cast<unsigned char>(ch);
            if (byte < 0x20 || byte == 0x7f) {
                return fail(name(field) + " must not contain control characters");
            }
        }
        return out;
    }

    Result<std::int64_t> integer(
        const char* field, std::int64_t min = 0,
        std::int64_t max = std::numeric_limits<std::int64_t>::max()) const {
        auto value = get(field, &json::is_number_integer, "an integer");
        if (!value) return fail(value.error().message);
        std::int64_t out = (*value)->get<std::int64_t>();
        if ((*value)->is_number_unsigned() &&
            (*value)->get<std::uint64_t>() >
                static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            return fail(name(field) + " is out of range");
        }
        if (out < min || out > max) return fail(name(field) + " is out of range");
        return out;
    }

    Result<std::optional<std::int64_t>> optionalInteger(
        const char* field, std::int64_t min = 0,
        std::int64_t max = std::numeric_limits<std::int64_t>::max()) const {
        auto it = object_.find(field);
        if (it == object_.end() || it->is_null()) return std::optional<std::int64_t>{};
        auto value = integer(field, min, max);
        if (!value) return fail(value.error().message);
        return std::optional<std::int64_t>(*value);
    }

    Result<bool> boolean(const char* field) const {
        auto value = get(field, &json::is_boolean, "true or false");
        if (!value) return fail(value.error().message);
        return (*value)->get<bool>();
    }

    Result<const json*> array(const char* field) const {
        return get(field, &json::is_array, "an array");
    }

  private:
    const json& object_;
    std::string context_;
};

// What each message may hold, enforced while it is parsed (bounded_json.hpp). Every message
// is an object of scalars, arrays of objects of scalars, or (an upload's payload) one more
// object; the counts leave room for every field a message has, twice over.
JsonLimits smallMessage() { return jsonLimits(4, 64); }
JsonLimits listMessage(const char* list, std::size_t maxItems) {
    return jsonLimits(4, maxItems * 32 + 64, list, maxItems);
}
// An upload entry is 5 fields and a payload of 12 or 13; a payload that is not a check-in is
// quarantined as sent, so it may nest a little, but not without bound.
JsonLimits uploadLimits() {
    return jsonLimits(8, kMaxUploadEntries * 64 + 64, "entries", kMaxUploadEntries);
}
constexpr std::size_t kMaxListedDevices = 10'000;

// Parses a body into an object whose "protocol" is ours.
Result<json> parseBody(std::string_view body, const char* what, const JsonLimits& limits) {
    auto read = parseBoundedJson(body, limits, what);
    if (!read) return fail(read.error().message);
    json parsed = std::move(read).value();
    if (!parsed.is_object()) return fail(std::string(what) + " is not a JSON object");
    auto it = parsed.find("protocol");
    if (it == parsed.end()) return fail(std::string(what) + ": missing field protocol");
    if (!it->is_number_integer() || it->get<std::int64_t>() != kProtocolVersion) {
        return fail(std::string(what) + ": protocol version is not " +
                    std::to_string(kProtocolVersion) + "; update Admit");
    }
    return parsed;
}

json message() { return json{{"protocol", kProtocolVersion}}; }

// Unwraps a field read, or returns its error from the enclosing parse function.
#define ADMIT_FIELD(var, expr)                                \
    auto var##_read = (expr);                                 \
    if (!var##_read) return fail(var##_read.error().message); \
    auto var = std::move(var##_read).value()

Result<CheckInRecord> checkInFromJson(const json& j, const std::string& context) {
    if (!j.is_object())
        return fail((context.empty() ? "check-in" : context) + " must be an object");
    Fields f(j, context);
    CheckInRecord r;
    store::CheckIn& c = r.checkIn;
    ADMIT_FIELD(id, f.text("id"));
    if (!store::isUuid(id)) return fail(f.name("id") + " is not a UUID");
    ADMIT_FIELD(eventId, f.text("event_id"));
    if (!ticket::eventIdFromString(eventId)) return fail(f.name("event_id") + " is not a UUID");
    ADMIT_FIELD(ticketRef, f.text("ticket_ref", 128, false));
    ADMIT_FIELD(attendeeId, f.optionalInteger("attendee_id"));
    ADMIT_FIELD(deviceId, f.text("device_id"));
    if (!store::isUuid(deviceId)) return fail(f.name("device_id") + " is not a UUID");
    ADMIT_FIELD(gate, f.text("gate", 256));
    ADMIT_FIELD(direction, f.text("direction"));
    if (direction != "entry" && direction != "exit") {
        return fail(f.name("direction") + " must be \"entry\" or \"exit\"");
    }
    ADMIT_FIELD(hlc, f.integer("hlc"));
    ADMIT_FIELD(wallTime, f.integer("wall_time"));
    ADMIT_FIELD(operatorName, f.text("operator", 256));
    ADMIT_FIELD(verdict, f.text("verdict"));
    if (verdict != "accepted" && verdict != "annulled") {
        return fail(f.name("verdict") + " must be \"accepted\" or \"annulled\"");
    }
    c.id = std::move(id);
    c.eventId = std::move(eventId);
    c.ticketRef = std::move(ticketRef);
    c.attendeeId = attendeeId;
    c.deviceId = std::move(deviceId);
    c.gate = std::move(gate);
    c.direction = direction == "exit" ? store::Direction::kExit : store::Direction::kEntry;
    c.hlc = hlc;
    c.wallTimeMs = wallTime;
    c.operatorName = std::move(operatorName);
    r.annulment = verdict == "annulled";
    if (r.annulment) {
        ADMIT_FIELD(annuls, f.text("annuls"));
        if (!store::isUuid(annuls)) return fail(f.name("annuls") + " is not a UUID");
        r.annuls = std::move(annuls);
    } else if (j.contains("annuls") && !j["annuls"].is_null()) {
        return fail(f.name("annuls") + " is only allowed on an annulment");
    }
    return r;
}

json checkInToJson(const CheckInRecord& r) {
    const store::CheckIn& c = r.checkIn;
    json j{{"id", c.id},
           {"event_id", c.eventId},
           {"ticket_ref", c.ticketRef},
           {"device_id", c.deviceId},
           {"gate", c.gate},
           {"direction", store::directionName(c.direction)},
           {"hlc", c.hlc},
           {"wall_time", c.wallTimeMs},
           {"operator", c.operatorName},
           {"verdict", r.annulment ? "annulled" : "accepted"}};
    j["attendee_id"] = c.attendeeId ? json(*c.attendeeId) : json(nullptr);
    if (r.annulment) j["annuls"] = r.annuls;
    return j;
}

std::string eventPath(const std::string& eventId, const char* what) {
    return "/v1/events/" + eventId + "/" + what;
}

}  // namespace

std::string checkinsPath(const std::string& eventId) { return eventPath(eventId, "checkins"); }
std::string rosterPath(const std::string& eventId) { return eventPath(eventId, "roster"); }
std::string devicesPath(const std::string& eventId) { return eventPath(eventId, "devices"); }

std::string toJson(const EnrolRequest& m) {
    json j = message();
    j["event_id"] = m.eventId;
    j["enrolment_token"] = m.enrolmentToken;
    j["device_id"] = m.deviceId;
    j["device_name"] = m.deviceName;
    return j.dump();
}

std::string toJson(const EnrolResponse& m) {
    json j = message();
    j["device_token"] = m.deviceToken;
    j["event_name"] = m.eventName;
    return j.dump();
}

std::string toJson(const UploadRequest& m) {
    json j = message();
    j["device_id"] = m.deviceId;
    j["gate"] = m.gate;
    json entries = json::array();
    for (const UploadEntry& e : m.entries) {
        // The payload travels as the JSON object the outbox holds; text that is not JSON
        // travels as a string so the server can quarantine it verbatim.
        json payload = json::parse(e.payload, nullptr, false);
        if (payload.is_discarded()) payload = e.payload;
        entries.push_back({{"seq", e.seq},
                           {"kind", e.kind},
                           {"record_id", e.recordId},
                           {"hlc", e.hlc},
                           {"payload", std::move(payload)}});
    }
    j["entries"] = std::move(entries);
    return j.dump();
}

std::string toJson(const UploadResponse& m) {
    json j = message();
    j["acknowledged_through"] = m.acknowledgedThrough;
    j["stored"] = m.stored;
    j["already_had"] = m.alreadyHad;
    j["quarantined"] = m.quarantined;
    return j.dump();
}

std::string toJson(const DownloadResponse& m) {
    json j = message();
    json checkins = json::array();
    for (const CheckInRecord& r : m.checkins) checkins.push_back(checkInToJson(r));
    j["checkins"] = std::move(checkins);
    j["next"] = m.next;
    j["more"] = m.more;
    if (m.deviceAcknowledgedThrough) {
        j["device_acknowledged_through"] = *m.deviceAcknowledgedThrough;
    }
    if (!m.order.empty()) j["order"] = m.order;
    if (m.rosterVersion) j["roster_version"] = *m.rosterVersion;
    return j.dump();
}

std::string toJson(const DevicesResponse& m) {
    json j = message();
    json devices = json::array();
    for (const DeviceStatus& d : m.devices) {
        devices.push_back(
            {{"device_id", d.deviceId},
             {"name", d.name},
             {"gate", d.gate},
             {"enrolled_at", d.enrolledAtMs},
             {"last_sync_at", d.lastSyncAtMs ? json(*d.lastSyncAtMs) : json(nullptr)},
             {"checkins", d.checkins},
             {"app_version", d.appVersion},
             {"outbox_depth", d.outboxDepth ? json(*d.outboxDepth) : json(nullptr)},
             {"clock_offset_ms", d.clockOffsetMs ? json(*d.clockOffsetMs) : json(nullptr)}});
    }
    j["devices"] = std::move(devices);
    return j.dump();
}

namespace {

struct ErrorKindInfo {
    ErrorKind kind;
    std::string_view name;
    int status;
};
constexpr ErrorKindInfo kErrorKinds[] = {
    {ErrorKind::kBadRequest, "bad_request", 400},
    {ErrorKind::kUnauthorised, "unauthorised", 401},
    {ErrorKind::kDeviceRevoked, "device_revoked", 401},
    {ErrorKind::kForbidden, "forbidden", 403},
    {ErrorKind::kNotFound, "not_found", 404},
    {ErrorKind::kDeviceBound, "device_bound", 409},
    {ErrorKind::kGone, "gone", 410},
    {ErrorKind::kRateLimited, "rate_limited", 429},
    {ErrorKind::kQuarantineFull, "quarantine_full", 507},
    {ErrorKind::kProtocolMismatch, "protocol_mismatch", 400},
    {ErrorKind::kTooManyWaiting, "too_many_waiting", 429},
};

const ErrorKindInfo& infoOf(ErrorKind kind) {
    for (const auto& info : kErrorKinds) {
        if (info.kind == kind) return info;
    }
    return kErrorKinds[0];
}

}  // namespace

std::string_view errorKindName(ErrorKind kind) { return infoOf(kind).name; }

std::optional<ErrorKind> parseErrorKind(std::string_view name) {
    for (const auto& info : kErrorKinds) {
        if (info.name == name) return info.kind;
    }
    return std::nullopt;
}

int httpStatus(ErrorKind kind) { return infoOf(kind).status; }

std::optional<std::int64_t> messageProtocol(std::string_view body) {
    auto read = parseBoundedJson(body, jsonLimits(8, kMaxUploadEntries * 64 + 64), "the body");
    if (!read || !read->is_object()) return std::nullopt;
    auto it = read->find("protocol");
    if (it == read->end() || !it->is_number_integer()) return std::nullopt;
    return it->get<std::int64_t>();
}

std::string errorJson(const std::string& sentence) { return json{{"error", sentence}}.dump(); }

std::string errorJson(const std::string& sentence, ErrorKind kind) {
    return json{{"error", sentence}, {"kind", errorKindName(kind)}}.dump();
}

Result<EnrolRequest> parseEnrolRequest(std::string_view body) {
    ADMIT_FIELD(j, parseBody(body, "enrolment request", smallMessage()));
    Fields f(j, "");
    ADMIT_FIELD(eventId, f.text("event_id"));
    if (!ticket::eventIdFromString(eventId)) return fail("event_id is not a UUID");
    ADMIT_FIELD(token, f.text("enrolment_token", 255, false));
    ADMIT_FIELD(deviceId, f.text("device_id"));
    if (!store::isUuid(deviceId)) return fail("device_id is not a UUID");
    ADMIT_FIELD(deviceName, f.text("device_name", 256));
    return EnrolRequest{std::move(eventId), std::move(token), std::move(deviceId),
                        std::move(deviceName)};
}

Result<EnrolResponse> parseEnrolResponse(std::string_view body) {
    ADMIT_FIELD(j, parseBody(body, "enrolment response", smallMessage()));
    Fields f(j, "");
    ADMIT_FIELD(token, f.text("device_token", 255, false));
    ADMIT_FIELD(eventName, f.text("event_name"));
    return EnrolResponse{std::move(token), std::move(eventName)};
}

Result<UploadRequest> parseUploadRequest(std::string_view body) {
    ADMIT_FIELD(j, parseBody(body, "upload", uploadLimits()));
    Fields f(j, "");
    UploadRequest out;
    ADMIT_FIELD(deviceId, f.text("device_id"));
    if (!store::isUuid(deviceId)) return fail("device_id is not a UUID");
    ADMIT_FIELD(gate, f.text("gate", 256));
    // At most kMaxUploadEntries: uploadLimits() refused more while parsing.
    ADMIT_FIELD(entries, f.array("entries"));
    out.deviceId = std::move(deviceId);
    out.gate = std::move(gate);
    std::int64_t previousSeq = 0;
    for (std::size_t i = 0; i < entries->size(); ++i) {
        const json& e = (*entries)[i];
        std::string context = "entries[" + std::to_string(i) + "]";
        if (!e.is_object()) return fail(context + " must be an object");
        Fields ef(e, context);
        ADMIT_FIELD(seq, ef.integer("seq", 1));
        context += " (seq " + std::to_string(seq) + ")";
        Fields named(e, context);
        if (seq <= previousSeq) return fail(context + ": seq must increase");
        previousSeq = seq;
        ADMIT_FIELD(kind, named.text("kind", 64, false));
        ADMIT_FIELD(recordId, named.text("record_id", 128, false));
        ADMIT_FIELD(hlc, named.integer("hlc"));
        ADMIT_FIELD(payload, named.get("payload"));
        // Kept verbatim (the server validates it as a record and quarantines what fails).
        std::string payloadText =
            payload->is_string() ? payload->get<std::string>() : payload->dump();
        out.entries.push_back(
            {seq, std::move(kind), std::move(recordId), hlc, std::move(payloadText)});
    }
    return out;
}

Result<UploadResponse> parseUploadResponse(std::string_view body) {
    ADMIT_FIELD(j, parseBody(body, "upload response", smallMessage()));
    Fields f(j, "");
    ADMIT_FIELD(through, f.integer("acknowledged_through"));
    ADMIT_FIELD(stored, f.integer("stored"));
    ADMIT_FIELD(alreadyHad, f.integer("already_had"));
    ADMIT_FIELD(quarantined, f.integer("quarantined"));
    return UploadResponse{through, stored, alreadyHad, quarantined};
}

Result<DownloadResponse> parseDownloadResponse(std::string_view body) {
    ADMIT_FIELD(j, parseBody(body, "download",
                             listMessage("checkins", static_cast<std::size_t>(kMaxDownloadLimit))));
    Fields f(j, "");
    DownloadResponse out;
    ADMIT_FIELD(checkins, f.array("checkins"));
    for (std::size_t i = 0; i < checkins->size(); ++i) {
        ADMIT_FIELD(record, checkInFromJson((*checkins)[i], "checkins[" + std::to_string(i) + "]"));
        out.checkins.push_back(std::move(record));
    }
    ADMIT_FIELD(next, f.integer("next"));
    ADMIT_FIELD(more, f.boolean("more"));
    ADMIT_FIELD(acknowledged, f.optionalInteger("device_acknowledged_through"));
    ADMIT_FIELD(rosterVersion, f.optionalInteger("roster_version"));
    out.rosterVersion = rosterVersion;
    if (j.contains("order")) {
        ADMIT_FIELD(order, f.text("order", 64));
        out.order = order;
    }
    if (acknowledged && *acknowledged < 0) {
        return fail(std::string("device_acknowledged_through must not be negative"));
    }
    out.next = next;
    out.more = more;
    out.deviceAcknowledgedThrough = acknowledged;
    return out;
}

Result<DevicesResponse> parseDevicesResponse(std::string_view body) {
    ADMIT_FIELD(j, parseBody(body, "devices list", listMessage("devices", kMaxListedDevices)));
    Fields f(j, "");
    DevicesResponse out;
    ADMIT_FIELD(devices, f.array("devices"));
    for (std::size_t i = 0; i < devices->size(); ++i) {
        const json& d = (*devices)[i];
        std::string context = "devices[" + std::to_string(i) + "]";
        if (!d.is_object()) return fail(context + " must be an object");
        Fields df(d, context);
        DeviceStatus s;
        ADMIT_FIELD(deviceId, df.text("device_id"));
        ADMIT_FIELD(name, df.text("name"));
        ADMIT_FIELD(gate, df.text("gate"));
        ADMIT_FIELD(enrolledAt, df.integer("enrolled_at"));
        ADMIT_FIELD(lastSync, df.optionalInteger("last_sync_at"));
        ADMIT_FIELD(count, df.integer("checkins"));
        // Heartbeat figures: absent from a server before them.
        std::string appVersion;
        if (d.contains("app_version")) {
            ADMIT_FIELD(version, df.text("app_version", 64));
            appVersion = std::move(version);
        }
        ADMIT_FIELD(outboxDepth, df.optionalInteger("outbox_depth"));
        ADMIT_FIELD(clockOffset, df.optionalInteger("clock_offset_ms",
                                                    std::numeric_limits<std::int64_t>::min()));
        out.devices.push_back({std::move(deviceId), std::move(name), std::move(gate), enrolledAt,
                               lastSync, count, std::move(appVersion), outboxDepth, clockOffset});
    }
    return out;
}

std::optional<std::string> parseErrorSentence(std::string_view body) {
    auto parsed = parseErrorBody(body);
    if (!parsed) return std::nullopt;
    return std::move(parsed->sentence);
}

std::optional<ErrorBody> parseErrorBody(std::string_view body) {
    auto read = parseBoundedJson(body, smallMessage(), "error");
    if (!read) return std::nullopt;
    const json& j = *read;
    if (!j.is_object()) return std::nullopt;
    auto it = j.find("error");
    if (it == j.end() || !it->is_string()) return std::nullopt;
    ErrorBody error{it->get<std::string>(), std::nullopt};
    if (auto kind = j.find("kind"); kind != j.end() && kind->is_string()) {
        error.kind = parseErrorKind(kind->get<std::string>());
    }
    return error;
}

Result<CheckInRecord> parseCheckInRecord(std::string_view payload) {
    auto j = parseBoundedJson(payload, smallMessage(), "the check-in");
    if (!j) return fail(j.error().message);
    return checkInFromJson(*j, "");
}

std::string toJson(const CheckInRecord& record) { return checkInToJson(record).dump(); }

Result<store::DeniedScan> parseDeniedScan(std::string_view payload) {
    auto read = parseBoundedJson(payload, smallMessage(), "the denial");
    if (!read) return fail(read.error().message);
    const json& j = *read;
    if (!j.is_object()) return fail("the denial must be an object");
    Fields f(j, "");
    store::DeniedScan d;
    ADMIT_FIELD(id, f.text("id"));
    if (!store::isUuid(id)) return fail("id is not a UUID");
    ADMIT_FIELD(eventId, f.text("event_id"));
    if (!ticket::eventIdFromString(eventId)) return fail("event_id is not a UUID");
    ADMIT_FIELD(ticketRef, f.text("ticket_ref", 128));
    ADMIT_FIELD(deviceId, f.text("device_id"));
    if (!store::isUuid(deviceId)) return fail("device_id is not a UUID");
    ADMIT_FIELD(gate, f.text("gate", 256));
    ADMIT_FIELD(direction, f.text("direction"));
    if (direction != "entry" && direction != "exit") {
        return fail("direction must be \"entry\" or \"exit\"");
    }
    ADMIT_FIELD(hlc, f.integer("hlc", 1));
    ADMIT_FIELD(wallTime, f.integer("wall_time"));
    ADMIT_FIELD(operatorName, f.text("operator", 256));
    ADMIT_FIELD(reason, f.text("reason", 64, false));
    // A code, not a sentence: a newer kiosk's reason is kept as it is, so only its shape is
    // checked.
    for (char ch : reason) {
        if (!((ch >= 'a' && ch <= 'z') || ch == '_')) {
            return fail("reason must be lower-case letters and '_'");
        }
    }
    ADMIT_FIELD(detail, f.text("detail", store::kMaxDenialDetailBytes));
    d.id = std::move(id);
    d.eventId = std::move(eventId);
    d.ticketRef = std::move(ticketRef);
    d.deviceId = std::move(deviceId);
    d.gate = std::move(gate);
    d.direction = direction == "exit" ? store::Direction::kExit : store::Direction::kEntry;
    d.hlc = hlc;
    d.wallTimeMs = wallTime;
    d.operatorName = std::move(operatorName);
    d.reason = std::move(reason);
    d.detail = std::move(detail);
    return d;
}

}  // namespace admit::sync

// admit: the organiser's command line. Every command works on a database given with --db
// (the organiser's database, or a kiosk replica with --key-file). Output is text, or JSON with
// --json. Exit codes: 0 done (or accepted), 1 error (or a damaged replica checked), 2 usage,
// 3 a ticket was denied, 4 a salvage wrote its new replica but rows were lost.

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <regex>

#include <nlohmann/json.hpp>

#include "admit/base/exit_code.hpp"
#include "admit/base/version.hpp"
#include "admit/organiser/attendee_import.hpp"
#include "admit/organiser/event_admin.hpp"
#include "admit/replica/replica.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/replica/salvage.hpp"
#include "admit/rules/checkin_engine.hpp"
#include "admit/store/attendance_tally.hpp"
#include "admit/store/attendee_search.hpp"
#include "admit/store/attendees.hpp"
#include "admit/store/clock.hpp"
#include "admit/store/events.hpp"
#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"
#include "admit/sync/protocol/heartbeat.hpp"
#include "admit/sync/server/server_certificate.hpp"
#include "admit/sync/store/device_registry.hpp"
#include "admit/sync/store/enrolment_tokens.hpp"
#include "admit/sync/store/quarantine.hpp"
#include "admit/sync/store/received_checkins.hpp"
#include "admit/sync/store/server_store.hpp"
#include "arguments.hpp"
#include "attendee_commands.hpp"
#include "command_context.hpp"
#include "damage_text.hpp"
#include "event_commands.hpp"
#include "operator_commands.hpp"
#include "pin_prompt.hpp"
#include "qr_png.hpp"
#include "report_commands.hpp"
#include "ticket_commands.hpp"
#include "verdict_text.hpp"

namespace admit::cli {
namespace {

using json = nlohmann::json;

constexpr const char* kUsage =
    R"(usage: admit --db PATH [--key-file KEY | --key-credential NAME] [--json] COMMAND ...
       admit --version | --help

The organiser's database is encrypted when a key is given: --key-file names a file of 32 random
bytes (mode 0600), --key-credential a systemd credential (LoadCredential=) holding it.

Events and attendees (organiser database):
  event create --name NAME [--types General,VIP] [--reentry single|multiple|after_exit|once_per_day]
  event list
  import --event ID [--format admit|pretix|eventbrite] FILE.csv
                                        Admit's columns, pretix's order positions export or
                                        Eventbrite's attendee report; told from the header row
                                        unless --format names it (docs/import-formats.md)
  tickets --event ID --out DIR          one QR PNG per ticket + tickets.csv for mail merge
  setup-code --event ID [--png FILE] [--server URL [--token-file FILE] [--tls-cert FILE]
             [--relay]]
                                        online codes carry a one-time enrolment token
                                        (made here, or read from FILE), valid 7 days;
                                        with --tls-cert (the server's, https:// only) the
                                        kiosk talks only to a server with that key;
                                        --relay: the code enrols a venue relay
                                        (admit-server --upstream), not a kiosk
  operator add --name NAME --role volunteer|organiser --event ID
                                        (PIN read from the terminal or stdin); the operator
                                        checks in at that event (again for each event)

During the event and after (organiser database, also while admit-server runs). Every change is
an audit entry naming --operator NAME (else the user running admit) and reaches kiosks on their
next sync round. A ticket is its text, --ref REF or --attendee ID. T: Unix seconds or a UTC
time such as 2026-07-04T18:30. Details and export columns: docs/organiser.md.
  ticket revoke --event ID (TEXT | --ref REF | --attendee ID) --reason TEXT
  ticket block --event ID (TEXT | --ref REF | --attendee ID) --reason TEXT
  ticket unblock --event ID (TEXT | --ref REF | --attendee ID)
  ticket reissue --event ID (TEXT | --ref REF | --attendee ID) [--reason TEXT] [--png FILE]
  attendee list --event ID [--limit N] [--offset N]
  attendee show --event ID ATTENDEE_ID
  attendee search --event ID QUERY
  attendee history --event ID ATTENDEE_ID
  attendee add --event ID --name NAME [--email E] [--type TYPE] [--status S] [--note TEXT]
                                        [--png FILE] [--checkin [--gate G]]   a walk-in
  attendee set --event ID ATTENDEE_ID [--name N] [--email E] [--type TYPE] [--status S]
                                        [--note TEXT]   status: approved|pending|rejected|cancelled
  event show --event ID
  event set --event ID [--name N] [--reentry R] [--valid-from T|none] [--valid-until T|none]
                                        [--time-zone ZONE] [--day-starts HH:MM]
                                        R: single|multiple|after_exit|once_per_day; event days
                                        are counted in ZONE from HH:MM (e.g. 05:00)
  type list --event ID
  type add --event ID --name NAME
  type rename --event ID --type NAME --name NEW
  event pretix-keys --event ID [--add KEY | --remove KEY]   pretix public keys (base64 PEM, as
                                        pretix shows them) that pretix_sig1 tickets verify with
  type map-pretix --event ID [--item N --type TYPE]   pretix item N is ticket type TYPE
  type days --event ID --type TYPE [--days YYYY-MM-DD,...|any]   the event days a type is
                                        valid on (a Saturday ticket, a weekend ticket)
  gate allow --event ID --type TYPE --gate GATE   the type enters only at its allowed gates
  gate list --event ID
  operator list [--event ID]            roles, events, wrong PINs and lock-outs
  operator set-pin --name NAME          (PIN read from the terminal or stdin)
  operator unlock --name NAME           clears a lock-out on this database
  operator remove --name NAME
  audit --event ID [--attendee ID] [--operator NAME] [--device ID] [--since T] [--until T]
  export checkins|attendees|audit --event ID --format csv|json [--out FILE]

Sync server (the server's database, while it runs too):
  device list --event ID                the event's kiosks: last sync, gate, version, unsent
                                        entries, a clock more than 2 min off, revoked or not,
                                        relays and the relay each kiosk comes through
  device revoke --event ID --device ID  the kiosk's token is refused from its next request
  quarantine list --event ID [--limit N]    uploaded entries the server could not store,
                                        newest first (50 unless --limit)
  quarantine show --event ID --seq N    one of them whole, with the reason
  quarantine clear --event ID [--device ID | --seq N] [--operator NAME]
                                        removes them (all, one kiosk's, or one; audited);
                                        a kiosk whose quarantine was full uploads again

At the door (organiser database or replica):
  verify --event ID [--gate G] [--exit] TEXT      the verdict, recording nothing
  checkin --event ID [--gate G] [--exit] [--operator NAME] (TEXT | --search QUERY)
  stats --event ID

Backups (while admit-server runs; the copy is encrypted under the same key):
  backup --out FILE                   one consistent copy of the database
  backup --out-dir DIR [--keep N]     a copy named <db>-<UTC time>.db in DIR; only the newest N
                                      copies there are kept (default 14)

Kiosk replicas (encrypted; a key file holds 32 random bytes, mode 0600, created if missing):
  export-replica --event ID --out PATH --out-key-file KEY
  replica create | open | check       (with --db REPLICA --key-file KEY)
  replica rekey --new-key-file KEY    (with --db REPLICA --key-file KEY)
  replica salvage --out NEW [--out-key-file KEY]   (with --db REPLICA --key-file KEY)
                                      copies every row a damaged replica still holds, unsent
                                      check-ins first, into a new replica (same key unless
                                      --out-key-file); the damaged replica is only read
)";

Result<replica::ReplicaKey, replica::ReplicaError> loadOrCreateKey(const std::string& path,
                                                                   bool create) {
    if (create && !std::filesystem::exists(path)) {
        auto key = replica::ReplicaKey::generate();
        auto written = replica::writeKeyFile(path, key);
        if (!written) return fail(written.error());
        return key;
    }
    return replica::loadKeyFile(path);
}

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> out;
    std::string item;
    for (char ch : text + ",") {
        if (ch == ',') {
            if (!item.empty()) out.push_back(item);
            item.clear();
        } else {
            item.push_back(ch);
        }
    }
    return out;
}

Outcome eventCreate(Context& c) {
    auto db = openDatabase(c, true);
    if (!db) return fail(db.error());
    auto name = requireOption(c, "name");
    if (!name) return fail(name.error());
    organiser::NewEvent event;
    event.name = *name;
    if (auto types = c.args.option("types")) event.ticketTypes = splitList(*types);
    if (auto policy = c.args.option("reentry")) {
        auto parsed = store::parseReentryPolicy(*policy);
        if (!parsed) return fail(failed(parsed.error()));
        event.reentryPolicy = *parsed;
    }
    auto info = organiser::createEvent(*db, event, store::systemTimeMs(), actor(c));
    if (!info) return fail(failed(info.error()));
    print(c, {{"event_id", info->id}, {"name", info->name}},
          "created event " + info->id + " \"" + info->name + "\"");
    return exit_code::kOk;
}

Outcome eventList(Context& c) {
    auto opened = openDatabase(c, false);
    if (!opened) return fail(opened.error());
    SQLite::Database& db = *opened;
    json list = json::array();
    std::string text;
    store::Attendees attendees(db);
    for (const auto& e : store::Events(db).list()) {
        auto count = attendees.count(e.id);
        list.push_back({{"event_id", e.id},
                        {"name", e.name},
                        {"reentry", store::reentryPolicyName(e.reentryPolicy)},
                        {"attendees", count}});
        text += e.id + "  " + e.name + "  (" + std::to_string(count) + " attendees)\n";
    }
    print(c, list, text.empty() ? "no events" : text);
    return exit_code::kOk;
}

Outcome importCsv(Context& c) {
    if (c.args.positional().size() != 2) return fail(usage("import needs one CSV file"));
    std::optional<organiser::ImportFormat> format;
    if (auto named = c.args.option("format")) {
        format = organiser::parseImportFormat(*named);
        if (!format) {
            return fail(
                usage("--format must be admit, pretix or eventbrite, not '" + *named + "'"));
        }
    }
    auto opened = openForEvent(c);
    if (!opened) return fail(opened.error());
    SQLite::Database& db = opened->db;
    const std::string& eventId = opened->eventId;
    auto summary = organiser::importAttendeesFile(db, eventId, c.args.positional()[1],
                                                  c.args.option("operator").value_or(""),
                                                  store::systemTimeMs(), format);
    if (!summary) return fail(failed(summary.error()));
    std::string formatName(organiser::importFormatName(summary->format));
    std::string ignored;
    for (const auto& column : summary->ignoredColumns) {
        ignored += (ignored.empty() ? "" : ", ") + column;
    }
    print(c,
          {{"format", formatName},
           {"inserted", summary->inserted},
           {"updated", summary->updated},
           {"unchanged", summary->unchanged},
           {"ignored_columns", summary->ignoredColumns}},
          "imported (" + formatName + "): " + std::to_string(summary->inserted) + " new, " +
              std::to_string(summary->updated) + " updated, " + std::to_string(summary->unchanged) +
              " unchanged" + (ignored.empty() ? std::string() : "\nignored columns: " + ignored));
    return exit_code::kOk;
}

std::string csvField(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char ch : text) {
        if (ch == '"') out.push_back('"');
        out.push_back(ch);
    }
    return out + "\"";
}

Outcome tickets(Context& c) {
    auto opened = openForEvent(c);
    if (!opened) return fail(opened.error());
    SQLite::Database& db = opened->db;
    const std::string& eventId = opened->eventId;
    auto outOption = requireOption(c, "out");
    if (!outOption) return fail(outOption.error());
    std::filesystem::path out = *outOption;
    std::filesystem::create_directories(out);
    auto allIssued = organiser::issueAllTickets(db, eventId);
    if (!allIssued) return fail(failed(allIssued.error()));
    const auto& issued = *allIssued;
    std::ofstream csv(out / "tickets.csv", std::ios::binary);
    csv << "name,email,ticket_type,ticket_file,ticket_text\r\n";
    store::Attendees attendees(db);
    store::Events events(db);
    for (const auto& t : issued) {
        auto a = attendees.find(t.attendeeId);
        auto type = events.findTicketType(eventId, a->ticketType);
        std::string file = "ticket-" + t.ticketRef + ".png";
        if (auto written = writeQrPng(t.text, (out / file).string()); !written) {
            return fail(failed(written.error()));
        }
        csv << csvField(a->name) << "," << csvField(a->email) << ","
            << csvField(type ? type->name : "") << "," << file << "," << t.text << "\r\n";
    }
    csv.close();
    if (!csv) return fail(failed("cannot write " + (out / "tickets.csv").string()));
    print(c, {{"tickets", issued.size()}, {"csv", (out / "tickets.csv").string()}},
          std::to_string(issued.size()) + " tickets written to " + out.string());
    return exit_code::kOk;
}

Outcome setupCode(Context& c) {
    auto opened = openForEvent(c);
    if (!opened) return fail(opened.error());
    SQLite::Database& db = opened->db;
    const std::string& eventId = opened->eventId;
    std::string text;
    if (auto server = c.args.option("server")) {
        // A one-time enrolment token, registered (as its hash) in this database, which the
        // server serves; the token itself is printed only inside the code.
        std::string token;
        if (auto tokenPath = c.args.option("token-file")) {
            std::ifstream tokenFile(*tokenPath);
            std::getline(tokenFile, token);
            if (token.empty()) return fail(failed("the token file is empty or unreadable"));
        } else {
            token = sync::newSecretToken();
        }
        std::optional<std::array<std::uint8_t, 32>> pin;
        if (auto certificate = c.args.option("tls-cert")) {
            if (!server->starts_with("https://")) {
                return fail(usage("--tls-cert needs an https:// --server"));
            }
            auto sha256 = sync::certificatePublicKeySha256(*certificate);
            if (!sha256) return fail(failed(sha256.error()));
            pin = *sha256;
        }
        // The code first: a server URL it refuses leaves no token behind.
        auto code = organiser::onlineSetupCode(db, eventId, *server, token, pin);
        if (!code) return fail(failed(code.error()));
        text = *code;
        // --relay: the code enrols a venue relay (admit-server --upstream), which uploads for
        // the kiosks it serves (docs/sync.md, "Venue relay").
        auto registered = sync::EnrolmentTokens(db).add(
            eventId, token, store::systemTimeMs(),
            c.args.flag("relay") ? sync::DeviceRole::kRelay : sync::DeviceRole::kKiosk);
        if (!registered) return fail(failed(registered.error()));
    } else {
        if (c.args.flag("relay")) return fail(usage("--relay needs --server"));
        auto code = organiser::offlineSetupCode(db, eventId);
        if (!code) return fail(failed(code.error()));
        text = *code;
    }
    if (auto png = c.args.option("png")) {
        if (auto written = writeQrPng(text, *png); !written) return fail(failed(written.error()));
    }
    print(c, {{"setup_code", text}}, text);
    return exit_code::kOk;
}

json deviceJson(const sync::DeviceRecord& device) {
    auto optional = [](const std::optional<std::int64_t>& ms) -> json {
        return ms ? json(*ms) : json(nullptr);
    };
    return {{"device_id", device.deviceId},
            {"name", device.name},
            {"gate", device.gate},
            {"enrolled_at", device.enrolledAtMs},
            {"last_sync_at", optional(device.lastSyncAtMs)},
            {"revoked_at", optional(device.revokedAtMs)},
            {"app_version", device.appVersion.empty() ? json(nullptr) : json(device.appVersion)},
            {"outbox_depth", optional(device.outboxDepth)},
            {"clock_offset_ms", optional(device.clockOffsetMs)},
            {"clock_off", sync::clockIsOff(device.clockOffsetMs)},
            {"role", device.role == sync::DeviceRole::kRelay ? "relay" : "kiosk"},
            {"relay_id", device.relayId ? json(*device.relayId) : json(nullptr)}};
}

std::string deviceLine(const sync::DeviceRecord& device) {
    return device.deviceId + (device.role == sync::DeviceRole::kRelay ? "  RELAY" : "") + "  " +
           device.name + (device.gate.empty() ? "" : " (" + device.gate + ")") +
           (device.lastSyncAtMs ? "  last sync " + std::to_string(*device.lastSyncAtMs)
                                : "  never synced") +
           (device.appVersion.empty() ? "" : "  version " + device.appVersion) +
           (device.outboxDepth ? "  " + std::to_string(*device.outboxDepth) + " unsent" : "") +
           (sync::clockIsOff(device.clockOffsetMs)
                ? "  CLOCK OFF: " + sync::clockOffsetText(*device.clockOffsetMs)
                : "") +
           (device.revoked() ? "  REVOKED" : "");
}

Outcome deviceCommand(Context& c, const std::string& action) {
    auto opened = openForEvent(c);
    if (!opened) return fail(opened.error());
    auto& [db, eventId] = *opened;
    sync::DeviceRegistry devices(db);
    if (action == "list") {
        json list = json::array();
        std::string text;
        for (const auto& device : devices.list(eventId)) {
            list.push_back(deviceJson(device));
            text += deviceLine(device) + "\n";
        }
        print(c, {{"event_id", eventId}, {"devices", list}},
              text.empty() ? "no devices enrolled for event " + eventId : text);
        return exit_code::kOk;
    }
    auto deviceId = requireOption(c, "device");
    if (!deviceId) return fail(deviceId.error());
    auto revoked = devices.revoke(eventId, *deviceId, store::systemTimeMs());
    if (!revoked) return fail(failed(revoked.error()));
    print(c, deviceJson(*revoked), "device " + *deviceId + " revoked");
    return exit_code::kOk;
}

json quarantinedJson(const sync::QuarantinedEntry& entry, bool whole) {
    json out{{"seq", entry.seq},
             {"device_id", entry.deviceId},
             {"received_at", entry.receivedAtMs},
             {"reason", entry.reason}};
    if (whole) out["entry"] = json::parse(entry.entry, nullptr, false);
    return out;
}

Outcome quarantineCommand(Context& c, const std::string& action) {
    auto opened = openForEvent(c);
    if (!opened) return fail(opened.error());
    auto& [db, eventId] = *opened;
    sync::Quarantine quarantine(db);
    if (action == "list") {
        Result<std::int64_t, CommandError> limit = 50;
        if (c.args.option("limit")) limit = wholeNumberOption(c, "limit");
        if (!limit) return fail(limit.error());
        json list = json::array();
        std::string text;
        for (const auto& entry : quarantine.listForEvent(eventId, *limit)) {
            list.push_back(quarantinedJson(entry, false));
            text += std::to_string(entry.seq) + "  " + entry.deviceId + "  " + entry.reason + "\n";
        }
        const std::int64_t total = quarantine.countForEvent(eventId);
        print(c, {{"event_id", eventId}, {"total", total}, {"entries", list}},
              std::to_string(total) + " quarantined entries for event " + eventId + "\n" + text);
        return exit_code::kOk;
    }
    if (action == "clear") {
        sync::Quarantine::ClearScope scope;
        if (c.args.option("device") && c.args.option("seq")) {
            return fail(usage("quarantine clear takes --device or --seq, not both"));
        }
        if (c.args.option("device")) scope.deviceId = *c.args.option("device");
        if (c.args.option("seq")) {
            auto seq = wholeNumberOption(c, "seq");
            if (!seq) return fail(seq.error());
            scope.seq = *seq;
        }
        const std::int64_t removed = quarantine.clear(
            eventId, scope, c.args.option("operator").value_or(""), store::systemTimeMs());
        if (scope.seq && removed == 0) {
            return fail(failed("no quarantined entry " + std::to_string(*scope.seq) +
                               " for event " + eventId));
        }
        json out{{"event_id", eventId}, {"removed", removed}};
        if (scope.deviceId) out["device_id"] = *scope.deviceId;
        if (scope.seq) out["seq"] = *scope.seq;
        print(c, out,
              std::to_string(removed) + " quarantined entries removed for event " + eventId +
                  (scope.deviceId ? " from device " + *scope.deviceId : std::string()));
        return exit_code::kOk;
    }
    auto seq = wholeNumberOption(c, "seq");
    if (!seq) return fail(seq.error());
    auto entry = quarantine.find(eventId, *seq);
    if (!entry) {
        return fail(
            failed("no quarantined entry " + std::to_string(*seq) + " for event " + eventId));
    }
    print(c, quarantinedJson(*entry, true),
          "entry " + std::to_string(entry->seq) + " from device " + entry->deviceId + ": " +
              entry->reason + "\n" + entry->entry);
    return exit_code::kOk;
}

Result<rules::ScanContext, CommandError> scanContext(const Context& c) {
    auto eventId = requireOption(c, "event");
    if (!eventId) return fail(eventId.error());
    return rules::ScanContext{
        *eventId, c.args.option("gate").value_or("Main"),
        c.args.flag("exit") ? store::Direction::kExit : store::Direction::kEntry,
        c.args.option("operator").value_or(""), store::systemTimeMs()};
}

Outcome reportVerdict(const Context& c, const Result<rules::Verdict, rules::CheckInError>& v) {
    if (!v) return fail(failed(v.error()));
    print(c, verdictJson(*v), verdictText(*v));
    return v->accepted ? 0 : exit_code::kDenied;
}

Outcome verify(Context& c) {
    if (c.args.positional().size() != 2) return fail(usage("verify needs the ticket text"));
    auto db = openDatabase(c, false);
    if (!db) return fail(db.error());
    auto context = scanContext(c);
    if (!context) return fail(context.error());
    rules::CheckInEngine engine(*db);
    return reportVerdict(c, engine.evaluate(c.args.positional()[1], *context));
}

Outcome checkin(Context& c) {
    auto db = openDatabase(c, false);
    if (!db) return fail(db.error());
    auto context = scanContext(c);
    if (!context) return fail(context.error());
    rules::CheckInEngine engine(*db);
    if (auto query = c.args.option("search")) {
        auto found = store::AttendeeSearch(*db, context->eventId).find(*query, 10);
        if (found.empty()) return fail(failed("no attendee matches '" + *query + "'"));
        if (found.size() > 1) {
            std::string list;
            for (const auto& hit : found) {
                list += "\n  " + hit.attendee.name + " <" + hit.attendee.email + ">";
            }
            return fail(failed(std::to_string(found.size()) + " attendees match '" + *query +
                               "'; be more precise:" + list));
        }
        return reportVerdict(c, engine.checkInAttendee(found[0].attendee.id, *context));
    }
    if (c.args.positional().size() != 2) {
        return fail(usage("checkin needs the ticket text or --search"));
    }
    return reportVerdict(c, engine.scan(c.args.positional()[1], *context));
}

Outcome stats(Context& c) {
    auto opened = openForEvent(c);
    if (!opened) return fail(opened.error());
    SQLite::Database& db = opened->db;
    const std::string& eventId = opened->eventId;
    if (!store::Events(db).find(eventId)) return fail(failed("unknown event " + eventId));
    // The kiosk's way (store::AttendanceTally), so both show the same figures.
    auto s = store::AttendanceTally(db, eventId).refresh();
    json byType = json::array();
    std::string text = "checked in " + std::to_string(s.checkedIn) + " / " +
                       std::to_string(s.expected) + " expected, inside now " +
                       std::to_string(s.insideNow) + "\n";
    for (const auto& t : s.byTicketType) {
        byType.push_back(
            {{"type", t.label}, {"checked_in", t.checkedIn}, {"expected", t.expected}});
        text += "  " + t.label + ": " + std::to_string(t.checkedIn) + " / " +
                std::to_string(t.expected) + "\n";
    }
    json byGate = json::array();
    for (const auto& g : s.byGate) {
        byGate.push_back({{"gate", g.label}, {"entries", g.checkedIn}});
        text += "  gate " + g.label + ": " + std::to_string(g.checkedIn) + " entries\n";
    }
    json duplicates = json::array();
    for (const auto& d : s.duplicates) {
        duplicates.push_back({{"ticket", d.ticketRef},
                              {"name", d.attendeeName},
                              {"entries", d.entries},
                              {"devices", d.devices}});
        text += "  duplicate: " + (d.attendeeName.empty() ? d.ticketRef : d.attendeeName) +
                " entered " + std::to_string(d.entries) + " times\n";
    }
    print(c,
          {{"expected", s.expected},
           {"checked_in", s.checkedIn},
           {"inside_now", s.insideNow},
           {"entries", s.entries},
           {"exits", s.exits},
           {"by_ticket_type", byType},
           {"by_gate", byGate},
           {"duplicates", duplicates}},
          text);
    return exit_code::kOk;
}

// A new replica at `path` with the current schema.
Result<SQLite::Database, CommandError> createReplica(const std::string& path,
                                                     const replica::ReplicaKey& key) {
    auto db = replica::openReplica(path, key, replica::OpenMode::kCreate);
    if (!db) return fail(failed(db.error()));
    store::applyConnectionSettings(*db);
    if (auto migrated = store::migrate(*db); !migrated) return fail(failed(migrated.error()));
    return std::move(db).value();
}

Outcome exportReplica(Context& c) {
    auto opened = openForEvent(c);
    if (!opened) return fail(opened.error());
    SQLite::Database& db = opened->db;
    const std::string& eventId = opened->eventId;
    auto out = requireOption(c, "out");
    if (!out) return fail(out.error());
    if (std::filesystem::exists(*out)) return fail(failed(*out + " already exists"));
    auto keyFile = requireOption(c, "out-key-file");
    if (!keyFile) return fail(keyFile.error());
    auto key = loadOrCreateKey(*keyFile, true);
    if (!key) return fail(failed(key.error()));
    auto replicaDb = createReplica(*out, *key);
    if (!replicaDb) return fail(replicaDb.error());
    if (auto exported = organiser::exportReplica(db, eventId, *replicaDb); !exported) {
        return fail(failed(exported.error()));
    }
    print(c, {{"replica", *out}, {"event_id", eventId}},
          "replica for event " + eventId + " written to " + *out);
    return exit_code::kOk;
}

// "20261130T154012.345Z": UTC, sortable as text, unique for copies made a millisecond apart.
std::string backupTimestamp(std::int64_t ms) {
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[64];
    std::snprintf(text, sizeof text, "%04d%02d%02dT%02d%02d%02d.%03dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                  static_cast<int>((ms % 1000 + 1000) % 1000));
    return text;
}

// The copies `backup --out-dir` made of database `stem` in `dir`, oldest first. Only names it
// makes count: other files in the directory are never touched.
std::vector<std::filesystem::path> backupsIn(const std::filesystem::path& dir,
                                             const std::string& stem) {
    static const std::regex kName(R"(\d{8}T\d{6}\.\d{3}Z\.db)");
    std::vector<std::filesystem::path> found;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_regular_file() && name.rfind(stem + "-", 0) == 0 &&
            std::regex_match(name.substr(stem.size() + 1), kName)) {
            found.push_back(entry.path());
        }
    }
    std::sort(found.begin(), found.end());
    return found;
}

Outcome backupCommand(Context& c) {
    auto path = requireOption(c, "db");
    if (!path) return fail(path.error());
    auto key = databaseKey(c);
    if (!key) return fail(key.error());
    if (!*key)
        return fail(usage("backup needs the database's key: --key-file or --key-credential"));
    auto outFile = c.args.option("out");
    auto outDir = c.args.option("out-dir");
    if (outFile.has_value() == outDir.has_value()) {
        return fail(usage("backup needs exactly one of --out FILE and --out-dir DIR"));
    }
    std::int64_t keep = 14;
    if (c.args.option("keep")) {
        if (!outDir) return fail(usage("--keep goes with --out-dir"));
        auto value = wholeNumberOption(c, "keep");
        if (!value) return fail(value.error());
        if (*value < 1) return fail(usage("--keep must be a number of copies, 1 or more"));
        keep = *value;
    }
    const std::string stem = std::filesystem::path(*path).stem().string();
    const std::filesystem::path out =
        outFile ? std::filesystem::path(*outFile)
                : std::filesystem::path(*outDir) /
                      (stem + "-" + backupTimestamp(store::systemTimeMs()) + ".db");
    if (outDir && !std::filesystem::is_directory(*outDir)) {
        return fail(failed("backup directory " + *outDir + " does not exist"));
    }
    if (auto made = sync::backupServerDatabase(*path, **key, out); !made) {
        return fail(failed(made.error()));
    }
    json removed = json::array();
    std::string text = "backup of " + *path + " written to " + out.string();
    if (outDir) {
        auto copies = backupsIn(*outDir, stem);
        for (std::size_t i = 0; i + static_cast<std::size_t>(keep) < copies.size(); ++i) {
            std::error_code ec;
            std::filesystem::remove(copies[i], ec);
            // A copy someone opened may have a WAL and an index beside it.
            std::error_code ignored;
            std::filesystem::remove(copies[i].string() + "-wal", ignored);
            std::filesystem::remove(copies[i].string() + "-shm", ignored);
            if (ec)
                return fail(
                    failed("cannot remove old backup " + copies[i].string() + ": " + ec.message()));
            removed.push_back(copies[i].string());
            text += "\nremoved old backup " + copies[i].string();
        }
    }
    print(c, {{"backup", out.string()}, {"removed", removed}}, text);
    return exit_code::kOk;
}

Outcome replicaCommand(Context& c) {
    if (c.args.positional().size() != 2) {
        return fail(usage("replica needs one of: create, open, check, rekey, salvage"));
    }
    const std::string& action = c.args.positional()[1];
    auto pathOption = requireOption(c, "db");
    if (!pathOption) return fail(pathOption.error());
    const std::string& path = *pathOption;
    auto keyFileOption = requireOption(c, "key-file");
    if (!keyFileOption) return fail(keyFileOption.error());
    const std::string& keyFile = *keyFileOption;
    if (action == "create") {
        if (std::filesystem::exists(path)) return fail(failed(path + " already exists"));
        auto key = loadOrCreateKey(keyFile, true);
        if (!key) return fail(failed(key.error()));
        auto db = createReplica(path, *key);
        if (!db) return fail(db.error());
        print(c, {{"replica", path}, {"device_id", store::deviceId(*db)}},
              "created encrypted replica " + path);
        return exit_code::kOk;
    }
    auto loaded = replica::loadKeyFile(keyFile);
    if (!loaded) return fail(failed(loaded.error()));
    const replica::ReplicaKey& key = *loaded;
    if (action == "open") {
        auto opened = replica::openReplica(path, key, replica::OpenMode::kReadOnly);
        if (!opened) return fail(failed(opened.error()));
        SQLite::Database& db = *opened;
        json events = json::array();
        std::string text = "replica " + path + " (device " + store::deviceId(db) + ")\n";
        store::Attendees attendees(db);
        for (const auto& e : store::Events(db).list()) {
            events.push_back(
                {{"event_id", e.id}, {"name", e.name}, {"attendees", attendees.count(e.id)}});
            text += "  " + e.id + "  " + e.name + "  (" + std::to_string(attendees.count(e.id)) +
                    " attendees)\n";
        }
        print(c, {{"replica", path}, {"events", events}}, text);
        return exit_code::kOk;
    }
    if (action == "check") {
        auto checked = replica::checkReplica(path, key, store::migrate);
        if (!checked) return fail(failed(checked.error()));
        const replica::IntegrityReport& report = *checked;
        if (report.ok) {
            print(c,
                  {{"ok", true},
                   {"problems", json::array()},
                   {"pages_authenticated", report.pagesAuthenticated}},
                  "ok: " + std::to_string(report.pagesAuthenticated) + " pages authenticated");
            return exit_code::kOk;
        }
        print(c, damagedCheckJson(report), damagedCheckText(path, keyFile, report));
        return exit_code::kFailure;
    }
    if (action == "salvage") {
        auto outPath = requireOption(c, "out");
        if (!outPath) return fail(outPath.error());
        auto outKeyFile = c.args.option("out-key-file");
        auto outKey =
            outKeyFile ? loadOrCreateKey(*outKeyFile, true) : replica::loadKeyFile(keyFile);
        if (!outKey) return fail(failed(outKey.error()));
        replica::SalvagePlan plan{store::migrate, store::salvageOrder()};
        auto salvaged = replica::salvageReplica(path, key, *outPath, *outKey, plan);
        if (!salvaged) return fail(failed(salvaged.error()));
        print(c, salvageJson(path, *outPath, *salvaged), salvageText(path, *outPath, *salvaged));
        return salvaged->everyRowCopied() ? 0 : exit_code::kRowsLost;
    }
    if (action == "rekey") {
        auto newKeyFile = requireOption(c, "new-key-file");
        if (!newKeyFile) return fail(newKeyFile.error());
        auto newKey = loadOrCreateKey(*newKeyFile, true);
        if (!newKey) return fail(failed(newKey.error()));
        if (auto rekeyed = replica::rekeyReplica(path, key, *newKey); !rekeyed) {
            return fail(failed(rekeyed.error()));
        }
        print(c, {{"replica", path}, {"rekeyed", true}}, "replica " + path + " re-encrypted");
        return exit_code::kOk;
    }
    return fail(usage("unknown replica action '" + action + "'"));
}

using Handler = std::function<Outcome(Context&)>;

// Every command, by its words: "import", or a group and its sub-command ("ticket revoke").
const std::map<std::string, Handler>& commandTable() {
    auto with = [](Outcome (*run)(Context&, const std::string&), std::string action) -> Handler {
        return [run, action](Context& c) { return run(c, action); };
    };
    static const std::map<std::string, Handler> kCommands{
        {"import", importCsv},
        {"tickets", tickets},
        {"setup-code", setupCode},
        {"verify", verify},
        {"checkin", checkin},
        {"stats", stats},
        {"export-replica", exportReplica},
        {"replica", replicaCommand},
        {"backup", backupCommand},
        {"audit", auditCommand},
        {"export", exportCommand},
        {"event create", eventCreate},
        {"event list", eventList},
        {"event show", with(eventSettingsCommand, "show")},
        {"event set", with(eventSettingsCommand, "set")},
        {"event pretix-keys", pretixKeysCommand},
        {"operator add", with(operatorCommand, "add")},
        {"operator list", with(operatorCommand, "list")},
        {"operator remove", with(operatorCommand, "remove")},
        {"operator set-pin", with(operatorCommand, "set-pin")},
        {"operator unlock", with(operatorCommand, "unlock")},
        {"device list", with(deviceCommand, "list")},
        {"device revoke", with(deviceCommand, "revoke")},
        {"quarantine list", with(quarantineCommand, "list")},
        {"quarantine show", with(quarantineCommand, "show")},
        {"quarantine clear", with(quarantineCommand, "clear")},
        {"ticket revoke", with(ticketCommand, "revoke")},
        {"ticket block", with(ticketCommand, "block")},
        {"ticket unblock", with(ticketCommand, "unblock")},
        {"ticket reissue", with(ticketCommand, "reissue")},
        {"attendee list", with(attendeeCommand, "list")},
        {"attendee show", with(attendeeCommand, "show")},
        {"attendee search", with(attendeeCommand, "search")},
        {"attendee history", with(attendeeCommand, "history")},
        {"attendee add", with(attendeeCommand, "add")},
        {"attendee set", with(attendeeCommand, "set")},
        {"type list", with(typeCommand, "list")},
        {"type add", with(typeCommand, "add")},
        {"type rename", with(typeCommand, "rename")},
        {"type map-pretix", mapPretixCommand},
        {"type days", typeDaysCommand},
        {"gate allow", with(gateCommand, "allow")},
        {"gate list", with(gateCommand, "list")},
    };
    return kCommands;
}

// The command the positional words name, or why none.
Result<Handler, CommandError> findCommand(const std::vector<std::string>& pos) {
    static const std::set<std::string> kGroups{"event",  "operator", "device", "quarantine",
                                               "ticket", "attendee", "type",   "gate"};
    std::string name = pos.at(0);
    if (kGroups.count(name)) {
        if (pos.size() < 2) return fail(usage(name + " needs a sub-command"));
        name += " " + pos[1];
    }
    auto found = commandTable().find(name);
    if (found == commandTable().end()) return fail(usage("unknown command '" + name + "'"));
    return found->second;
}

int run(const std::vector<std::string>& words) {
    static const std::set<std::string> kFlags{"json",    "exit",    "help",
                                              "version", "checkin", "relay"};
    static const std::set<std::string> kOptions{
        "db",           "key-file",    "name",      "types",  "reentry",
        "event",        "out",         "png",       "server", "token-file",
        "role",         "gate",        "operator",  "search", "out-key-file",
        "new-key-file", "device",      "seq",       "limit",  "key-credential",
        "out-dir",      "keep",        "reason",    "ref",    "attendee",
        "email",        "type",        "status",    "note",   "offset",
        "valid-from",   "valid-until", "time-zone", "since",  "until",
        "format",       "tls-cert",    "add",       "remove", "item",
        "days",         "day-starts"};
    auto parsed = Arguments::parse(words, kFlags, kOptions);
    if (!parsed) {
        std::cerr << "admit: " << parsed.error().message << "\n" << kUsage;
        return exit_code::kUsage;
    }
    Context c{std::move(*parsed), false};
    c.json = c.args.flag("json");
    const auto& pos = c.args.positional();
    if (c.args.flag("version")) {
        std::cout << versionLine("admit") << "\n";
        return exit_code::kOk;
    }
    if (pos.empty()) {
        (c.args.flag("help") ? std::cout : std::cerr) << kUsage;
        return c.args.flag("help") ? exit_code::kOk : exit_code::kUsage;
    }
    auto handler = findCommand(pos);
    if (!handler) {
        std::cerr << "admit: " << handler.error().message << "\n" << kUsage;
        return exit_code::kUsage;
    }
    // `admit COMMAND ... --help`: the usage, once the command and its options are known to parse.
    if (c.args.flag("help")) {
        std::cout << kUsage;
        return exit_code::kOk;
    }
    auto command = [&]() -> Outcome { return (*handler)(c); };
    // The libraries report expected failures as values; what they throw (the database refusing
    // a query, the file system) stops the command the same way.
    auto outcome = [&]() -> Outcome {
        try {
            return command();
        } catch (const SQLite::Exception& e) {
            return fail(failed(replica::describeReplicaFailure(e)));
        } catch (const std::exception& e) {
            return fail(failed(std::string(e.what())));
        }
    }();
    if (outcome) return *outcome;
    std::cerr << "admit: " << outcome.error().message << "\n";
    if (outcome.error().kind == CommandError::Kind::kBadUsage) {
        std::cerr << kUsage;
        return exit_code::kUsage;
    }
    return exit_code::kFailure;
}

}  // namespace
}  // namespace admit::cli

int main(int argc, char** argv) {
    std::vector<std::string> words(argv + 1, argv + argc);
    return admit::cli::run(words);
}

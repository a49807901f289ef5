// admit: the organiser's command line. Every command works on a database given with --db
// (the organiser's database, or a kiosk replica with --key-file). Output is text, or JSON with
// --json. Exit codes: 0 done (or accepted), 1 error (or a damaged replica checked), 2 usage,
// 3 a ticket was denied, 4 a salvage wrote its new replica but rows were lost.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "admit/organiser/attendee_import.hpp"
#include "admit/organiser/event_admin.hpp"
#include "admit/replica/replica.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/replica/salvage.hpp"
#include "admit/rules/checkin_engine.hpp"
#include "admit/store/attendees.hpp"
#include "admit/store/clock.hpp"
#include "admit/store/operators.hpp"
#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"
#include "admit/sync/server_store.hpp"
#include "arguments.hpp"
#include "damage_text.hpp"
#include "pin_prompt.hpp"
#include "qr_png.hpp"
#include "verdict_text.hpp"

namespace admit::cli {
namespace {

using json = nlohmann::json;

constexpr int kExitError = 1;
constexpr int kExitUsage = 2;
constexpr int kExitDenied = 3;
constexpr int kExitRowsLost = 4;

constexpr const char* kUsage = R"(usage: admit --db PATH [--key-file KEY] [--json] COMMAND ...

Events and attendees (organiser database):
  event create --name NAME [--types General,VIP] [--reentry single|multiple|after_exit]
  event list
  import --event ID FILE.csv
  tickets --event ID --out DIR          one QR PNG per ticket + tickets.csv for mail merge
  setup-code --event ID [--png FILE] [--server URL [--token-file FILE]]
                                        online codes carry a one-time enrolment token
                                        (made here, or read from FILE), valid 7 days
  operator add --name NAME --role volunteer|organiser    (PIN read from the terminal or stdin)

At the door (organiser database or replica):
  verify --event ID [--gate G] [--exit] TEXT      the verdict, recording nothing
  checkin --event ID [--gate G] [--exit] [--operator NAME] (TEXT | --search QUERY)
  stats --event ID

Kiosk replicas (encrypted; a key file holds 32 random bytes, mode 0600, created if missing):
  export-replica --event ID --out PATH --out-key-file KEY
  replica create | open | check       (with --db REPLICA --key-file KEY)
  replica rekey --new-key-file KEY    (with --db REPLICA --key-file KEY)
  replica salvage --out NEW [--out-key-file KEY]   (with --db REPLICA --key-file KEY)
                                      copies every row a damaged replica still holds, unsent
                                      check-ins first, into a new replica (same key unless
                                      --out-key-file); the damaged replica is only read
)";

struct Context {
    Arguments args;
    bool json = false;
};

class UsageError : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Unwraps a Result or stops the command with its message.
template <class T, class E>
T need(Result<T, E> result) {
    if (!result) throw std::runtime_error(result.error().message);
    return std::move(result).value();
}

std::string requireOption(const Context& c, const std::string& name) {
    auto value = c.args.option(name);
    if (!value) throw UsageError("missing --" + name);
    return *value;
}

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

SQLite::Database openDatabase(const Context& c, bool create) {
    std::string path = requireOption(c, "db");
    if (auto keyFile = c.args.option("key-file")) {
        auto key = need(replica::loadKeyFile(*keyFile));
        auto db = need(replica::openReplica(
            path, key, create ? replica::OpenMode::Create : replica::OpenMode::ReadWrite));
        store::applyConnectionSettings(db);
        need(store::migrate(db));
        return db;
    }
    return need(store::openPlainDatabase(
        path, create ? store::OpenMode::kCreate : store::OpenMode::kExisting));
}

void print(const Context& c, const json& value, const std::string& text) {
    if (c.json) {
        std::cout << value.dump() << "\n";
    } else {
        std::cout << text << (text.empty() || text.back() == '\n' ? "" : "\n");
    }
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

int eventCreate(Context& c) {
    SQLite::Database db = openDatabase(c, true);
    organiser::NewEvent event;
    event.name = requireOption(c, "name");
    if (auto types = c.args.option("types")) event.ticketTypes = splitList(*types);
    if (auto policy = c.args.option("reentry")) {
        event.reentryPolicy = need(store::parseReentryPolicy(*policy));
    }
    auto info = need(organiser::createEvent(db, event, store::systemTimeMs()));
    print(c, {{"event_id", info.id}, {"name", info.name}},
          "created event " + info.id + " \"" + info.name + "\"");
    return 0;
}

int eventList(Context& c) {
    SQLite::Database db = openDatabase(c, false);
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
    return 0;
}

int importCsv(Context& c) {
    if (c.args.positional().size() != 2) throw UsageError("import needs one CSV file");
    SQLite::Database db = openDatabase(c, false);
    std::string eventId = requireOption(c, "event");
    auto summary = need(organiser::importAttendeesFile(db, eventId, c.args.positional()[1],
                                                       c.args.option("operator").value_or(""),
                                                       store::systemTimeMs()));
    print(c,
          {{"inserted", summary.inserted},
           {"updated", summary.updated},
           {"unchanged", summary.unchanged}},
          "imported: " + std::to_string(summary.inserted) + " new, " +
              std::to_string(summary.updated) + " updated, " + std::to_string(summary.unchanged) +
              " unchanged");
    return 0;
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

int tickets(Context& c) {
    SQLite::Database db = openDatabase(c, false);
    std::string eventId = requireOption(c, "event");
    std::filesystem::path out = requireOption(c, "out");
    std::filesystem::create_directories(out);
    auto issued = need(organiser::issueAllTickets(db, eventId));
    std::ofstream csv(out / "tickets.csv", std::ios::binary);
    csv << "name,email,ticket_type,ticket_file,ticket_text\r\n";
    store::Attendees attendees(db);
    store::Events events(db);
    for (const auto& t : issued) {
        auto a = attendees.find(t.attendeeId);
        auto type = events.findTicketType(eventId, a->ticketType);
        std::string file = "ticket-" + t.ticketRef + ".png";
        need(writeQrPng(t.text, (out / file).string()));
        csv << csvField(a->name) << "," << csvField(a->email) << ","
            << csvField(type ? type->name : "") << "," << file << "," << t.text << "\r\n";
    }
    csv.close();
    if (!csv) throw std::runtime_error("cannot write " + (out / "tickets.csv").string());
    print(c, {{"tickets", issued.size()}, {"csv", (out / "tickets.csv").string()}},
          std::to_string(issued.size()) + " tickets written to " + out.string());
    return 0;
}

int setupCode(Context& c) {
    SQLite::Database db = openDatabase(c, false);
    std::string eventId = requireOption(c, "event");
    std::string text;
    if (auto server = c.args.option("server")) {
        // A one-time enrolment token, registered (as its hash) in this database, which the
        // server serves; the token itself is printed only inside the code.
        std::string token;
        if (auto tokenPath = c.args.option("token-file")) {
            std::ifstream tokenFile(*tokenPath);
            std::getline(tokenFile, token);
            if (token.empty()) throw std::runtime_error("the token file is empty or unreadable");
        } else {
            token = sync::newSecretToken();
        }
        // The code first: a server URL it refuses leaves no token behind.
        text = need(organiser::onlineSetupCode(db, eventId, *server, token));
        need(sync::registerEnrolmentToken(db, eventId, token, store::systemTimeMs()));
    } else {
        text = need(organiser::offlineSetupCode(db, eventId));
    }
    if (auto png = c.args.option("png")) need(writeQrPng(text, *png));
    print(c, {{"setup_code", text}}, text);
    return 0;
}

int operatorAdd(Context& c) {
    SQLite::Database db = openDatabase(c, false);
    std::string name = requireOption(c, "name");
    auto role = need(store::parseRole(requireOption(c, "role")));
    std::string pin = need(readPin("PIN for " + name + ": "));
    need(store::Operators(db).set(name, role, pin));
    print(c, {{"operator", name}, {"role", store::roleName(role)}},
          "operator " + name + " (" + std::string(store::roleName(role)) + ") saved");
    return 0;
}

rules::ScanContext scanContext(const Context& c) {
    return {requireOption(c, "event"), c.args.option("gate").value_or("Main"),
            c.args.flag("exit") ? store::Direction::kExit : store::Direction::kEntry,
            c.args.option("operator").value_or(""), store::systemTimeMs()};
}

int reportVerdict(const Context& c, const rules::Verdict& v) {
    print(c, verdictJson(v), verdictText(v));
    return v.accepted ? 0 : kExitDenied;
}

int verify(Context& c) {
    if (c.args.positional().size() != 2) throw UsageError("verify needs the ticket text");
    SQLite::Database db = openDatabase(c, false);
    rules::CheckInEngine engine(db);
    return reportVerdict(c, need(engine.evaluate(c.args.positional()[1], scanContext(c))));
}

int checkin(Context& c) {
    SQLite::Database db = openDatabase(c, false);
    rules::CheckInEngine engine(db);
    rules::ScanContext context = scanContext(c);
    if (auto query = c.args.option("search")) {
        auto found = store::Attendees(db).search(context.eventId, *query, 10);
        if (found.empty()) throw std::runtime_error("no attendee matches '" + *query + "'");
        if (found.size() > 1) {
            std::string list;
            for (const auto& a : found) list += "\n  " + a.name + " <" + a.email + ">";
            throw std::runtime_error(std::to_string(found.size()) + " attendees match '" + *query +
                                     "'; be more precise:" + list);
        }
        return reportVerdict(c, need(engine.checkInAttendee(found[0].id, context)));
    }
    if (c.args.positional().size() != 2)
        throw UsageError("checkin needs the ticket text or --search");
    return reportVerdict(c, need(engine.scan(c.args.positional()[1], context)));
}

int stats(Context& c) {
    SQLite::Database db = openDatabase(c, false);
    std::string eventId = requireOption(c, "event");
    if (!store::Events(db).find(eventId)) throw std::runtime_error("unknown event " + eventId);
    store::HybridLogicalClock clock(db);
    auto s = store::CheckInLog(db, clock).stats(eventId);
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
    return 0;
}

int exportReplica(Context& c) {
    SQLite::Database db = openDatabase(c, false);
    std::string eventId = requireOption(c, "event");
    std::string out = requireOption(c, "out");
    if (std::filesystem::exists(out)) throw std::runtime_error(out + " already exists");
    auto key = need(loadOrCreateKey(requireOption(c, "out-key-file"), true));
    auto replicaDb = need(replica::openReplica(out, key, replica::OpenMode::Create));
    store::applyConnectionSettings(replicaDb);
    need(store::migrate(replicaDb));
    need(organiser::exportReplica(db, eventId, replicaDb));
    print(c, {{"replica", out}, {"event_id", eventId}},
          "replica for event " + eventId + " written to " + out);
    return 0;
}

int replicaCommand(Context& c) {
    if (c.args.positional().size() != 2) {
        throw UsageError("replica needs one of: create, open, check, rekey, salvage");
    }
    const std::string& action = c.args.positional()[1];
    std::string path = requireOption(c, "db");
    std::string keyFile = requireOption(c, "key-file");
    if (action == "create") {
        if (std::filesystem::exists(path)) throw std::runtime_error(path + " already exists");
        auto key = need(loadOrCreateKey(keyFile, true));
        auto db = need(replica::openReplica(path, key, replica::OpenMode::Create));
        store::applyConnectionSettings(db);
        need(store::migrate(db));
        print(c, {{"replica", path}, {"device_id", store::deviceId(db)}},
              "created encrypted replica " + path);
        return 0;
    }
    auto key = need(replica::loadKeyFile(keyFile));
    if (action == "open") {
        auto db = need(replica::openReplica(path, key, replica::OpenMode::ReadOnly));
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
        return 0;
    }
    if (action == "check") {
        auto report = need(replica::checkReplica(path, key, store::migrate));
        if (report.ok) {
            print(c,
                  {{"ok", true},
                   {"problems", json::array()},
                   {"pages_authenticated", report.pagesAuthenticated}},
                  "ok: " + std::to_string(report.pagesAuthenticated) + " pages authenticated");
            return 0;
        }
        print(c, damagedCheckJson(report), damagedCheckText(path, keyFile, report));
        return kExitError;
    }
    if (action == "salvage") {
        const std::string outPath = requireOption(c, "out");
        auto outKeyFile = c.args.option("out-key-file");
        auto outKey =
            need(outKeyFile ? loadOrCreateKey(*outKeyFile, true) : replica::loadKeyFile(keyFile));
        replica::SalvagePlan plan{store::migrate, store::salvageOrder()};
        auto report = need(replica::salvageReplica(path, key, outPath, outKey, plan));
        print(c, salvageJson(path, outPath, report), salvageText(path, outPath, report));
        return report.everyRowCopied() ? 0 : kExitRowsLost;
    }
    if (action == "rekey") {
        auto newKey = need(loadOrCreateKey(requireOption(c, "new-key-file"), true));
        need(replica::rekeyReplica(path, key, newKey));
        print(c, {{"replica", path}, {"rekeyed", true}}, "replica " + path + " re-encrypted");
        return 0;
    }
    throw UsageError("unknown replica action '" + action + "'");
}

int run(const std::vector<std::string>& words) {
    static const std::set<std::string> kFlags{"json", "exit", "help"};
    static const std::set<std::string> kOptions{
        "db",       "key-file", "name",         "types",       "reentry", "event",
        "out",      "png",      "server",       "token-file",  "role",    "gate",
        "operator", "search",   "out-key-file", "new-key-file"};
    auto parsed = Arguments::parse(words, kFlags, kOptions);
    if (!parsed) {
        std::cerr << "admit: " << parsed.error().message << "\n" << kUsage;
        return kExitUsage;
    }
    Context c{std::move(*parsed), false};
    c.json = c.args.flag("json");
    const auto& pos = c.args.positional();
    if (c.args.flag("help") || pos.empty()) {
        (pos.empty() && !c.args.flag("help") ? std::cerr : std::cout) << kUsage;
        return pos.empty() && !c.args.flag("help") ? kExitUsage : 0;
    }
    static const std::map<std::string, std::function<int(Context&)>> kCommands{
        {"import", importCsv},
        {"tickets", tickets},
        {"setup-code", setupCode},
        {"verify", verify},
        {"checkin", checkin},
        {"stats", stats},
        {"export-replica", exportReplica},
        {"replica", replicaCommand}};
    try {
        std::string command = pos[0];
        if (command == "event" || command == "operator") {
            if (pos.size() != 2) throw UsageError(command + " needs a sub-command");
            command += " " + pos[1];
            if (command == "event create") return eventCreate(c);
            if (command == "event list") return eventList(c);
            if (command == "operator add") return operatorAdd(c);
            throw UsageError("unknown command '" + command + "'");
        }
        auto it = kCommands.find(command);
        if (it == kCommands.end()) throw UsageError("unknown command '" + command + "'");
        return it->second(c);
    } catch (const UsageError& e) {
        std::cerr << "admit: " << e.what() << "\n" << kUsage;
        return kExitUsage;
    } catch (const SQLite::Exception& e) {
        std::cerr << "admit: " << replica::describeReplicaFailure(e) << "\n";
        return kExitError;
    } catch (const std::exception& e) {
        std::cerr << "admit: " << e.what() << "\n";
        return kExitError;
    }
}

}  // namespace
}  // namespace admit::cli

int main(int argc, char** argv) {
    std::vector<std::string> words(argv + 1, argv + argc);
    return admit::cli::run(words);
}

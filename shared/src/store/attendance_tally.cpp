#include "admit/store/attendance_tally.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "admit/store/statement_cache.hpp"
#include "effective_checkins.hpp"

namespace admit::store {
namespace {

// What one ticket adds to the figures, derived from its effective records in (hlc, id) order.
// Gates and devices are interned (State::names) to keep 100,000 of these small.
struct TicketFigures {
    bool arrived = false;
    bool inside = false;
    bool duplicate = false;
    std::int64_t firstEntryMs = 0;
    std::int64_t entries = 0;
    std::int64_t exits = 0;
    std::int64_t devicesSeen = 0;
    std::optional<std::int64_t> duplicateAttendee;
    std::vector<std::pair<std::uint32_t, std::int64_t>> gates;    // entries per gate
    std::vector<std::pair<std::uint32_t, std::int64_t>> devices;  // entries per device
    std::vector<std::int64_t> attendees;  // distinct attendees among the entries
};

void addTo(std::vector<std::pair<std::uint32_t, std::int64_t>>& counts, std::uint32_t key) {
    for (auto& [k, n] : counts) {
        if (k == key) {
            ++n;
            return;
        }
    }
    counts.emplace_back(key, 1);
}

}  // namespace

struct AttendanceTally::State {
    bool built = false;
    std::int64_t cursor = 0;        // the last checkin_changes.seq taken into account
    std::int64_t outboxCursor = 0;  // the last outbox.seq (this device's own records)
    std::optional<std::int64_t> rosterVersion;

    std::vector<std::string> names;
    std::unordered_map<std::string, std::uint32_t> nameIndex;
    std::unordered_map<std::string, TicketFigures> tickets;

    std::int64_t checkedIn = 0;
    std::int64_t insideNow = 0;
    std::int64_t entries = 0;
    std::int64_t exits = 0;
    std::vector<std::int64_t> gateEntries;    // by interned name
    std::vector<std::int64_t> deviceEntries;  // by interned name
    std::map<std::int64_t, std::int64_t> arrivals;
    std::unordered_map<std::int64_t, std::int64_t> ticketsOfAttendee;  // arrived tickets
    std::set<std::string> duplicates;                                  // ticket refs

    // From the roster.
    std::int64_t expected = 0;
    struct TicketType {
        int code = 0;
        std::string name;
        std::int64_t expected = 0;
        std::int64_t arrived = 0;
    };
    std::vector<TicketType> types;
    std::unordered_map<std::int64_t, int> typeOfAttendee;          // this event's attendees
    std::unordered_map<std::int64_t, std::string> nameOfAttendee;  // duplicates' names, cached

    std::uint32_t intern(const std::string& name) {
        auto [it, inserted] = nameIndex.try_emplace(name, static_cast<std::uint32_t>(names.size()));
        if (inserted) {
            names.push_back(name);
            gateEntries.push_back(0);
            deviceEntries.push_back(0);
        }
        return it->second;
    }

    TicketFigures derive(const std::vector<CheckIn>& records) {
        TicketFigures f;
        std::vector<std::string_view> devicesSeen;
        for (std::size_t i = 0; i < records.size(); ++i) {
            const CheckIn& c = records[i];
            if (std::find(devicesSeen.begin(), devicesSeen.end(), c.deviceId) ==
                devicesSeen.end()) {
                devicesSeen.push_back(c.deviceId);
            }
            if (c.direction == Direction::kExit) {
                ++f.exits;
                continue;
            }
            f.firstEntryMs = f.arrived ? std::min(f.firstEntryMs, c.wallTimeMs) : c.wallTimeMs;
            f.arrived = true;
            ++f.entries;
            addTo(f.gates, intern(c.gate));
            addTo(f.devices, intern(c.deviceId));
            if (c.attendeeId && std::find(f.attendees.begin(), f.attendees.end(), *c.attendeeId) ==
                                    f.attendees.end()) {
                f.attendees.push_back(*c.attendeeId);
            }
            // An entry right after an entry (no exit between): the same ticket let in twice.
            if (i > 0 && records[i - 1].direction == Direction::kEntry) {
                f.duplicate = true;
                f.duplicateAttendee = c.attendeeId;
            }
        }
        f.inside = !records.empty() && records.back().direction == Direction::kEntry;
        f.devicesSeen = static_cast<std::int64_t>(devicesSeen.size());
        return f;
    }

    void arrivedTypeChange(std::int64_t attendee, std::int64_t delta) {
        auto type = typeOfAttendee.find(attendee);
        if (type == typeOfAttendee.end()) return;
        for (auto& t : types) {
            if (t.code == type->second) t.arrived += delta;
        }
    }

    // Adds (sign 1) or takes away (sign -1) what a ticket contributes.
    void apply(const std::string& ref, const TicketFigures& f, int sign, std::int64_t bucketMs) {
        checkedIn += sign * (f.arrived ? 1 : 0);
        insideNow += sign * (f.inside ? 1 : 0);
        entries += sign * f.entries;
        exits += sign * f.exits;
        for (auto [k, n] : f.gates) gateEntries[k] += sign * n;
        for (auto [k, n] : f.devices) deviceEntries[k] += sign * n;
        if (f.arrived) {
            std::int64_t bucket = (f.firstEntryMs / bucketMs) * bucketMs;
            if ((arrivals[bucket] += sign) == 0) arrivals.erase(bucket);
        }
        for (std::int64_t a : f.attendees) {
            std::int64_t& n = ticketsOfAttendee[a];
            n += sign;
            if (sign > 0 && n == 1) arrivedTypeChange(a, 1);
            if (sign < 0 && n == 0) {
                arrivedTypeChange(a, -1);
                ticketsOfAttendee.erase(a);
            }
        }
        if (f.duplicate) {
            if (sign > 0) {
                duplicates.insert(ref);
            } else {
                duplicates.erase(ref);
            }
        }
    }

    void replace(const std::string& ref, std::vector<CheckIn> records, std::int64_t bucketMs) {
        auto old = tickets.find(ref);
        if (old != tickets.end()) {
            apply(ref, old->second, -1, bucketMs);
            tickets.erase(old);
        }
        if (records.empty()) return;
        TicketFigures f = derive(records);
        apply(ref, f, 1, bucketMs);
        tickets.emplace(ref, std::move(f));
    }
};

AttendanceTally::AttendanceTally(SQLite::Database& db, std::string eventId, std::int64_t bucketMs)
    : db_(db),
      eventId_(std::move(eventId)),
      bucketMs_(bucketMs),
      state_(std::make_unique<State>()) {}

AttendanceTally::~AttendanceTally() = default;

AttendanceStats AttendanceTally::refresh() {
    State& s = *state_;
    try {
        // One snapshot: the changes read and the histories they point at agree.
        SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::DEFERRED);
        std::int64_t through =
            db_.execAndGet("SELECT coalesce(max(seq), 0) FROM checkin_changes").getInt64();
        std::int64_t outboxThrough =
            db_.execAndGet("SELECT coalesce(max(seq), 0) FROM outbox").getInt64();
        if (!s.built) {
            SQLite::Statement q(db_, std::string(detail::kEffective) + "SELECT " +
                                         checkInColumns() +
                                         " FROM effective ORDER BY ticket_ref, hlc, id");
            q.bind(":event", eventId_);
            std::vector<CheckIn> records;
            while (q.executeStep()) {
                CheckIn c = readCheckIn(q);
                if (!records.empty() && records.back().ticketRef != c.ticketRef) {
                    std::string ref = records.back().ticketRef;
                    s.replace(ref, std::move(records), bucketMs_);
                    records.clear();
                }
                records.push_back(std::move(c));
            }
            if (!records.empty()) {
                std::string ref = records.back().ticketRef;
                s.replace(ref, std::move(records), bucketMs_);
            }
            s.built = true;
        } else if (through > s.cursor || outboxThrough > s.outboxCursor) {
            // Records stored without an outbox entry (the change list), and this device's own
            // (the outbox: an annulment's row carries its target's ticket).
            SQLite::Statement changes(
                db_,
                "SELECT ticket_ref FROM checkin_changes WHERE seq > ?1 AND seq <= ?2 AND "
                "event_id = ?3 UNION SELECT c.ticket_ref FROM outbox o JOIN checkins c ON c.id = "
                "o.record_id WHERE o.seq > ?4 AND o.seq <= ?5 AND o.kind = 'checkin' AND "
                "c.event_id = ?3");
            changes.bind(1, s.cursor);
            changes.bind(2, through);
            changes.bind(3, eventId_);
            changes.bind(4, s.outboxCursor);
            changes.bind(5, outboxThrough);
            SQLite::Statement history(db_, std::string(detail::kEffective) + "SELECT " +
                                               checkInColumns() +
                                               " FROM effective WHERE ticket_ref = :ref ORDER "
                                               "BY hlc, id");
            history.bind(":event", eventId_);
            while (changes.executeStep()) {
                std::string ref = changes.getColumn(0).getString();
                history.reset();
                history.bind(":ref", ref);
                std::vector<CheckIn> records;
                while (history.executeStep()) records.push_back(readCheckIn(history));
                s.replace(ref, std::move(records), bucketMs_);
            }
        }
        s.cursor = through;
        s.outboxCursor = outboxThrough;

        // The roster: re-read when its version moved (any change to attendees, types, codes).
        SQLite::Statement version(db_, "SELECT version FROM roster_versions WHERE event_id = ?");
        version.bind(1, eventId_);
        std::optional<std::int64_t> roster;
        if (version.executeStep()) roster = version.getColumn(0).getInt64();
        if (!roster || roster != s.rosterVersion) {
            s.rosterVersion = roster;
            s.types.clear();
            s.typeOfAttendee.clear();
            s.nameOfAttendee.clear();
            s.expected = 0;
            SQLite::Statement types(
                db_, "SELECT code, name FROM ticket_types WHERE event_id = ? ORDER BY code");
            types.bind(1, eventId_);
            while (types.executeStep()) {
                s.types.push_back({types.getColumn(0).getInt(), types.getColumn(1).getString()});
            }
            SQLite::Statement attendees(
                db_,
                "SELECT id, ticket_type, status = 'approved' FROM attendees WHERE event_id = ?");
            attendees.bind(1, eventId_);
            while (attendees.executeStep()) {
                std::int64_t id = attendees.getColumn(0).getInt64();
                int type = attendees.getColumn(1).getInt();
                bool approved = attendees.getColumn(2).getInt() != 0;
                s.typeOfAttendee.emplace(id, type);
                if (!approved) continue;
                ++s.expected;
                for (auto& t : s.types) {
                    if (t.code == type) ++t.expected;
                }
            }
            for (const auto& [attendee, n] : s.ticketsOfAttendee) s.arrivedTypeChange(attendee, 1);
        }

        AttendanceStats out;
        out.expected = s.expected;
        out.checkedIn = s.checkedIn;
        out.insideNow = s.insideNow;
        out.entries = s.entries;
        out.exits = s.exits;
        for (const auto& t : s.types) out.byTicketType.push_back({t.name, t.arrived, t.expected});
        for (std::size_t i = 0; i < s.names.size(); ++i) {
            if (s.gateEntries[i] > 0) out.byGate.push_back({s.names[i], s.gateEntries[i], 0});
            if (s.deviceEntries[i] > 0) {
                out.byDevice.push_back({s.names[i], s.deviceEntries[i], 0});
            }
        }
        const auto byLabel = [](const CountPair& a, const CountPair& b) {
            return a.label < b.label;
        };
        std::sort(out.byGate.begin(), out.byGate.end(), byLabel);
        std::sort(out.byDevice.begin(), out.byDevice.end(), byLabel);
        out.arrivals.assign(s.arrivals.begin(), s.arrivals.end());
        SQLite::Statement name(db_, "SELECT name FROM attendees WHERE id = ?");
        for (const std::string& ref : s.duplicates) {
            const TicketFigures& f = s.tickets.at(ref);
            std::string attendeeName;
            if (f.duplicateAttendee) {
                auto cached = s.nameOfAttendee.find(*f.duplicateAttendee);
                if (cached == s.nameOfAttendee.end()) {
                    name.reset();
                    name.bind(1, *f.duplicateAttendee);
                    cached = s.nameOfAttendee
                                 .emplace(*f.duplicateAttendee,
                                          name.executeStep() ? name.getColumn(0).getString() : "")
                                 .first;
                }
                attendeeName = cached->second;
            }
            out.duplicates.push_back({ref, attendeeName, f.entries, f.devicesSeen});
        }
        transaction.commit();
        return out;
    } catch (...) {
        // Half-applied figures would be wrong from now on: start again next time.
        state_ = std::make_unique<State>();
        throw;
    }
}

}  // namespace admit::store

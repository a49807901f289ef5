#include "admit/store/attendance_tally.hpp"

#include <random>

#include <SQLiteCpp/Transaction.h>

#include "admit/store/attendees.hpp"
#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"
#include "admit/store/uuid.hpp"
#include "store_fixture.hpp"

namespace admit::store {
namespace {

std::string describe(const AttendanceStats& s) {
    std::string out = "expected " + std::to_string(s.expected) + " checkedIn " +
                      std::to_string(s.checkedIn) + " inside " + std::to_string(s.insideNow) +
                      " entries " + std::to_string(s.entries) + " exits " +
                      std::to_string(s.exits) + "\n";
    for (const auto& p : s.byTicketType) {
        out += " type " + p.label + " " + std::to_string(p.checkedIn) + "/" +
               std::to_string(p.expected) + "\n";
    }
    for (const auto& p : s.byGate)
        out += " gate " + p.label + " " + std::to_string(p.checkedIn) + "\n";
    for (const auto& p : s.byDevice) {
        out += " device " + p.label + " " + std::to_string(p.checkedIn) + "\n";
    }
    for (const auto& [b, n] : s.arrivals) {
        out += " bucket " + std::to_string(b) + " " + std::to_string(n) + "\n";
    }
    for (const auto& d : s.duplicates) {
        out += " duplicate " + d.ticketRef + " '" + d.attendeeName + "' " +
               std::to_string(d.entries) + " entries " + std::to_string(d.devices) + " devices\n";
    }
    return out;
}

// The tally reads on a connection of its own, as the kiosk's statistics thread does; the
// histories are written on the fixture's.
class AttendanceTallyTest : public admit::testing::StoreFixture {
  protected:
    void SetUp() override {
        StoreFixture::SetUp();
        auto opened = openPlainDatabase(dir.file("a.db"), OpenMode::kExisting);
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        reader = std::make_unique<SQLite::Database>(std::move(*opened));
        Attendees attendees(*db);
        for (int i = 0; i < kAttendees; ++i) {
            Attendee a{0,
                       kEvent,
                       "k" + std::to_string(i),
                       "Person " + std::to_string(i),
                       "p" + std::to_string(i) + "@example.org",
                       static_cast<std::uint16_t>(1 + i % 2),
                       i % 7 == 3 ? AttendeeStatus::kPending : AttendeeStatus::kApproved,
                       ""};
            attendees.upsert(a);
            attendees.addTicket({kEvent, ref(i), TicketKind::kSigned, a.id});
            ids.push_back(a.id);
        }
    }

    static std::string ref(int i) { return "t" + std::to_string(i); }

    static constexpr int kAttendees = 24;
    std::unique_ptr<SQLite::Database> reader;
    std::vector<std::int64_t> ids;
};

// Random histories: entries and exits at several gates, on this device and downloaded from
// three others with HLCs older than what is stored (out of order) or equal to a stored one;
// annulments made here and downloaded; codes of nobody; roster changes. The histories are not
// filtered by a re-entry policy, so they include what every policy lets through (double entries
// under "multiple", conflicts between offline kiosks under "single"). After every step the
// tally, refreshed incrementally on its own connection, equals the recompute.
TEST_F(AttendanceTallyTest, IncrementalFiguresEqualTheRecomputeOverRandomHistories) {
    for (unsigned seed = 1; seed <= 12; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        // A fresh event per seed, the tally made before anything happens.
        std::string event = newUuidV7(seed);
        db->exec("INSERT INTO events (id, name, blind_index_key, created_at) VALUES ('" + event +
                 "', 'E', zeroblob(32), 0)");
        db->exec("INSERT INTO ticket_types (event_id, code, name) VALUES ('" + event +
                 "', 1, 'General'), ('" + event + "', 2, 'VIP')");
        Attendees attendees(*db);
        std::vector<Attendee> people;
        for (int i = 0; i < kAttendees; ++i) {
            Attendee a{0,
                       event,
                       "k" + std::to_string(i),
                       "Guest " + std::to_string(i),
                       "g@x",
                       static_cast<std::uint16_t>(1 + i % 2),
                       AttendeeStatus::kApproved,
                       ""};
            attendees.upsert(a);
            people.push_back(a);
        }
        std::mt19937 random(seed);
        auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
        HybridLogicalClock clock(*db);
        CheckInLog log(*db, clock);
        const std::int64_t bucket = 60'000;
        AttendanceTally tally(*reader, event, bucket);
        std::vector<CheckIn> stored;
        std::int64_t now = 1'000'000;
        const std::vector<std::string> gates{"North", "South", "East"};
        const std::vector<std::string> others{"dev-b", "dev-c", "dev-d"};
        for (int step = 0; step < 150; ++step) {
            SQLite::Transaction t(*db);
            int ops = 1 + pick(4);
            for (int op = 0; op < ops; ++op) {
                now += pick(40'000);
                int who = pick(kAttendees + 2);  // the last two: codes of nobody
                std::string ticket = "r" + std::to_string(who);
                std::optional<std::int64_t> attendee;
                if (who < kAttendees) attendee = people[static_cast<std::size_t>(who)].id;
                Direction direction = pick(3) == 0 ? Direction::kExit : Direction::kEntry;
                const std::string& gate = gates[static_cast<std::size_t>(pick(3))];
                switch (pick(8)) {
                    case 0:
                    case 1:
                    case 2:
                        stored.push_back(
                            log.append({event, ticket, attendee, gate, direction, "vic"}, now));
                        break;
                    case 3:
                    case 4: {  // downloaded, made earlier elsewhere
                        CheckIn c;
                        std::int64_t made = now - pick(600'000);
                        c.id = newUuidV7(made);
                        c.eventId = event;
                        c.ticketRef = ticket;
                        c.attendeeId = attendee;
                        c.deviceId = others[static_cast<std::size_t>(pick(3))];
                        c.gate = gate;
                        c.direction = direction;
                        c.hlc = (!stored.empty() && pick(4) == 0)
                                    ? stored[static_cast<std::size_t>(
                                                 pick(static_cast<int>(stored.size())))]
                                          .hlc
                                    : made << 16;
                        c.wallTimeMs = made;
                        c.operatorName = "remote";
                        log.storeReceived(c, false, "", now);
                        stored.push_back(c);
                        break;
                    }
                    case 5:  // undone here
                        if (!stored.empty()) {
                            log.annul(stored[static_cast<std::size_t>(
                                          pick(static_cast<int>(stored.size())))],
                                      "olga", now);
                        }
                        break;
                    case 6:  // an annulment downloaded, possibly of a record already annulled
                        if (!stored.empty()) {
                            CheckIn a = stored[static_cast<std::size_t>(
                                pick(static_cast<int>(stored.size())))];
                            std::string target = a.id;
                            a.id = newUuidV7(now);
                            a.deviceId = others[static_cast<std::size_t>(pick(3))];
                            a.hlc = now << 16;
                            log.storeReceived(a, true, target, now);
                        }
                        break;
                    case 7: {  // the roster changes: status and ticket type
                        Attendee& a = people[static_cast<std::size_t>(pick(kAttendees))];
                        a.status =
                            pick(2) == 0 ? AttendeeStatus::kCancelled : AttendeeStatus::kApproved;
                        a.ticketType = static_cast<std::uint16_t>(1 + pick(2));
                        a.name = "Guest " + std::to_string(step);
                        attendees.upsert(a);
                        break;
                    }
                    default:
                        break;
                }
            }
            t.commit();
            AttendanceStats incremental = tally.refresh();
            AttendanceStats recomputed = log.stats(event, bucket);
            ASSERT_EQ(incremental, recomputed) << "step " << step << "\nincremental:\n"
                                               << describe(incremental) << "recomputed:\n"
                                               << describe(recomputed);
        }
        // The figures are not trivially empty: the histories reached every kind.
        AttendanceStats last = log.stats(event, bucket);
        EXPECT_GT(last.checkedIn, 0);
        EXPECT_GT(last.exits, 0);
        EXPECT_FALSE(last.duplicates.empty());
        EXPECT_GT(last.byDevice.size(), 1u);
        // A tally made now (one scan of the whole log) agrees as well.
        AttendanceTally fresh(*reader, event, bucket);
        EXPECT_EQ(fresh.refresh(), last);
    }
}

TEST_F(AttendanceTallyTest, ARefreshReadsOnlyTheTicketsThatChanged) {
    HybridLogicalClock clock(*db);
    CheckInLog log(*db, clock);
    {
        SQLite::Transaction t(*db);
        for (int i = 0; i < 10; ++i) {
            log.append(
                {kEvent, ref(i), ids[static_cast<std::size_t>(i)], "A", Direction::kEntry, ""},
                1'000 + i);
        }
        t.commit();
    }
    AttendanceTally tally(*reader, kEvent);
    EXPECT_EQ(tally.refresh().checkedIn, 10);
    // This device's check-ins are found through the outbox: the verdict's commit writes no
    // change row.
    EXPECT_EQ(reader->execAndGet("SELECT count(*) FROM checkin_changes").getInt(), 0);
    {
        SQLite::Transaction t(*db);
        log.append({kEvent, ref(11), ids[11], "B", Direction::kEntry, ""}, 5'000);
        CheckIn downloaded;
        downloaded.id = newUuidV7(5'001);
        downloaded.eventId = kEvent;
        downloaded.ticketRef = ref(12);
        downloaded.attendeeId = ids[12];
        downloaded.deviceId = "dev-b";
        downloaded.gate = "C";
        downloaded.hlc = 5'001LL << 16;
        downloaded.wallTimeMs = 5'001;
        log.storeReceived(downloaded, false, "", 5'002);
        t.commit();
    }
    // The change list names the downloaded one only.
    EXPECT_EQ(
        reader->execAndGet("SELECT group_concat(ticket_ref) FROM checkin_changes").getString(),
        "t12");
    AttendanceStats s = tally.refresh();
    EXPECT_EQ(s.checkedIn, 12);
    EXPECT_EQ(s, log.stats(kEvent));
}

TEST_F(AttendanceTallyTest, AnAnnulmentNamesItsTargetsTicket) {
    HybridLogicalClock clock(*db);
    CheckInLog log(*db, clock);
    SQLite::Transaction t(*db);
    CheckIn c = log.append({kEvent, ref(1), ids[1], "A", Direction::kEntry, ""}, 1'000);
    // An annulment whose own ticket ref is wrong (a damaged or hostile upload) still marks the
    // ticket whose check-in it annuls.
    CheckIn a = c;
    a.id = newUuidV7(2'000);
    a.deviceId = "dev-b";
    a.ticketRef = "elsewhere";
    a.hlc = c.hlc + 1;
    log.storeReceived(a, true, c.id, 2'000);
    t.commit();
    EXPECT_EQ(db->execAndGet("SELECT group_concat(ticket_ref, ',') FROM (SELECT ticket_ref FROM "
                             "checkin_changes ORDER BY seq)")
                  .getString(),
              "elsewhere,t1");
}

// A replica of the previous schema version holding check-ins: after the migration the tally
// counts those (its first refresh reads the whole log) and what comes after (the outbox).
TEST(AttendanceTallyMigration, CountsCheckInsStoredBeforeTheMigration) {
    testing::TempDir dir;
    const std::string path = dir.file("old.db");
    {
        SQLite::Database old(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        ASSERT_TRUE(migrateTo(old, 5).ok());
        ASSERT_EQ(old.execAndGet("PRAGMA user_version").getInt(), 5);
        EXPECT_EQ(old.execAndGet("SELECT count(*) FROM sqlite_schema WHERE name = "
                                 "'checkin_changes'")
                      .getInt(),
                  0);
        old.exec(
            "INSERT INTO events (id, name, blind_index_key, created_at) VALUES ('e', 'E', "
            "zeroblob(32), 0)");
        old.exec(
            "INSERT INTO checkins (id, event_id, ticket_ref, device_id, gate, direction, "
            "hlc, wall_time, verdict) VALUES ('c1', 'e', 't1', 'd', 'A', 'entry', 1, 1, "
            "'accepted'), ('c2', 'e', 't2', 'd', 'A', 'entry', 2, 2, 'accepted')");
    }
    auto db = openPlainDatabase(path, OpenMode::kExisting);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(db->execAndGet("PRAGMA user_version").getInt(), currentSchemaVersion());
    AttendanceTally tally(*db, "e");
    EXPECT_EQ(tally.refresh().checkedIn, 2);
    HybridLogicalClock clock(*db);
    CheckInLog log(*db, clock);
    {
        SQLite::Transaction t(*db);
        log.append({"e", "t3", std::nullopt, "A", Direction::kEntry, ""}, 10);
        t.commit();
    }
    AttendanceStats s = tally.refresh();
    EXPECT_EQ(s.checkedIn, 3);
    EXPECT_EQ(s, log.stats("e"));
}

}  // namespace
}  // namespace admit::store

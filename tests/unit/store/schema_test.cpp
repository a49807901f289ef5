#include "admit/store/schema.hpp"

#include <gtest/gtest.h>

#include "admit/store/store.hpp"
#include "admit/store/uuid.hpp"
#include "temp_dir.hpp"

namespace admit::store {
namespace {

TEST(Schema, MigratesAFreshDatabaseAndIsIdempotent) {
    testing::TempDir dir;
    auto db = openPlainDatabase(dir.file("a.db"), OpenMode::kCreate);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(db->execAndGet("PRAGMA user_version").getInt(), currentSchemaVersion());
    std::string device = deviceId(*db);
    EXPECT_TRUE(isUuid(device)) << device;
    ASSERT_TRUE(migrate(*db).ok());
    EXPECT_EQ(deviceId(*db), device);
}

TEST(Schema, SettingsAreDurable) {
    testing::TempDir dir;
    auto db = openPlainDatabase(dir.file("a.db"), OpenMode::kCreate);
    ASSERT_TRUE(db.ok());
    EXPECT_EQ(db->execAndGet("PRAGMA journal_mode").getString(), "wal");
    EXPECT_EQ(db->execAndGet("PRAGMA synchronous").getInt(), 2);  // FULL
    EXPECT_EQ(db->execAndGet("PRAGMA foreign_keys").getInt(), 1);
}

TEST(Schema, RefusesANewerDatabase) {
    testing::TempDir dir;
    {
        auto db = openPlainDatabase(dir.file("a.db"), OpenMode::kCreate);
        ASSERT_TRUE(db.ok());
        db->exec("PRAGMA user_version = 999");
    }
    auto again = openPlainDatabase(dir.file("a.db"), OpenMode::kExisting);
    ASSERT_FALSE(again.ok());
    EXPECT_NE(again.error().message.find("schema version 999"), std::string::npos);
}

TEST(Schema, MissingDatabaseIsAnError) {
    testing::TempDir dir;
    auto db = openPlainDatabase(dir.file("nope.db"), OpenMode::kExisting);
    ASSERT_FALSE(db.ok());
    EXPECT_NE(db.error().message.find("nope.db"), std::string::npos);
}

TEST(Schema, CheckInsAreAppendOnly) {
    testing::TempDir dir;
    auto db = openPlainDatabase(dir.file("a.db"), OpenMode::kCreate);
    ASSERT_TRUE(db.ok());
    db->exec(
        "INSERT INTO events (id, name, blind_index_key, created_at) VALUES ('e', 'E', "
        "zeroblob(32), 0)");
    db->exec(
        "INSERT INTO checkins (id, event_id, ticket_ref, device_id, gate, direction, hlc, "
        "wall_time, verdict) VALUES ('c1', 'e', 't', 'd', 'A', 'entry', 1, 1, 'accepted')");
    EXPECT_THROW(db->exec("UPDATE checkins SET gate = 'B'"), SQLite::Exception);
    EXPECT_THROW(db->exec("DELETE FROM checkins"), SQLite::Exception);
    EXPECT_EQ(db->execAndGet("SELECT gate FROM checkins").getString(), "A");
}

// The verdict path writes a check-in, its outbox entry and its audit entry and nothing else: no
// trigger runs on a check-in's insert (migration 10 dropped the change list's;
// docs/performance.md).
TEST(Schema, NoTriggerRunsWhenACheckInIsInserted) {
    testing::TempDir dir;
    auto db = openPlainDatabase(dir.file("a.db"), OpenMode::kCreate);
    ASSERT_TRUE(db.ok());
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND "
                             "tbl_name = 'checkins' AND sql LIKE '% INSERT ON checkins%'")
                  .getInt(),
              0);
    EXPECT_GT(db->execAndGet("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND "
                             "tbl_name = 'checkins'")
                  .getInt(),
              0);  // the append-only guards stay
}

TEST(Schema, Version8AddsPretixKeysAndItemTypesThatMoveTheRosterVersion) {
    testing::TempDir dir;
    {
        auto db =
            SQLite::Database(dir.file("old.db"), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        ASSERT_TRUE(migrateTo(db, 7).ok());
        db.exec(
            "INSERT INTO events (id, name, blind_index_key, created_at) VALUES ('e', 'Old Fest', "
            "zeroblob(32), 7)");
        db.exec("INSERT INTO ticket_types (event_id, code, name) VALUES ('e', 1, 'General')");
        EXPECT_THROW(db.exec("SELECT * FROM event_pretix_keys"), SQLite::Exception);
    }
    auto db = openPlainDatabase(dir.file("old.db"), OpenMode::kExisting);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(db->execAndGet("PRAGMA user_version").getInt(), currentSchemaVersion());
    EXPECT_EQ(db->execAndGet("SELECT name FROM events").getString(), "Old Fest");
    auto version = [&] {
        return db->execAndGet("SELECT version FROM roster_versions WHERE event_id = 'e'")
            .getInt64();
    };
    std::int64_t before = version();
    db->exec("INSERT INTO event_pretix_keys (event_id, public_key) VALUES ('e', zeroblob(32))");
    EXPECT_EQ(version(), before + 1);
    db->exec("INSERT INTO pretix_item_types (event_id, item, ticket_type) VALUES ('e', 42, 1)");
    EXPECT_EQ(version(), before + 2);
    EXPECT_THROW(db->exec("INSERT INTO pretix_item_types (event_id, item, ticket_type) VALUES "
                          "('e', 43, 9)"),
                 SQLite::Exception);  // no ticket type 9
    EXPECT_THROW(
        db->exec("INSERT INTO event_pretix_keys (event_id, public_key) VALUES ('e', zeroblob(31))"),
        SQLite::Exception);
}

TEST(Schema, Version5AddsTheEventWindowAndKeepsVersion4Rows) {
    testing::TempDir dir;
    {
        auto db =
            SQLite::Database(dir.file("old.db"), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        ASSERT_TRUE(migrateTo(db, 4).ok());
        EXPECT_EQ(db.execAndGet("PRAGMA user_version").getInt(), 4);
        db.exec(
            "INSERT INTO events (id, name, blind_index_key, created_at) VALUES ('e', 'Old Fest', "
            "zeroblob(32), 7)");
        EXPECT_THROW(db.exec("SELECT valid_from FROM events"), SQLite::Exception);
    }
    auto db = openPlainDatabase(dir.file("old.db"), OpenMode::kExisting);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(db->execAndGet("PRAGMA user_version").getInt(), currentSchemaVersion());
    SQLite::Statement q(*db, "SELECT name, valid_from, valid_until, time_zone FROM events");
    ASSERT_TRUE(q.executeStep());
    EXPECT_EQ(q.getColumn(0).getString(), "Old Fest");
    EXPECT_TRUE(q.getColumn(1).isNull());
    EXPECT_TRUE(q.getColumn(2).isNull());
    EXPECT_EQ(q.getColumn(3).getString(), "UTC");
    q.reset();
    // The roster version moves when the window changes, so kiosks learn it.
    auto version = [&] {
        return db->execAndGet("SELECT version FROM roster_versions WHERE event_id = 'e'")
            .getInt64();
    };
    std::int64_t before = version();
    db->exec("UPDATE events SET valid_until = 100 WHERE id = 'e'");
    EXPECT_EQ(version(), before + 1);
    EXPECT_EQ(
        db->execAndGet("SELECT count(*) FROM sqlite_master WHERE name = 'audit_log_by_subject'")
            .getInt(),
        1);
}

// Migration 12 rebuilds events for once_per_day: rows, children, foreign keys and the roster
// triggers survive; a salvaged replica's orphan rows do not stop it.
TEST(Schema, MultiDayMigrationRebuildsEventsAndKeepsEverything) {
    testing::TempDir dir;
    const int before = 11;  // the schema before migration 12
    {
        auto db =
            SQLite::Database(dir.file("old.db"), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("PRAGMA foreign_keys = ON");
        ASSERT_TRUE(migrateTo(db, before).ok());
        db.exec(
            "INSERT INTO events (id, name, reentry_policy, blind_index_key, created_at, "
            "time_zone) VALUES ('e', 'Old Fest', 'after_exit', zeroblob(32), 7, 'Europe/Paris')");
        db.exec("INSERT INTO ticket_types (event_id, code, name) VALUES ('e', 1, 'General')");
        db.exec(
            "INSERT INTO attendees (id, event_id, import_key, name, email, ticket_type, status) "
            "VALUES (1, 'e', 'k', 'Ada', 'a@x.org', 1, 'approved')");
        EXPECT_THROW(db.exec("UPDATE events SET reentry_policy = 'once_per_day'"),
                     SQLite::Exception);
        // A salvage keeps rows whose parent was lost.
        db.exec("PRAGMA foreign_keys = OFF");
        db.exec("INSERT INTO ticket_types (event_id, code, name) VALUES ('lost', 1, 'Orphan')");
    }
    auto db = openPlainDatabase(dir.file("old.db"), OpenMode::kExisting);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(db->execAndGet("PRAGMA user_version").getInt(), currentSchemaVersion());
    EXPECT_EQ(db->execAndGet("PRAGMA foreign_keys").getInt(), 1) << "back on after migrating";
    SQLite::Statement q(*db, "SELECT name, reentry_policy, time_zone, day_starts_at FROM events");
    ASSERT_TRUE(q.executeStep());
    EXPECT_EQ(q.getColumn(0).getString(), "Old Fest");
    EXPECT_EQ(q.getColumn(1).getString(), "after_exit");
    EXPECT_EQ(q.getColumn(2).getString(), "Europe/Paris");
    EXPECT_EQ(q.getColumn(3).getInt(), 0);
    q.reset();
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM ticket_types").getInt(), 2);
    auto version = [&] {
        return db->execAndGet("SELECT version FROM roster_versions WHERE event_id = 'e'")
            .getInt64();
    };
    const std::int64_t was = version();
    db->exec("UPDATE events SET reentry_policy = 'once_per_day', day_starts_at = 300");
    EXPECT_EQ(version(), was + 1) << "the events trigger was made again";
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM roster_changes WHERE tbl = 'events'").getInt(),
              1);
    db->exec(
        "INSERT INTO ticket_type_days (event_id, ticket_type, day) VALUES ('e', 1, "
        "'2026-09-12')");
    EXPECT_EQ(version(), was + 2);
    EXPECT_THROW(db->exec("UPDATE events SET day_starts_at = 1440"), SQLite::Exception);
    EXPECT_THROW(db->exec("INSERT INTO ticket_type_days (event_id, ticket_type, day) VALUES "
                          "('e', 1, 'Saturday')"),
                 SQLite::Exception);
    EXPECT_THROW(db->exec("INSERT INTO ticket_type_days (event_id, ticket_type, day) VALUES "
                          "('e', 9, '2026-09-12')"),
                 SQLite::Exception);  // no ticket type 9
    // Children still refer to the rebuilt table.
    EXPECT_THROW(db->exec("DELETE FROM events WHERE id = 'e'"), SQLite::Exception);
}

}  // namespace
}  // namespace admit::store

#pragma once
// An organiser's database with one event ("Fest": General and VIP), Ada (approved, ticket
// issued) and Bob (pending, no ticket yet), for the tests of the organiser's operations.

#include <memory>

#include <gtest/gtest.h>

#include "admit/organiser/event_admin.hpp"
#include "admit/store/attendees.hpp"
#include "admit/store/audit_log.hpp"
#include "admit/store/store.hpp"
#include "temp_dir.hpp"

namespace admit::organiser {

class OrganiserFixture : public ::testing::Test {
  protected:
    void SetUp() override {
        auto opened = store::openPlainDatabase(dir.file("org.db"), store::OpenMode::kCreate);
        ASSERT_TRUE(opened.ok());
        db = std::make_unique<SQLite::Database>(std::move(*opened));
        auto event =
            createEvent(*db, {"Fest", store::ReentryPolicy::kSingle, {"General", "VIP"}}, 1000);
        ASSERT_TRUE(event.ok());
        eventId = event->id;
        adaId = add("a", "Ada", store::AttendeeStatus::kApproved);
        bobId = add("b", "Bob", store::AttendeeStatus::kPending);
        auto issued = issueTicket(*db, eventId, adaId);
        ASSERT_TRUE(issued.ok());
        adaTicket = *issued;
    }

    std::int64_t add(const std::string& key, const std::string& name,
                     store::AttendeeStatus status) {
        store::Attendee a{0, eventId, key, name, key + "@x.org", 1, status, ""};
        store::Attendees(*db).upsert(a);
        return a.id;
    }

    std::int64_t rosterVersion() {
        SQLite::Statement q(*db, "SELECT version FROM roster_versions WHERE event_id = ?");
        q.bind(1, eventId);
        return q.executeStep() ? q.getColumn(0).getInt64() : 0;
    }

    std::vector<store::AuditRecord> audit() {
        auto newest = store::AuditLog(*db).latest(1000);
        return {newest.rbegin(), newest.rend()};
    }

    std::int64_t count(const std::string& sql) { return db->execAndGet(sql).getInt64(); }

    Actor olga{"olga", 50'000};
    admit::testing::TempDir dir;
    std::unique_ptr<SQLite::Database> db;
    std::string eventId;
    std::int64_t adaId = 0;
    std::int64_t bobId = 0;
    IssuedTicket adaTicket;
};

}  // namespace admit::organiser

#pragma once
// An organiser database with one event ("Test Fest"), attendees of every status, their
// signed tickets and an imported opaque code; the clock reads 2026-06-01 12:00 UTC.

#include <memory>

#include <gtest/gtest.h>

#include "admit/organiser/event_admin.hpp"
#include "admit/rules/checkin_engine.hpp"
#include "admit/store/attendees.hpp"
#include "admit/store/store.hpp"
#include "temp_dir.hpp"

namespace admit::testing {

class RulesFixture : public ::testing::Test {
  protected:
    static constexpr std::int64_t kNowMs = 1'780'315'200'000;  // 2026-06-01 12:00:00 UTC

    void SetUp() override {
        auto opened = store::openPlainDatabase(dir.file("org.db"), store::OpenMode::kCreate);
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        db = std::make_unique<SQLite::Database>(std::move(*opened));
        auto event = organiser::createEvent(
            *db, {"Test Fest", store::ReentryPolicy::kSingle, {"General", "VIP"}}, kNowMs);
        ASSERT_TRUE(event.ok()) << event.error().message;
        eventId = event->id;
        ada = addAttendee("Ada Lovelace", 1, store::AttendeeStatus::kApproved);
        grace = addAttendee("Grace Hopper", 2, store::AttendeeStatus::kApproved, "Wheelchair user");
        carl = addAttendee("Carl Cancelled", 1, store::AttendeeStatus::kCancelled);
        pat = addAttendee("Pat Pending", 1, store::AttendeeStatus::kPending);
        rex = addAttendee("Rex Rejected", 1, store::AttendeeStatus::kRejected);
        engine = std::make_unique<rules::CheckInEngine>(*db);
    }

    std::int64_t addAttendee(const std::string& name, std::uint16_t type,
                             store::AttendeeStatus status, const std::string& note = "") {
        store::Attendee a{0, eventId, name, name, name + "@example.org", type, status, note};
        store::Attendees(*db).upsert(a);
        return a.id;
    }

    std::string ticketOf(std::int64_t attendee, organiser::Validity validity = {}) {
        auto issued = organiser::issueTicket(*db, eventId, attendee, validity);
        EXPECT_TRUE(issued.ok()) << issued.error().message;
        return issued->text;
    }

    rules::ScanContext at(const std::string& gate = "Main",
                          store::Direction direction = store::Direction::kEntry,
                          std::int64_t nowMs = kNowMs) {
        return {eventId, gate, direction, "vic", nowMs};
    }

    rules::Verdict scan(const std::string& text, const rules::ScanContext& context) {
        auto verdict = engine->scan(text, context);
        EXPECT_TRUE(verdict.ok()) << verdict.error().message;
        return verdict.ok() ? *verdict : rules::Verdict{};
    }

    TempDir dir;
    std::unique_ptr<SQLite::Database> db;
    std::unique_ptr<rules::CheckInEngine> engine;
    std::string eventId;
    std::int64_t ada = 0, grace = 0, carl = 0, pat = 0, rex = 0;
};

}  // namespace admit::testing

#pragma once
// An organiser database with two events (the server's), and kiosks: plain databases with the
// event exported from it, whose check-in logs fill their outboxes as at the door.

#include <memory>
#include <string>
#include <vector>

#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>

#include "admit/organiser/attendee_import.hpp"
#include "admit/organiser/event_admin.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/outbox.hpp"
#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"
#include "admit/sync/protocol/messages.hpp"
#include "admit/sync/store/enrolment_tokens.hpp"
#include "admit/sync/store/server_store.hpp"
#include "temp_dir.hpp"

namespace admit::testing {

inline constexpr std::int64_t kT0 = 1'700'000'000'000;  // ms

class ServerFixture : public ::testing::Test {
  protected:
    void SetUp() override {
        auto opened = store::openPlainDatabase(dir.file("org.db"), store::OpenMode::kCreate);
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        org = std::make_unique<SQLite::Database>(std::move(*opened));
        auto event = organiser::createEvent(*org, {"Sync Fest"}, kT0);
        auto other = organiser::createEvent(*org, {"Other Fest"}, kT0);
        ASSERT_TRUE(event.ok() && other.ok());
        eventId = event->id;
        otherEventId = other->id;
        auto imported =
            organiser::importAttendees(*org, eventId,
                                       "name,email,ticket_type,status\n"
                                       "Ada Lovelace,ada@example.org,General,approved\n"
                                       "Grace Hopper,grace@example.org,General,approved\n",
                                       "people.csv", "", kT0);
        ASSERT_TRUE(imported.ok()) << imported.error().message;
        auto issued = organiser::issueAllTickets(*org, eventId);
        ASSERT_TRUE(issued.ok());
        tickets = *issued;
        ASSERT_EQ(tickets.size(), 2u);
    }

    // A kiosk's database holding the event as exported before any check-in.
    std::unique_ptr<SQLite::Database> makeKiosk(const std::string& name) {
        auto opened = store::openPlainDatabase(dir.file(name + ".db"), store::OpenMode::kCreate);
        EXPECT_TRUE(opened.ok());
        auto kiosk = std::make_unique<SQLite::Database>(std::move(*opened));
        EXPECT_TRUE(organiser::exportReplica(*org, eventId, *kiosk).ok());
        return kiosk;
    }

    // Enrols the kiosk with a fresh enrolment token; returns its device token.
    std::string enrol(SQLite::Database& kiosk, const std::string& name, std::int64_t nowMs = kT0) {
        auto token = sync::EnrolmentTokens(*org).issue(eventId, nowMs);
        EXPECT_TRUE(token.ok());
        auto enrolled =
            sync::ServerStore(*org).enrol({eventId, *token, store::deviceId(kiosk), name}, nowMs);
        EXPECT_TRUE(enrolled.ok()) << enrolled.error().message;
        return enrolled.ok() ? enrolled->deviceToken : "";
    }

    sync::AuthenticatedDevice deviceOf(SQLite::Database& kiosk) {
        return {store::deviceId(kiosk), eventId};
    }

    // What the check-in log records at a kiosk's door (with its outbox entry).
    store::CheckIn admitOn(SQLite::Database& kiosk, const organiser::IssuedTicket& ticket,
                           std::int64_t wallMs, const std::string& gate = "A",
                           store::Direction direction = store::Direction::kEntry) {
        SQLite::Transaction transaction(kiosk);
        store::HybridLogicalClock clock(kiosk);
        auto made =
            store::CheckInLog(kiosk, clock)
                .append({eventId, ticket.ticketRef, ticket.attendeeId, gate, direction, "olga"},
                        wallMs);
        transaction.commit();
        return made;
    }

    store::CheckIn annulOn(SQLite::Database& kiosk, const store::CheckIn& target,
                           std::int64_t wallMs) {
        SQLite::Transaction transaction(kiosk);
        store::HybridLogicalClock clock(kiosk);
        auto made = store::CheckInLog(kiosk, clock).annul(target, "olga", wallMs);
        transaction.commit();
        return made;
    }

    // The kiosk's whole outbox as one upload request.
    sync::UploadRequest outboxOf(SQLite::Database& kiosk, const std::string& gate = "A") {
        sync::UploadRequest request{store::deviceId(kiosk), gate, {}};
        for (const auto& item : store::Outbox(kiosk).pending(500)) {
            request.entries.push_back({item.seq, item.kind, item.recordId, item.hlc, item.payload});
        }
        return request;
    }

    std::int64_t count(const std::string& sql) { return org->execAndGet(sql).getInt64(); }

    TempDir dir;
    std::unique_ptr<SQLite::Database> org;
    std::string eventId;
    std::string otherEventId;
    std::vector<organiser::IssuedTicket> tickets;
};

}  // namespace admit::testing

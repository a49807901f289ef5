#include "admit/organiser/attendee_admin.hpp"

#include <gtest/gtest.h>

#include "admit/rules/checkin_engine.hpp"
#include "organiser_fixture.hpp"

namespace admit::organiser {
namespace {

using AttendeeAdminTest = OrganiserFixture;

TEST_F(AttendeeAdminTest, AWalkInIsAddedWithATicketTheDoorAccepts) {
    AttendeeAdmin admin(*db, eventId);
    const std::int64_t before = rosterVersion();
    auto added = admin.addWalkIn({"Cleo Walker", "cleo@x.org", "VIP", "approved", ""}, olga);
    ASSERT_TRUE(added.ok()) << added.error().message;
    EXPECT_EQ(added->attendee.name, "Cleo Walker");
    EXPECT_EQ(added->attendee.ticketType, 2);
    EXPECT_EQ(added->attendee.importKey.rfind("walkin:", 0), 0U);
    EXPECT_GT(rosterVersion(), before);
    auto verdict = rules::CheckInEngine(*db).scan(
        added->ticket.text, {eventId, "Main", store::Direction::kEntry, "olga", olga.nowMs});
    ASSERT_TRUE(verdict.ok());
    EXPECT_TRUE(verdict->accepted);
    EXPECT_EQ(verdict->ticketTypeName, "VIP");
    auto entries = audit();
    std::vector<std::string> actions;
    for (const auto& e : entries) actions.push_back(e.entry.action);
    EXPECT_NE(std::find(actions.begin(), actions.end(), "attendee.added"), actions.end());
    EXPECT_NE(std::find(actions.begin(), actions.end(), "ticket.issued"), actions.end());
}

TEST_F(AttendeeAdminTest, AWalkInWithBadDetailsAddsNothing) {
    AttendeeAdmin admin(*db, eventId);
    const std::int64_t attendees = count("SELECT count(*) FROM attendees");
    auto noName = admin.addWalkIn({" ", "", "", "approved", ""}, olga);
    EXPECT_EQ(noName.error().kind, AdminError::Kind::kInvalid);
    auto badType = admin.addWalkIn({"Cleo", "", "Platinum", "approved", ""}, olga);
    ASSERT_FALSE(badType.ok());
    EXPECT_EQ(badType.error().kind, AdminError::Kind::kNotFound);
    EXPECT_EQ(badType.error().message,
              "event " + eventId + " has no ticket type 'Platinum' (it has General, VIP)");
    auto badStatus = admin.addWalkIn({"Cleo", "", "", "maybe", ""}, olga);
    EXPECT_EQ(badStatus.error().kind, AdminError::Kind::kInvalid);
    auto wrongEvent = AttendeeAdmin(*db, "nope").addWalkIn({"Cleo", "", "", "approved", ""}, olga);
    EXPECT_EQ(wrongEvent.error().kind, AdminError::Kind::kNotFound);
    EXPECT_EQ(count("SELECT count(*) FROM attendees"), attendees);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log"), 0);
}

TEST_F(AttendeeAdminTest, SetChangesStatusAndDetailsWithAnAuditOfWhatChanged) {
    AttendeeAdmin admin(*db, eventId);
    AttendeeChanges changes;
    changes.status = "approved";
    changes.attentionNote = "Needs the step-free route";
    changes.ticketType = "vip";  // type names match in any case
    const std::int64_t before = rosterVersion();
    auto changed = admin.set(bobId, changes, olga);
    ASSERT_TRUE(changed.ok()) << changed.error().message;
    EXPECT_EQ(changed->status, store::AttendeeStatus::kApproved);
    EXPECT_EQ(changed->ticketType, 2);
    EXPECT_GT(rosterVersion(), before);
    auto last = audit().back();
    EXPECT_EQ(last.entry.action, "attendee.changed");
    EXPECT_EQ(last.entry.subject, "attendee:" + std::to_string(bobId));
    EXPECT_NE(last.entry.detail.find(R"("status":{"from":"pending","to":"approved"})"),
              std::string::npos)
        << last.entry.detail;

    AttendeeChanges cancel;
    cancel.status = "cancelled";
    ASSERT_TRUE(admin.set(adaId, cancel, olga).ok());
    auto verdict = rules::CheckInEngine(*db).evaluate(
        adaTicket.text, {eventId, "Main", store::Direction::kEntry, "", olga.nowMs});
    EXPECT_EQ(verdict->denial, rules::Denial::kCancelled);
}

TEST_F(AttendeeAdminTest, SetRefusesBadInputWithoutChangingAnything) {
    AttendeeAdmin admin(*db, eventId);
    AttendeeChanges badStatus;
    badStatus.status = "maybe";
    auto refused = admin.set(bobId, badStatus, olga);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, AdminError::Kind::kInvalid);
    EXPECT_EQ(refused.error().message,
              "status must be approved, pending, rejected or cancelled, not 'maybe'");
    AttendeeChanges rename;
    rename.name = "Robert";
    EXPECT_EQ(admin.set(999, rename, olga).error().kind, AdminError::Kind::kNotFound);
    AttendeeChanges same;
    same.name = "Bob";
    EXPECT_EQ(admin.set(bobId, same, olga).error().kind, AdminError::Kind::kInvalid);
    AttendeeChanges typeAndName;
    typeAndName.name = "Robert";
    typeAndName.ticketType = "Platinum";
    EXPECT_EQ(admin.set(bobId, typeAndName, olga).error().kind, AdminError::Kind::kNotFound);
    EXPECT_EQ(store::Attendees(*db).find(bobId)->name, "Bob") << "nothing half-applied";
    EXPECT_EQ(count("SELECT count(*) FROM audit_log"), 0);
}

TEST_F(AttendeeAdminTest, ShowListAndSearch) {
    AttendeeAdmin admin(*db, eventId);
    auto ada = admin.show(adaId);
    ASSERT_TRUE(ada.ok());
    EXPECT_EQ(ada->ticketTypeName, "General");
    ASSERT_EQ(ada->tickets.size(), 1U);
    EXPECT_EQ(ada->tickets[0].ticket.ref, adaTicket.ticketRef);
    EXPECT_EQ(ada->entries, 0);
    ASSERT_TRUE(rules::CheckInEngine(*db)
                    .scan(adaTicket.text, {eventId, "A", store::Direction::kEntry, "", 1})
                    .ok());
    EXPECT_TRUE(admin.show(adaId)->inside);
    EXPECT_EQ(admin.show(adaId)->entries, 1);
    EXPECT_EQ(admin.list(10, 0)->size(), 2U);
    EXPECT_EQ(admin.list(10, 1)->size(), 1U);
    auto found = admin.search("bo", 10);
    ASSERT_EQ(found->size(), 1U);
    EXPECT_EQ((*found)[0].attendee.name, "Bob");
    EXPECT_EQ(admin.search("", 10).error().kind, AdminError::Kind::kInvalid);
    EXPECT_EQ(admin.show(999).error().kind, AdminError::Kind::kNotFound);
    EXPECT_EQ(AttendeeAdmin(*db, "nope").list(10, 0).error().kind, AdminError::Kind::kNotFound);
}

}  // namespace
}  // namespace admit::organiser

#include "admit/organiser/ticket_admin.hpp"

#include <gtest/gtest.h>

#include "admit/rules/checkin_engine.hpp"
#include "organiser_fixture.hpp"

namespace admit::organiser {
namespace {

using By = TicketSelector::By;

class TicketAdminTest : public OrganiserFixture {
  protected:
    rules::Verdict scan(const std::string& text) {
        auto verdict = rules::CheckInEngine(*db).evaluate(
            text, {eventId, "Main", store::Direction::kEntry, "", olga.nowMs});
        EXPECT_TRUE(verdict.ok());
        return *verdict;
    }
};

TEST_F(TicketAdminTest, RevokeByTextRefOrAttendeeWithAReasonTheDoorShows) {
    TicketAdmin admin(*db, eventId);
    const std::int64_t before = rosterVersion();
    auto revoked = admin.revoke({By::kText, adaTicket.text}, "Refunded", olga);
    ASSERT_TRUE(revoked.ok()) << revoked.error().message;
    ASSERT_EQ(revoked->size(), 1U);
    EXPECT_EQ((*revoked)[0].ticket.ref, adaTicket.ticketRef);
    EXPECT_EQ((*revoked)[0].revokedReason, "Refunded");
    EXPECT_GT(rosterVersion(), before) << "kiosks must learn it";
    auto verdict = scan(adaTicket.text);
    EXPECT_EQ(verdict.denial, rules::Denial::kRevoked);
    EXPECT_EQ(verdict.detail, "Refunded");
    auto entries = audit();
    ASSERT_FALSE(entries.empty());
    EXPECT_EQ(entries.back().entry.action, "ticket.revoked");
    EXPECT_EQ(entries.back().entry.operatorName, "olga");
    EXPECT_EQ(entries.back().entry.subject, adaTicket.ticketRef);
    EXPECT_NE(entries.back().entry.detail.find("Refunded"), std::string::npos);

    // The same ticket named by ref and by attendee: the reason is replaced.
    ASSERT_TRUE(admin.revoke({By::kRef, adaTicket.ticketRef}, "Duplicate order", olga).ok());
    EXPECT_EQ(scan(adaTicket.text).detail, "Duplicate order");
    auto byAttendee = admin.revoke({By::kAttendee, std::to_string(adaId)}, "Again", olga);
    ASSERT_FALSE(byAttendee.ok()) << "every ticket of Ada's is revoked already";
    EXPECT_EQ(byAttendee.error().kind, AdminError::Kind::kConflict);
}

TEST_F(TicketAdminTest, BadInputIsOneSentenceAndChangesNothing) {
    TicketAdmin admin(*db, eventId);
    const std::int64_t auditBefore = count("SELECT count(*) FROM audit_log");
    const std::int64_t versionBefore = rosterVersion();
    auto empty = admin.revoke({By::kText, adaTicket.text}, "  ", olga);
    ASSERT_FALSE(empty.ok());
    EXPECT_EQ(empty.error().kind, AdminError::Kind::kInvalid);
    EXPECT_EQ(empty.error().message, "a reason is needed to revoke a ticket (kiosks show it)");
    auto unknownRef = admin.block({By::kRef, "00ff"}, "Reported stolen", olga);
    ASSERT_FALSE(unknownRef.ok());
    EXPECT_EQ(unknownRef.error().kind, AdminError::Kind::kNotFound);
    EXPECT_EQ(unknownRef.error().message, "there is no ticket 00ff at event " + eventId);
    auto unknownAttendee = admin.revoke({By::kAttendee, "999"}, "Refunded", olga);
    EXPECT_EQ(unknownAttendee.error().kind, AdminError::Kind::kNotFound);
    auto notANumber = admin.revoke({By::kAttendee, "ada"}, "Refunded", olga);
    EXPECT_EQ(notANumber.error().kind, AdminError::Kind::kInvalid);
    auto noTicket = admin.revoke({By::kAttendee, std::to_string(bobId)}, "Refunded", olga);
    EXPECT_EQ(noTicket.error().message, "attendee " + std::to_string(bobId) + " has no ticket yet");
    auto otherEvent = createEvent(*db, {"Other"}, 1000);
    ASSERT_TRUE(otherEvent.ok());
    auto wrongEvent =
        TicketAdmin(*db, otherEvent->id).revoke({By::kText, adaTicket.text}, "x", olga);
    ASSERT_FALSE(wrongEvent.ok());
    EXPECT_EQ(wrongEvent.error().message,
              "the ticket is for event " + eventId + ", not " + otherEvent->id);
    auto unknownEvent = TicketAdmin(*db, "nope").revoke({By::kRef, adaTicket.ticketRef}, "x", olga);
    EXPECT_EQ(unknownEvent.error().message, "there is no event nope in this database");
    auto notBlocked = admin.unblock({By::kRef, adaTicket.ticketRef}, olga);
    EXPECT_EQ(notBlocked.error().kind, AdminError::Kind::kConflict);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log"), auditBefore);
    EXPECT_EQ(
        count("SELECT count(*) FROM revoked_codes") + count("SELECT count(*) FROM blocked_codes"),
        0);
    // The other event's creation moved only its own roster.
    EXPECT_EQ(rosterVersion(), versionBefore);
}

TEST_F(TicketAdminTest, BlockThenUnblockAdmitsAgain) {
    TicketAdmin admin(*db, eventId);
    ASSERT_TRUE(admin.block({By::kRef, adaTicket.ticketRef}, "Reported stolen", olga).ok());
    auto blocked = scan(adaTicket.text);
    EXPECT_EQ(blocked.denial, rules::Denial::kBlocked);
    EXPECT_EQ(blocked.detail, "Reported stolen");
    const std::int64_t before = rosterVersion();
    auto unblocked = admin.unblock({By::kText, adaTicket.text}, olga);
    ASSERT_TRUE(unblocked.ok()) << unblocked.error().message;
    EXPECT_FALSE((*unblocked)[0].blockedReason);
    EXPECT_GT(rosterVersion(), before);
    EXPECT_TRUE(scan(adaTicket.text).accepted);
    EXPECT_EQ(audit().back().entry.action, "ticket.unblocked");
}

TEST_F(TicketAdminTest, ReissueRevokesTheOldCodeAndSignsANewOne) {
    TicketAdmin admin(*db, eventId);
    auto reissued = admin.reissue({By::kAttendee, std::to_string(adaId)}, "", olga);
    ASSERT_TRUE(reissued.ok()) << reissued.error().message;
    EXPECT_EQ(reissued->oldRef, adaTicket.ticketRef);
    EXPECT_NE(reissued->issued.ticketRef, adaTicket.ticketRef);
    EXPECT_EQ(scan(adaTicket.text).detail, "Reissued");
    auto fresh = scan(reissued->issued.text);
    EXPECT_TRUE(fresh.accepted) << rules::denialCode(*fresh.denial);
    ASSERT_TRUE(fresh.attendee);
    EXPECT_EQ(fresh.attendee->name, "Ada");
    // Printing tickets again gives the new code, not the revoked one.
    auto current = issueTicket(*db, eventId, adaId);
    ASSERT_TRUE(current.ok());
    EXPECT_EQ(current->text, reissued->issued.text);
    // The old code cannot be reissued again; Ada can.
    auto again = admin.reissue({By::kText, adaTicket.text}, "", olga);
    EXPECT_EQ(again.error().kind, AdminError::Kind::kConflict);
    EXPECT_TRUE(admin.reissue({By::kAttendee, std::to_string(adaId)}, "Lost phone", olga).ok());
}

TEST_F(TicketAdminTest, AnAttendeeWhoseCodesAreAllRevokedIsGivenANewOne) {
    TicketAdmin admin(*db, eventId);
    ASSERT_TRUE(admin.revoke({By::kAttendee, std::to_string(adaId)}, "Refunded", olga).ok());
    auto reissued = admin.reissue({By::kAttendee, std::to_string(adaId)}, "Paid again", olga);
    ASSERT_TRUE(reissued.ok()) << reissued.error().message;
    EXPECT_EQ(reissued->oldRef, "");
    EXPECT_TRUE(scan(reissued->issued.text).accepted);
    EXPECT_EQ(scan(adaTicket.text).detail, "Refunded");
}

}  // namespace
}  // namespace admit::organiser

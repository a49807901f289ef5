#include "admit/store/attendees.hpp"

#include "store_fixture.hpp"

namespace admit::store {
namespace {

using AttendeesTest = admit::testing::StoreFixture;

Attendee person(const std::string& key, const std::string& name, const std::string& email) {
    return {0, AttendeesTest::kEvent, key, name, email, 1, AttendeeStatus::kApproved, ""};
}

TEST_F(AttendeesTest, UpsertInsertsUpdatesOrLeavesAlone) {
    Attendees attendees(*db);
    Attendee ada = person("k1", "Ada Lovelace", "ada@example.org");
    EXPECT_EQ(attendees.upsert(ada), UpsertOutcome::kInserted);
    EXPECT_GT(ada.id, 0);
    Attendee again = ada;
    EXPECT_EQ(attendees.upsert(again), UpsertOutcome::kUnchanged);
    EXPECT_EQ(again.id, ada.id);
    again.status = AttendeeStatus::kCancelled;
    EXPECT_EQ(attendees.upsert(again), UpsertOutcome::kUpdated);
    EXPECT_EQ(attendees.find(ada.id)->status, AttendeeStatus::kCancelled);
    EXPECT_EQ(attendees.count(kEvent), 1);
}

TEST_F(AttendeesTest, TicketsPointAtTheirAttendee) {
    Attendees attendees(*db);
    Attendee ada = person("k1", "Ada Lovelace", "ada@example.org");
    attendees.upsert(ada);
    attendees.addTicket({kEvent, "abcdef", TicketKind::kSigned, ada.id});
    attendees.addTicket({kEvent, "0123", TicketKind::kOpaque, ada.id});
    auto ticket = attendees.findTicket(kEvent, "0123");
    ASSERT_TRUE(ticket);
    EXPECT_EQ(ticket->kind, TicketKind::kOpaque);
    EXPECT_EQ(ticket->attendeeId, ada.id);
    EXPECT_FALSE(attendees.findTicket(kEvent, "ffff"));
    EXPECT_EQ(attendees.ticketsOf(ada.id).size(), 2u);
}

TEST_F(AttendeesTest, CodeListsKeepTheirReason) {
    CodeLists lists(*db);
    lists.add(CodeList::kRevoked, kEvent, "abc", "refunded", 5);
    EXPECT_EQ(*lists.find(CodeList::kRevoked, kEvent, "abc"), "refunded");
    EXPECT_FALSE(lists.find(CodeList::kBlocked, kEvent, "abc"));
}

TEST(AttendeeStatus, ParsesItsNames) {
    EXPECT_EQ(*parseAttendeeStatus("cancelled"), AttendeeStatus::kCancelled);
    auto bad = parseAttendeeStatus("maybe");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("'maybe'"), std::string::npos);
}

}  // namespace
}  // namespace admit::store

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

TEST_F(AttendeesTest, UpdateChangesDetailsButNotTheImportKey) {
    Attendees attendees(*db);
    Attendee ada = person("a", "Ada", "ada@x.org");
    attendees.upsert(ada);
    ada.name = "Ada L.";
    ada.status = AttendeeStatus::kCancelled;
    ada.importKey = "ignored";
    ASSERT_TRUE(attendees.update(ada));
    auto stored = attendees.find(ada.id);
    EXPECT_EQ(stored->name, "Ada L.");
    EXPECT_EQ(stored->status, AttendeeStatus::kCancelled);
    EXPECT_EQ(stored->importKey, "a");
    ada.id = 999;
    EXPECT_FALSE(attendees.update(ada));
}

TEST_F(AttendeesTest, ListPagesInIdOrder) {
    Attendees attendees(*db);
    for (const char* name : {"Cy", "Ada", "Bo"}) {
        Attendee a = person(name, name, "");
        attendees.upsert(a);
    }
    auto first = attendees.list(kEvent, 2, 0);
    ASSERT_EQ(first.size(), 2U);
    EXPECT_EQ(first[0].name, "Cy");
    EXPECT_EQ(first[1].name, "Ada");
    auto rest = attendees.list(kEvent, 2, 2);
    ASSERT_EQ(rest.size(), 1U);
    EXPECT_EQ(rest[0].name, "Bo");
    EXPECT_TRUE(attendees.list("other", 10, 0).empty());
}

TEST_F(AttendeesTest, CodesComeOffTheBlockedList) {
    CodeLists lists(*db);
    lists.add(CodeList::kBlocked, kEvent, "abc", "Reported stolen", 5);
    EXPECT_FALSE(lists.remove(CodeList::kRevoked, kEvent, "abc")) << "not on that list";
    EXPECT_TRUE(lists.remove(CodeList::kBlocked, kEvent, "abc"));
    EXPECT_FALSE(lists.find(CodeList::kBlocked, kEvent, "abc"));
    EXPECT_FALSE(lists.remove(CodeList::kBlocked, kEvent, "abc"));
}

}  // namespace
}  // namespace admit::store

#include "admit/organiser/history.hpp"

#include <gtest/gtest.h>

#include "admit/organiser/attendee_admin.hpp"
#include "admit/organiser/attendee_import.hpp"
#include "admit/organiser/ticket_admin.hpp"
#include "admit/rules/checkin_engine.hpp"
#include "admit/store/attendee_search.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/schema.hpp"
#include "organiser_fixture.hpp"

namespace admit::organiser {
namespace {

class HistoryTest : public OrganiserFixture {
  protected:
    rules::Verdict scan(const std::string& text, const std::string& gate, std::int64_t nowMs,
                        store::Direction direction = store::Direction::kEntry) {
        auto verdict =
            rules::CheckInEngine(*db).scan(text, {eventId, gate, direction, "vic", nowMs});
        EXPECT_TRUE(verdict.ok());
        return *verdict;
    }
    static std::vector<std::string> actions(const std::vector<HistoryLine>& lines) {
        std::vector<std::string> out;
        for (const auto& l : lines) out.push_back(l.action);
        return out;
    }
};

TEST_F(HistoryTest, OnePersonsStoryFromRegistrationToReEntry) {
    auto imported = importAttendees(
        *db, eventId, "name,email,ticket_type,status\nCleo,cleo@x.org,General,pending\n",
        "guests.csv", "olga", 10'000);
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    auto cleo = store::AttendeeSearch(*db, eventId).find("Cleo", 1).at(0).attendee;
    AttendeeAdmin attendees(*db, eventId);
    AttendeeChanges approve;
    approve.status = "approved";
    ASSERT_TRUE(attendees.set(cleo.id, approve, {"olga", 20'000}).ok());
    auto first = issueTicket(*db, eventId, cleo.id, {}, Actor{"olga", 30'000});
    ASSERT_TRUE(first.ok());
    TicketAdmin tickets(*db, eventId);
    auto second = tickets.reissue({TicketSelector::By::kAttendee, std::to_string(cleo.id)},
                                  "Lost phone", {"olga", 40'000});
    ASSERT_TRUE(second.ok());
    ASSERT_TRUE(scan(second->issued.text, "A", 50'000).accepted);
    // Undone on this device, checked in again, out, and back in.
    ASSERT_TRUE(rules::CheckInEngine(*db)
                    .undoLast({eventId, "A", store::Direction::kEntry, "olga", 60'000})
                    .ok());
    ASSERT_TRUE(scan(second->issued.text, "B", 70'000).accepted);
    ASSERT_TRUE(scan(second->issued.text, "B", 80'000, store::Direction::kExit).accepted);
    EXPECT_FALSE(scan(second->issued.text, "C", 85'000).accepted) << "single entry";
    EXPECT_FALSE(scan(first->text, "C", 86'000).accepted) << "the old code";

    auto story = History(*db, eventId).attendee(cleo.id);
    ASSERT_TRUE(story.ok()) << story.error().message;
    EXPECT_EQ(actions(*story),
              (std::vector<std::string>{"attendee.registered", "attendee.changed", "ticket.issued",
                                        "ticket.revoked", "ticket.reissued", "checkin.entry",
                                        "checkin.undone", "checkin.entry", "checkin.exit",
                                        "checkin.denied", "checkin.denied"}));
    EXPECT_EQ((*story)[0].text, "registered from guests.csv by olga");
    EXPECT_EQ((*story)[1].text, "changed by olga: status pending -> approved");
    EXPECT_EQ((*story)[3].text, "ticket " + first->ticketRef + " revoked by olga: Lost phone");
    EXPECT_EQ((*story)[5].gate, "A");
    EXPECT_NE((*story)[5].text.find("(later undone)"), std::string::npos) << (*story)[5].text;
    EXPECT_EQ((*story)[7].text.rfind("checked in at gate B on device ", 0), 0U) << (*story)[7].text;
    EXPECT_NE((*story)[10].text.find("revoked"), std::string::npos) << (*story)[10].text;
    // Ada's story is hers alone.
    auto ada = History(*db, eventId).attendee(adaId);
    ASSERT_TRUE(ada.ok());
    EXPECT_TRUE(ada->empty());
}

TEST_F(HistoryTest, ReEntryIsNamedAndFiltersApply) {
    store::Events(*db).setReentryPolicy(eventId, store::ReentryPolicy::kMultiple);
    ASSERT_TRUE(scan(adaTicket.text, "A", 1000).accepted);
    ASSERT_TRUE(scan(adaTicket.text, "B", 2000).accepted);
    auto lines = History(*db, eventId).lines({});
    ASSERT_TRUE(lines.ok());
    ASSERT_EQ(lines->size(), 2U);
    EXPECT_EQ((*lines)[0].text.rfind("checked in at gate A", 0), 0U);
    EXPECT_EQ((*lines)[1].text.rfind("re-entered at gate B", 0), 0U);
    HistoryQuery late;
    late.sinceMs = 1500;
    EXPECT_EQ(History(*db, eventId).lines(late)->size(), 1U);
    HistoryQuery byOperator;
    byOperator.operatorName = "nobody";
    EXPECT_TRUE(History(*db, eventId).lines(byOperator)->empty());
    HistoryQuery byDevice;
    byDevice.deviceId = store::deviceId(*db);
    EXPECT_EQ(History(*db, eventId).lines(byDevice)->size(), 2U);
    HistoryQuery unknown;
    unknown.attendeeId = 999;
    EXPECT_EQ(History(*db, eventId).lines(unknown).error().kind, AdminError::Kind::kNotFound);
    EXPECT_EQ(History(*db, "nope").lines({}).error().kind, AdminError::Kind::kNotFound);
}

}  // namespace
}  // namespace admit::organiser

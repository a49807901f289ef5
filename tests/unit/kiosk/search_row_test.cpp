// What a search result offers (searchAction) and says (text::searchState) for each state a
// person can be in: the screen shows no button the engine would refuse.

#include "admit/kiosk/search_row.hpp"

#include <gtest/gtest.h>

#include "admit/kiosk/strings.hpp"

namespace admit::kiosk {
namespace {

using store::AttendeeStatus;
using store::Direction;
using store::ReentryPolicy;

store::CheckIn record(Direction direction, std::int64_t wallTimeMs, const std::string& gate) {
    store::CheckIn c;
    c.direction = direction;
    c.wallTimeMs = wallTimeMs;
    c.gate = gate;
    return c;
}

store::SearchHit person(AttendeeStatus status, const std::string& note = "") {
    store::SearchHit hit;
    hit.attendee.name = "Ada Lovelace";
    hit.attendee.status = status;
    hit.attendee.attentionNote = note;
    return hit;
}

store::SearchHit inside() {
    store::SearchHit hit = person(AttendeeStatus::kApproved);
    hit.presence.lastEntry = record(Direction::kEntry, 1'000'000, "North");
    hit.presence.inside = true;
    return hit;
}

store::SearchHit left() {
    store::SearchHit hit = inside();
    hit.presence.lastExit = record(Direction::kExit, 2'000'000, "South");
    hit.presence.inside = false;
    return hit;
}

constexpr ReentryPolicy kPolicies[] = {ReentryPolicy::kSingle, ReentryPolicy::kMultiple,
                                       ReentryPolicy::kAfterExit};

TEST(SearchAction, SomeoneNeverCheckedInIsCheckedInAtAnEntryAndHasNothingAtAnExit) {
    for (ReentryPolicy policy : kPolicies) {
        EXPECT_EQ(searchAction(person(AttendeeStatus::kApproved), Direction::kEntry, policy),
                  SearchAction::kCheckIn);
        EXPECT_EQ(searchAction(person(AttendeeStatus::kApproved), Direction::kExit, policy),
                  SearchAction::kNone);
    }
}

TEST(SearchAction, SomeoneInsideGetsNoCheckInWhereTheEngineWouldRefuseIt) {
    EXPECT_EQ(searchAction(inside(), Direction::kEntry, ReentryPolicy::kSingle),
              SearchAction::kNone);
    EXPECT_EQ(searchAction(inside(), Direction::kEntry, ReentryPolicy::kAfterExit),
              SearchAction::kMarkExit)
        << "re-entry needs an exit: the missing exit is what can be recorded";
    EXPECT_EQ(searchAction(inside(), Direction::kEntry, ReentryPolicy::kMultiple),
              SearchAction::kCheckIn);
    for (ReentryPolicy policy : kPolicies) {
        EXPECT_EQ(searchAction(inside(), Direction::kExit, policy), SearchAction::kMarkExit);
    }
}

TEST(SearchAction, SomeoneWhoLeftComesBackInOnlyWhereReEntryIsAllowed) {
    EXPECT_EQ(searchAction(left(), Direction::kEntry, ReentryPolicy::kSingle), SearchAction::kNone);
    EXPECT_EQ(searchAction(left(), Direction::kEntry, ReentryPolicy::kAfterExit),
              SearchAction::kCheckIn);
    EXPECT_EQ(searchAction(left(), Direction::kEntry, ReentryPolicy::kMultiple),
              SearchAction::kCheckIn);
    for (ReentryPolicy policy : kPolicies) {
        EXPECT_EQ(searchAction(left(), Direction::kExit, policy), SearchAction::kNone);
    }
}

TEST(SearchAction, BookingsThatAreNotApprovedHaveNoActionAnywhere) {
    for (AttendeeStatus status :
         {AttendeeStatus::kPending, AttendeeStatus::kCancelled, AttendeeStatus::kRejected}) {
        for (ReentryPolicy policy : kPolicies) {
            for (Direction direction : {Direction::kEntry, Direction::kExit}) {
                store::SearchHit hit = person(status);
                EXPECT_EQ(searchAction(hit, direction, policy), SearchAction::kNone);
                hit.presence = inside().presence;  // cancelled after coming in
                EXPECT_EQ(searchAction(hit, direction, policy), SearchAction::kNone);
            }
        }
    }
}

TEST(SearchState, SaysWhenWhereAndByWhichDeviceAndGivesTheNoteInFull) {
    std::string note(300, 'x');
    store::SearchHit in = inside();
    in.attendee.attentionNote = note;
    text::SearchState shown = text::searchState(in, "This kiosk");
    EXPECT_EQ(shown.text,
              "Inside since " + text::clockTime(1'000'000) + " - Gate North, This kiosk");
    EXPECT_EQ(shown.tone, text::SearchTone::kAlreadyIn);
    EXPECT_EQ(shown.note, "Note: " + note);

    shown = text::searchState(left(), "Kiosk B");
    EXPECT_EQ(shown.text, "Left at " + text::clockTime(2'000'000) + " - came in " +
                              text::clockTime(1'000'000) + ", Gate North, Kiosk B");
    EXPECT_EQ(shown.tone, text::SearchTone::kReady);

    EXPECT_EQ(text::searchState(person(AttendeeStatus::kApproved), "").text, "Not checked in yet");
    EXPECT_EQ(text::searchState(person(AttendeeStatus::kPending), "").tone,
              text::SearchTone::kCaution);
    shown = text::searchState(person(AttendeeStatus::kCancelled, "Refunded"), "");
    EXPECT_EQ(shown.text, "Booking cancelled");
    EXPECT_EQ(shown.tone, text::SearchTone::kRefused);
    EXPECT_EQ(shown.note, "Note: Refunded");
}

TEST(SearchState, EachActionHasItsButtonAndNoneHasNone) {
    EXPECT_STREQ(text::searchActionLabel(SearchAction::kCheckIn), text::kCheckIn);
    EXPECT_STREQ(text::searchActionLabel(SearchAction::kMarkExit), text::kMarkExit);
    EXPECT_EQ(text::searchActionLabel(SearchAction::kNone), nullptr);
}

}  // namespace
}  // namespace admit::kiosk

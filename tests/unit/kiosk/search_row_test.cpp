// What a search result offers (searchAction, from the engine's preview) and says
// (text::searchState) for each state a person can be in: the screen shows no button the engine
// would refuse, and says why.

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

rules::Verdict preview(Direction direction, std::optional<rules::Denial> denial = {}) {
    rules::Verdict v;
    v.direction = direction;
    v.accepted = !denial;
    v.denial = denial;
    return v;
}

SearchRow row(store::SearchHit hit, std::optional<rules::Verdict> refusal = {}) {
    return SearchRow{std::move(hit), SearchAction::kNone, std::move(refusal)};
}

TEST(SearchAction, WhatThePreviewAcceptsIsTheKiosksDirection) {
    for (ReentryPolicy policy : kPolicies) {
        EXPECT_EQ(searchAction(preview(Direction::kEntry), policy), SearchAction::kCheckIn);
        EXPECT_EQ(searchAction(preview(Direction::kExit), policy), SearchAction::kMarkExit);
    }
}

TEST(SearchAction, InsideWhereReEntryNeedsAnExitTheExitIsOffered) {
    auto alreadyIn = preview(Direction::kEntry, rules::Denial::kAlreadyCheckedIn);
    EXPECT_EQ(searchAction(alreadyIn, ReentryPolicy::kAfterExit), SearchAction::kMarkExit)
        << "re-entry needs an exit: the missing exit is what can be recorded";
    EXPECT_EQ(searchAction(alreadyIn, ReentryPolicy::kSingle), SearchAction::kNone)
        << "single entry: an exit would not let them back in";
}

TEST(SearchAction, EveryOtherRefusalHasNoButton) {
    using rules::Denial;
    for (Denial denial :
         {Denial::kRevoked, Denial::kBlocked, Denial::kCancelled, Denial::kPendingApproval,
          Denial::kRejected, Denial::kTypeNotAllowedAtGate, Denial::kNotYetValid, Denial::kExpired,
          Denial::kUnknownTicket, Denial::kNotCheckedIn}) {
        for (ReentryPolicy policy : kPolicies) {
            for (Direction direction : {Direction::kEntry, Direction::kExit}) {
                EXPECT_EQ(searchAction(preview(direction, denial), policy), SearchAction::kNone)
                    << rules::denialCode(denial);
            }
        }
    }
}

TEST(SearchState, ARefusalNotToldByTheStateIsShownInPlaceOfIt) {
    auto revoked = preview(Direction::kEntry, rules::Denial::kRevoked);
    revoked.detail = "Refunded";
    text::SearchState shown =
        text::searchState(row(person(AttendeeStatus::kApproved, "VIP"), revoked), "");
    EXPECT_EQ(shown.text, "This ticket was cancelled by the organiser: Refunded");
    EXPECT_EQ(shown.tone, text::SearchTone::kRefused);
    EXPECT_EQ(shown.note, "Note: VIP");
    shown = text::searchState(row(person(AttendeeStatus::kApproved),
                                  preview(Direction::kEntry, rules::Denial::kTypeNotAllowedAtGate)),
                              "");
    EXPECT_EQ(shown.text, "This ticket type may not use this gate");

    // Already in, cancelled, not inside at an exit: the state says it, with when and where.
    shown = text::searchState(
        row(inside(), preview(Direction::kEntry, rules::Denial::kAlreadyCheckedIn)), "Kiosk B");
    EXPECT_EQ(shown.text.rfind("Inside since ", 0), 0U) << shown.text;
    shown = text::searchState(row(person(AttendeeStatus::kCancelled),
                                  preview(Direction::kEntry, rules::Denial::kCancelled)),
                              "");
    EXPECT_EQ(shown.text, "Booking cancelled");
    shown = text::searchState(row(person(AttendeeStatus::kApproved),
                                  preview(Direction::kExit, rules::Denial::kNotCheckedIn)),
                              "");
    EXPECT_EQ(shown.text, "Not checked in yet");
}

TEST(SearchState, SaysWhenWhereAndByWhichDeviceAndGivesTheNoteInFull) {
    std::string note(300, 'x');
    store::SearchHit in = inside();
    in.attendee.attentionNote = note;
    text::SearchState shown = text::searchState(row(in), "This kiosk");
    EXPECT_EQ(shown.text,
              "Inside since " + text::clockTime(1'000'000) + " - Gate North, This kiosk");
    EXPECT_EQ(shown.tone, text::SearchTone::kAlreadyIn);
    EXPECT_EQ(shown.note, "Note: " + note);

    shown = text::searchState(row(left()), "Kiosk B");
    EXPECT_EQ(shown.text, "Left at " + text::clockTime(2'000'000) + " - came in " +
                              text::clockTime(1'000'000) + ", Gate North, Kiosk B");
    EXPECT_EQ(shown.tone, text::SearchTone::kReady);

    EXPECT_EQ(text::searchState(row(person(AttendeeStatus::kApproved)), "").text,
              "Not checked in yet");
    EXPECT_EQ(text::searchState(row(person(AttendeeStatus::kPending)), "").tone,
              text::SearchTone::kCaution);
    shown = text::searchState(row(person(AttendeeStatus::kCancelled, "Refunded")), "");
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

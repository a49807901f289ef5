// pretix_sig1 tickets at the door: the vectors from pretix's own fixtures, checked by the engine
// against the replica like our tickets.
#include "admit/organiser/event_admin.hpp"
#include "admit/organiser/event_editor.hpp"
#include "admit/rules/checkin_engine.hpp"
#include "admit/store/attendees.hpp"
#include "admit/store/events.hpp"
#include "admit/store/pretix_settings.hpp"
#include "pretix_vectors.hpp"
#include "rules_fixture.hpp"

namespace admit::rules {
namespace {

using store::Direction;

class PretixCheckInTest : public admit::testing::RulesFixture {
  protected:
    void SetUp() override {
        RulesFixture::SetUp();
        vectors = admit::testing::readPretixVectors();
    }

    // Adds the event's pretix keys and maps item 1 to General, 42 to VIP, as the organiser
    // would with `admit event pretix-keys` and `admit type map-pretix`.
    void configurePretix(const char* keyList = "event_keys_pretix_sig1") {
        organiser::EventEditor editor(*db, eventId);
        for (const auto& key : vectors.at(keyList)) {
            auto added = editor.addPretixKey(key.get<std::string>(), {"olga"});
            ASSERT_TRUE(added.ok()) << added.error().message;
        }
        ASSERT_TRUE(editor.mapPretixItem(1, "General", {"olga"}).ok());
        ASSERT_TRUE(editor.mapPretixItem(42, "VIP", {"olga"}).ok());
    }

    std::string ticket(const std::string& name) {
        for (const auto& t : vectors.at("tickets")) {
            if (t.at("name") == name) return t.at("text");
        }
        ADD_FAILURE() << "no vector " << name;
        return {};
    }

    void expectDenied(const Verdict& v, Denial denial) {
        EXPECT_FALSE(v.accepted);
        ASSERT_TRUE(v.denial.has_value());
        EXPECT_EQ(denialCode(*v.denial), denialCode(denial)) << v.detail;
    }

    nlohmann::json vectors;
};

TEST_F(PretixCheckInTest, AValidTicketIsAcceptedOnceAsItsItemsType) {
    configurePretix();
    Verdict v = scan(ticket("valid"), at());
    EXPECT_TRUE(v.accepted) << v.detail;
    EXPECT_EQ(v.format, ticket::CodeFormat::kPretixSig1);
    EXPECT_EQ(v.ticketTypeName, "General");
    EXPECT_FALSE(v.attendee);
    ASSERT_TRUE(v.checkIn);
    EXPECT_FALSE(v.ticketRef.empty());
    Verdict again = scan(ticket("valid"), at("Main", Direction::kEntry, kNowMs + 60'000));
    expectDenied(again, Denial::kAlreadyCheckedIn);
    ASSERT_TRUE(again.previous);
    EXPECT_EQ(again.previous->wallTimeMs, kNowMs);
}

TEST_F(PretixCheckInTest, ForgedAndOtherEventsTicketsAreBadSignatures) {
    configurePretix();
    expectDenied(scan(ticket("forged"), at()), Denial::kBadSignature);
    auto other = organiser::createEvent(*db, {"Other Fest"}, kNowMs);
    ASSERT_TRUE(other.ok());
    organiser::EventEditor otherEditor(*db, other->id);
    for (const auto& key : vectors.at("other_event_keys_pretix_sig1")) {
        ASSERT_TRUE(otherEditor.addPretixKey(key.get<std::string>(), {"olga"}).ok());
    }
    Verdict v = scan(ticket("valid"), {other->id, "Main", Direction::kEntry, "vic", kNowMs});
    expectDenied(v, Denial::kBadSignature);
    EXPECT_NE(v.detail.find("none of the event's 1 pretix key"), std::string::npos) << v.detail;
}

TEST_F(PretixCheckInTest, TheTicketsOwnWindowIsEnforced) {
    configurePretix();
    // valid_from admits from 2023-02-03 23:00:00 UTC, valid_until until 11:00:00 that day.
    const std::int64_t beforeFrom = admit::testing::unixSecondsOf("2023-02-03T22:59:59Z") * 1000;
    expectDenied(scan(ticket("valid_from"), at("Main", Direction::kEntry, beforeFrom)),
                 Denial::kNotYetValid);
    EXPECT_TRUE(scan(ticket("valid_from"), at()).accepted);
    expectDenied(scan(ticket("valid_until"), at()), Denial::kExpired);
    const std::int64_t beforeUntil = admit::testing::unixSecondsOf("2023-02-03T10:59:59Z") * 1000;
    EXPECT_TRUE(scan(ticket("valid_until"), at("Main", Direction::kEntry, beforeUntil)).accepted);
}

TEST_F(PretixCheckInTest, AnUnmappedItemIsUnknownAndSaysWhichItem) {
    configurePretix();
    Verdict v = scan(ticket("item_100"), at());
    expectDenied(v, Denial::kUnknownTicket);
    EXPECT_NE(v.detail.find("pretix item 100 is not mapped"), std::string::npos) << v.detail;
    organiser::EventEditor editor(*db, eventId);
    ASSERT_TRUE(editor.mapPretixItem(100, "VIP", {"olga"}).ok());
    Verdict mapped = scan(ticket("item_100"), at());
    EXPECT_TRUE(mapped.accepted) << mapped.detail;
    EXPECT_EQ(mapped.ticketTypeName, "VIP");
}

TEST_F(PretixCheckInTest, RevokedAndBlockedListsHoldItsRef) {
    configurePretix();
    Verdict first = engine->evaluate(ticket("valid"), at()).value();
    ASSERT_TRUE(first.accepted) << first.detail;
    store::CodeLists(*db).add(store::CodeList::kRevoked, eventId, first.ticketRef, "Refunded",
                              kNowMs);
    Verdict revoked = scan(ticket("valid"), at());
    expectDenied(revoked, Denial::kRevoked);
    EXPECT_EQ(revoked.detail, "Refunded");

    Verdict other = engine->evaluate(ticket("valid_2"), at()).value();
    store::CodeLists(*db).add(store::CodeList::kBlocked, eventId, other.ticketRef, "Stolen",
                              kNowMs);
    expectDenied(scan(ticket("valid_2"), at()), Denial::kBlocked);
}

TEST_F(PretixCheckInTest, ItsItemsTypeFollowsGateRulesAndTheReentryPolicy) {
    configurePretix();
    store::Events(*db).allowTypeAtGate(eventId, 2, "VIP Door");
    Verdict atMain = scan(ticket("valid_2"), at("Main"));  // item 42: VIP
    expectDenied(atMain, Denial::kTypeNotAllowedAtGate);
    EXPECT_TRUE(scan(ticket("valid_2"), at("VIP Door")).accepted);

    ASSERT_TRUE(store::Events(*db).setReentryPolicy(eventId, store::ReentryPolicy::kAfterExit));
    EXPECT_TRUE(scan(ticket("valid"), at()).accepted);
    expectDenied(scan(ticket("valid"), at("Main", Direction::kEntry, kNowMs + 1000)),
                 Denial::kAlreadyCheckedIn);
    EXPECT_TRUE(scan(ticket("valid"), at("Main", Direction::kExit, kNowMs + 2000)).accepted);
    EXPECT_TRUE(scan(ticket("valid"), at("Main", Direction::kEntry, kNowMs + 3000)).accepted);
}

TEST_F(PretixCheckInTest, AnImportedPretixBarcodeIsTheSameTicket) {
    // The attendee list came from a pretix export with its barcode: same ref, so the name shows
    // and one check-in covers both ways of reading it.
    ASSERT_TRUE(organiser::addOpaqueCode(*db, eventId, grace, ticket("item_100")).ok());
    // Without pretix keys the text is that imported barcode.
    Verdict opaque = engine->evaluate(ticket("item_100"), at()).value();
    EXPECT_TRUE(opaque.accepted) << opaque.detail;
    ASSERT_TRUE(opaque.attendee);
    EXPECT_EQ(opaque.attendee->name, "Grace Hopper");

    configurePretix();
    // item 100 is unmapped: the attendee's type (VIP) counts; the signature was checked.
    Verdict v = scan(ticket("item_100"), at());
    EXPECT_TRUE(v.accepted) << v.detail;
    ASSERT_TRUE(v.attendee);
    EXPECT_EQ(v.attendee->name, "Grace Hopper");
    EXPECT_EQ(v.ticketTypeName, "VIP");
    EXPECT_EQ(v.ticketRef, opaque.ticketRef);
}

TEST_F(PretixCheckInTest, WithoutPretixKeysAnUnimportedTicketIsUnknown) {
    Verdict v = scan(ticket("valid"), at());
    expectDenied(v, Denial::kUnknownTicket);
    EXPECT_EQ(v.format, ticket::CodeFormat::kPretixSig1);
}

}  // namespace
}  // namespace admit::rules

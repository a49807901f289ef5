#include "admit/rules/checkin_engine.hpp"

#include "admit/store/audit_log.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/events.hpp"
#include "admit/store/outbox.hpp"
#include "admit/ticket/event_id.hpp"
#include "admit/ticket/signed_ticket.hpp"
#include "admit/ticket/signing_key.hpp"
#include "admit/ticket/ticket_id.hpp"
#include "rules_fixture.hpp"

namespace admit::rules {
namespace {

using store::Direction;

class CheckInEngineTest : public admit::testing::RulesFixture {
  protected:
    void expectDenied(const Verdict& v, Denial denial) {
        EXPECT_FALSE(v.accepted);
        ASSERT_TRUE(v.denial.has_value());
        EXPECT_EQ(denialCode(*v.denial), denialCode(denial)) << v.detail;
    }

    // A ticket for this event carrying the event's key id but signed by `key`.
    std::string forged(const ticket::SigningKey& key, std::optional<ticket::KeyId> keyId = {}) {
        ticket::TicketPayload p{keyId.value_or(key.publicKey().id),
                                *ticket::eventIdFromString(eventId),
                                ticket::newTicketId(),
                                1,
                                std::nullopt,
                                std::nullopt};
        return ticket::encodeSignedTicket(p, key);
    }

    ticket::KeyId eventKeyId() { return store::Events(*db).keys(eventId).front().keyId; }
};

TEST_F(CheckInEngineTest, AcceptsAValidTicketWithNameAndType) {
    Verdict v = scan(ticketOf(ada), at());
    EXPECT_TRUE(v.accepted);
    EXPECT_FALSE(v.denial);
    ASSERT_TRUE(v.attendee);
    EXPECT_EQ(v.attendee->name, "Ada Lovelace");
    EXPECT_EQ(v.ticketTypeName, "General");
    ASSERT_TRUE(v.checkIn);
    EXPECT_EQ(v.checkIn->gate, "Main");
    EXPECT_FALSE(v.needsAttention());
}

TEST_F(CheckInEngineTest, AcceptedCheckInIsRecordedWithOutboxAndAudit) {
    Verdict v = scan(ticketOf(ada), at());
    ASSERT_TRUE(v.accepted);
    auto outbox = store::Outbox(*db).pending(10);
    ASSERT_EQ(outbox.size(), 1u);
    EXPECT_EQ(outbox[0].recordId, v.checkIn->id);
    EXPECT_EQ(store::AuditLog(*db).latest(1)[0].entry.action, "checkin.accepted");
}

TEST_F(CheckInEngineTest, SecondEntryIsAlreadyCheckedInWithWhenAndWhere) {
    std::string text = ticketOf(ada);
    ASSERT_TRUE(scan(text, at("Gate B")).accepted);
    Verdict again = scan(text, at("Main", Direction::kEntry, kNowMs + 60'000));
    expectDenied(again, Denial::kAlreadyCheckedIn);
    ASSERT_TRUE(again.previous);
    EXPECT_EQ(again.previous->gate, "Gate B");
    EXPECT_EQ(again.previous->wallTimeMs, kNowMs);
    EXPECT_FALSE(again.previous->deviceId.empty());
}

TEST_F(CheckInEngineTest, MalformedInputHasAPreciseReason) {
    expectDenied(scan("", at()), Denial::kMalformed);
    expectDenied(scan("   \r\n", at()), Denial::kMalformed);
    Verdict garbage = scan("AT1:$$$", at());
    expectDenied(garbage, Denial::kMalformed);
    EXPECT_FALSE(garbage.detail.empty());
    Verdict huge = scan(std::string(5000, 'A'), at());
    expectDenied(huge, Denial::kMalformed);
    EXPECT_NE(huge.detail.find("5000"), std::string::npos);
}

TEST_F(CheckInEngineTest, ScannerLineEndingsAreIgnored) {
    EXPECT_TRUE(scan(ticketOf(ada) + "\r\n", at()).accepted);
}

TEST_F(CheckInEngineTest, EventSetupCodeIsNotATicket) {
    auto setup = organiser::offlineSetupCode(*db, eventId);
    ASSERT_TRUE(setup.ok());
    expectDenied(scan(*setup, at()), Denial::kEventSetupCode);
}

TEST_F(CheckInEngineTest, WrongSignatureIsBadSignature) {
    auto stranger = ticket::SigningKey::generate();
    expectDenied(scan(forged(stranger, eventKeyId()), at()), Denial::kBadSignature);
}

TEST_F(CheckInEngineTest, UnknownKeyIsUnknownKey) {
    auto stranger = ticket::SigningKey::generate();
    expectDenied(scan(forged(stranger), at()), Denial::kUnknownKey);
}

TEST_F(CheckInEngineTest, TicketOfAnotherEventIsOtherEvent) {
    auto other = organiser::createEvent(*db, {"Other Fest"}, kNowMs);
    ASSERT_TRUE(other.ok());
    store::Attendee bob{0, other->id, "bob", "Bob", "bob@x", 1, store::AttendeeStatus::kApproved,
                        ""};
    store::Attendees(*db).upsert(bob);
    auto issued = organiser::issueTicket(*db, other->id, bob.id);
    ASSERT_TRUE(issued.ok());
    Verdict v = scan(issued->text, at());
    expectDenied(v, Denial::kOtherEvent);
    EXPECT_NE(v.detail.find(other->id), std::string::npos);
}

TEST_F(CheckInEngineTest, ValidityWindow) {
    std::int64_t now = kNowMs / 1000;
    std::string early = ticketOf(ada, {now + 3600, std::nullopt});
    expectDenied(scan(early, at()), Denial::kNotYetValid);
    EXPECT_TRUE(scan(early, at("Main", Direction::kEntry, kNowMs + 3'600'000)).accepted);

    std::string late = ticketOf(grace, {std::nullopt, now - 1});
    expectDenied(scan(late, at()), Denial::kExpired);
}

TEST_F(CheckInEngineTest, TheEventsCheckInWindowClosesEntriesNotExits) {
    std::string ticket = ticketOf(ada);
    const std::int64_t now = kNowMs / 1000;
    store::Events(*db).setSettings(eventId, {now + 3600, std::nullopt, "UTC"});
    auto early = scan(ticket, at());
    EXPECT_EQ(early.denial, rules::Denial::kNotYetValid);
    EXPECT_EQ(early.detail, "the event admits from 2026-06-01 13:00:00 UTC");
    store::Events(*db).setSettings(eventId, {now - 7200, now - 3600, "UTC"});
    auto late = scan(ticket, at());
    EXPECT_EQ(late.denial, rules::Denial::kExpired);
    EXPECT_EQ(late.detail, "the event admitted until 2026-06-01 11:00:00 UTC");
    store::Events(*db).setSettings(eventId, {now - 7200, now + 3600, "UTC"});
    EXPECT_TRUE(scan(ticket, at()).accepted);
    store::Events(*db).setSettings(eventId, {now - 7200, now - 3600, "UTC"});
    EXPECT_TRUE(scan(ticket, at("Main", store::Direction::kExit)).accepted)
        << "who is inside may always leave";
}

TEST_F(CheckInEngineTest, RevokedAndBlockedCodes) {
    std::string adaTicket = ticketOf(ada);
    std::string graceTicket = ticketOf(grace);
    store::CodeLists lists(*db);
    auto refOf = [&](const std::string& text) {
        return ticket::ticketIdToString(ticket::parseSignedTicket(text)->payload.ticketId);
    };
    lists.add(store::CodeList::kRevoked, eventId, refOf(adaTicket), "refunded", kNowMs);
    lists.add(store::CodeList::kBlocked, eventId, refOf(graceTicket), "screenshot shared", kNowMs);
    Verdict revoked = scan(adaTicket, at());
    expectDenied(revoked, Denial::kRevoked);
    EXPECT_EQ(revoked.detail, "refunded");
    expectDenied(scan(graceTicket, at()), Denial::kBlocked);
}

TEST_F(CheckInEngineTest, AttendeeStatusDenials) {
    expectDenied(scan(ticketOf(carl), at()), Denial::kCancelled);
    expectDenied(scan(ticketOf(pat), at()), Denial::kPendingApproval);
    expectDenied(scan(ticketOf(rex), at()), Denial::kRejected);
}

TEST_F(CheckInEngineTest, OpaqueCodes) {
    ASSERT_TRUE(organiser::addOpaqueCode(*db, eventId, ada, "EXT-778899").ok());
    expectDenied(scan("EXT-000000", at()), Denial::kUnknownTicket);
    Verdict v = scan("EXT-778899", at());
    EXPECT_TRUE(v.accepted);
    EXPECT_EQ(v.attendee->name, "Ada Lovelace");
    // The database holds only the blind index, never the code.
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM tickets WHERE ref LIKE '%778899%'").getInt(), 0);
}

TEST_F(CheckInEngineTest, TicketTypeRestrictedToOtherGates) {
    store::Events(*db).allowTypeAtGate(eventId, 2, "VIP Door");
    std::string text = ticketOf(grace);
    Verdict v = scan(text, at("Main"));
    expectDenied(v, Denial::kTypeNotAllowedAtGate);
    EXPECT_EQ(v.detail, "VIP may not use gate Main");
    EXPECT_TRUE(scan(text, at("VIP Door")).accepted);
}

TEST_F(CheckInEngineTest, AttentionNoteIsFlaggedOnAcceptance) {
    Verdict v = scan(ticketOf(grace), at());
    EXPECT_TRUE(v.accepted);
    EXPECT_TRUE(v.needsAttention());
    EXPECT_EQ(v.attentionNote, "Wheelchair user");
}

TEST_F(CheckInEngineTest, SignedTicketUnknownToAnEmptyReplicaIsStillAccepted) {
    // A ticket issued after the replica was made: the signature is proof enough.
    auto key = store::Events(*db).keys(eventId).front();
    auto signer =
        ticket::SigningKey::fromSeed(std::span<const std::uint8_t, 32>(key.secretSeed->data(), 32));
    Verdict v = scan(forged(signer), at());
    EXPECT_TRUE(v.accepted) << v.detail;
    EXPECT_FALSE(v.attendee);
    EXPECT_EQ(v.ticketTypeName, "General");
}

TEST_F(CheckInEngineTest, MultipleEntryPolicyAdmitsAgain) {
    db->exec("UPDATE events SET reentry_policy = 'multiple'");
    std::string text = ticketOf(ada);
    EXPECT_TRUE(scan(text, at()).accepted);
    EXPECT_TRUE(scan(text, at()).accepted);
}

TEST_F(CheckInEngineTest, EntryAfterExitPolicy) {
    db->exec("UPDATE events SET reentry_policy = 'after_exit'");
    std::string text = ticketOf(ada);
    expectDenied(scan(text, at("Main", Direction::kExit)), Denial::kNotCheckedIn);
    EXPECT_TRUE(scan(text, at()).accepted);
    expectDenied(scan(text, at()), Denial::kAlreadyCheckedIn);
    EXPECT_TRUE(scan(text, at("Main", Direction::kExit)).accepted);
    expectDenied(scan(text, at("Main", Direction::kExit)), Denial::kNotCheckedIn);
    EXPECT_TRUE(scan(text, at()).accepted);
}

TEST_F(CheckInEngineTest, SingleEntryPolicyRefusesReentryEvenAfterExit) {
    std::string text = ticketOf(ada);
    EXPECT_TRUE(scan(text, at()).accepted);
    EXPECT_TRUE(scan(text, at("Main", Direction::kExit)).accepted);
    expectDenied(scan(text, at()), Denial::kAlreadyCheckedIn);
}

// The organiser learns which gate refused whom: a denial is audited and queued for upload in
// the scan's transaction, as a check-in is.
TEST_F(CheckInEngineTest, DenialsAreAuditedAndQueuedForUpload) {
    scan("AT1:nonsense", at());
    auto audit = store::AuditLog(*db).latest(1);
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_EQ(audit[0].entry.action, "checkin.denied");
    EXPECT_NE(audit[0].entry.detail.find("\"reason\":\"malformed\""), std::string::npos);
    auto pending = store::Outbox(*db).pending(10);
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].kind, store::kDeniedScanKind);
    EXPECT_NE(audit[0].entry.detail.find(pending[0].recordId), std::string::npos);

    std::string text = ticketOf(ada);
    EXPECT_TRUE(scan(text, at("Main")).accepted);
    expectDenied(scan(text, at("Side")), Denial::kAlreadyCheckedIn);
    pending = store::Outbox(*db).pending(10);
    ASSERT_EQ(pending.size(), 3u);
    EXPECT_EQ(pending[1].kind, "checkin");
    EXPECT_EQ(pending[2].kind, store::kDeniedScanKind);
    EXPECT_NE(pending[2].payload.find("\"gate\":\"Side\""), std::string::npos);
    EXPECT_NE(pending[2].payload.find("\"reason\":\"already_checked_in\""), std::string::npos);
}

TEST_F(CheckInEngineTest, EvaluateRecordsNothing) {
    std::string text = ticketOf(ada);
    auto v = engine->evaluate(text, at());
    ASSERT_TRUE(v.ok());
    EXPECT_TRUE(v->accepted);
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM checkins").getInt(), 0);
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM audit_log").getInt(), 0);
    auto denied = engine->evaluate("AT1:nonsense", at());
    ASSERT_TRUE(denied.ok());
    EXPECT_FALSE(denied->accepted);
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM audit_log").getInt(), 0);
    EXPECT_EQ(store::Outbox(*db).pendingCount(), 0);
    EXPECT_TRUE(scan(text, at()).accepted);
}

TEST_F(CheckInEngineTest, UndoAnnulsTheLastCheckInSoTheTicketWorksAgain) {
    std::string text = ticketOf(ada);
    Verdict first = scan(text, at());
    ASSERT_TRUE(first.accepted);
    auto undone = engine->undoLast(at());
    ASSERT_TRUE(undone.ok()) << undone.error().message;
    EXPECT_EQ(undone->id, first.checkIn->id);
    EXPECT_TRUE(scan(text, at()).accepted);
    EXPECT_EQ(db->execAndGet("SELECT count(*) FROM checkins").getInt(), 3);
    EXPECT_TRUE(store::AuditLog(*db).verify().ok());
}

TEST_F(CheckInEngineTest, UndoWithNothingToUndoIsAClearError) {
    auto undone = engine->undoLast(at());
    ASSERT_FALSE(undone.ok());
    EXPECT_EQ(undone.error().kind, CheckInError::Kind::kNothingToUndo);
    EXPECT_EQ(undone.error().message, "there is no check-in on this device to undo");
}

// A database that refuses the undo is a storage error, not "nothing to undo": the check-in is
// still there, to be undone once the database lets go.
TEST_F(CheckInEngineTest, UndoTheDatabaseRefusesIsAStorageError) {
    ASSERT_TRUE(scan(ticketOf(ada), at()).accepted);
    db->setBusyTimeout(0);
    auto other = store::openPlainDatabase(dir.file("org.db"), store::OpenMode::kExisting);
    ASSERT_TRUE(other.ok()) << other.error().message;
    other->exec("BEGIN IMMEDIATE");
    auto refused = engine->undoLast(at());
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, CheckInError::Kind::kStorage);
    EXPECT_EQ(refused.error().message, "could not undo the check-in: database is locked");
    other->exec("ROLLBACK");
    EXPECT_TRUE(engine->undoLast(at()).ok());
}

TEST_F(CheckInEngineTest, SearchPathChecksInAnAttendee) {
    ticketOf(ada);
    auto v = engine->checkInAttendee(ada, at());
    ASSERT_TRUE(v.ok());
    EXPECT_TRUE(v->accepted);
    // The same ticket scanned afterwards is already in.
    expectDenied(scan(ticketOf(ada), at()), Denial::kAlreadyCheckedIn);
    auto cancelled = engine->checkInAttendee(carl, at());
    ASSERT_TRUE(cancelled.ok());
    expectDenied(*cancelled, Denial::kCancelled);
    auto unknown = engine->checkInAttendee(99999, at());
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().kind, CheckInError::Kind::kNotFound);
}

TEST_F(CheckInEngineTest, SearchPathUsesTheTicketTheRulesAcceptNotTheFirstByRef) {
    // A reissued ticket: the old code revoked, a new one for the same person. The search
    // used to take the first ticket by ref; reissue until a revoked code sorts first.
    auto refOf = [&](const std::string& text) {
        return ticket::ticketIdToString(ticket::parseSignedTicket(text)->payload.ticketId);
    };
    store::CodeLists lists(*db);
    std::string revoked = ticketOf(ada);
    lists.add(store::CodeList::kRevoked, eventId, refOf(revoked), "reissued", kNowMs);
    std::string current = ticketOf(ada);
    while (refOf(current) < refOf(revoked)) {
        lists.add(store::CodeList::kRevoked, eventId, refOf(current), "reissued", kNowMs);
        current = ticketOf(ada);
    }
    ASSERT_GT(store::Attendees(*db).ticketsOf(ada).size(), 1U);
    ASSERT_NE(store::Attendees(*db).ticketsOf(ada).front().ref, refOf(current));

    auto preview = engine->evaluateAttendee(ada, at());
    ASSERT_TRUE(preview.ok());
    EXPECT_TRUE(preview->accepted);
    EXPECT_EQ(preview->ticketRef, refOf(current));
    store::HybridLogicalClock clock(*db);
    EXPECT_TRUE(store::CheckInLog(*db, clock).history(eventId, refOf(current)).empty())
        << "a preview records nothing";

    auto v = engine->checkInAttendee(ada, at());
    ASSERT_TRUE(v.ok());
    EXPECT_TRUE(v->accepted);
    EXPECT_EQ(v->ticketRef, refOf(current));
    expectDenied(scan(current, at()), Denial::kAlreadyCheckedIn);
    expectDenied(scan(revoked, at()), Denial::kRevoked);

    // Nothing left to accept: the refusal is the live ticket's (already in), not the revoked
    // code's.
    auto again = engine->evaluateAttendee(ada, at());
    ASSERT_TRUE(again.ok());
    expectDenied(*again, Denial::kAlreadyCheckedIn);
    EXPECT_EQ(again->ticketRef, refOf(current));
}

TEST_F(CheckInEngineTest, SearchPreviewFollowsTheGateRuleAndTheEventWindow) {
    ticketOf(grace);  // VIP (type 2)
    store::Events(*db).allowTypeAtGate(eventId, 2, "VIP Lane");
    auto atMain = engine->evaluateAttendee(grace, at("Main"));
    ASSERT_TRUE(atMain.ok());
    expectDenied(*atMain, Denial::kTypeNotAllowedAtGate);
    auto atLane = engine->evaluateAttendee(grace, at("VIP Lane"));
    ASSERT_TRUE(atLane.ok());
    EXPECT_TRUE(atLane->accepted);
}

TEST_F(CheckInEngineTest, UnknownEventIsAnErrorNotAVerdict) {
    rules::ScanContext context = at();
    context.eventId = "nope";
    auto v = engine->scan(ticketOf(ada), context);
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().kind, CheckInError::Kind::kNotFound);
    EXPECT_EQ(v.error().message, "event nope is not in this database");
}

}  // namespace
}  // namespace admit::rules

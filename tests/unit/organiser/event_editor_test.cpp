#include "admit/organiser/event_editor.hpp"

#include <gtest/gtest.h>

#include "admit/rules/checkin_engine.hpp"
#include "organiser_fixture.hpp"

namespace admit::organiser {
namespace {

class EventEditorTest : public OrganiserFixture {
  protected:
    rules::Verdict scan(const std::string& gate, std::int64_t nowMs) {
        auto verdict = rules::CheckInEngine(*db).evaluate(
            adaTicket.text, {eventId, gate, store::Direction::kEntry, "", nowMs});
        EXPECT_TRUE(verdict.ok());
        return *verdict;
    }
};

TEST_F(EventEditorTest, SetChangesNamePolicyWindowAndTimeZone) {
    EventEditor editor(*db, eventId);
    EventChanges changes;
    changes.name = "Fest 2027";
    changes.reentryPolicy = "after_exit";
    changes.validFrom = std::optional<std::int64_t>(1000);
    changes.validUntil = std::optional<std::int64_t>(2000);
    const std::int64_t before = rosterVersion();
    auto view = editor.set(changes, olga);
    ASSERT_TRUE(view.ok()) << view.error().message;
    EXPECT_EQ(view->info.name, "Fest 2027");
    EXPECT_EQ(view->info.reentryPolicy, store::ReentryPolicy::kAfterExit);
    EXPECT_EQ(view->settings.validFrom, 1000);
    EXPECT_GT(rosterVersion(), before);
    EXPECT_EQ(audit().back().entry.action, "event.changed");
    EXPECT_EQ(scan("Main", 999'000).denial, rules::Denial::kNotYetValid);
    EXPECT_TRUE(scan("Main", 1500'000).accepted);
    EXPECT_EQ(scan("Main", 2001'000).denial, rules::Denial::kExpired);
    EventChanges open;
    open.validUntil = std::optional<std::int64_t>();
    ASSERT_TRUE(editor.set(open, olga).ok());
    EXPECT_TRUE(scan("Main", 9999'000).accepted);
}

TEST_F(EventEditorTest, BadSettingsAreRefusedWhole) {
    EventEditor editor(*db, eventId);
    EventChanges bad;
    bad.name = "New name";
    bad.reentryPolicy = "sometimes";
    EXPECT_EQ(editor.set(bad, olga).error().kind, AdminError::Kind::kInvalid);
    EventChanges zone;
    zone.timeZone = "../../etc/passwd";
    EXPECT_EQ(editor.set(zone, olga).error().kind, AdminError::Kind::kInvalid);
    EventChanges backwards;
    backwards.validFrom = std::optional<std::int64_t>(2000);
    backwards.validUntil = std::optional<std::int64_t>(1000);
    auto refused = editor.set(backwards, olga);
    EXPECT_EQ(refused.error().message, "the check-in window would end before it starts");
    EXPECT_EQ(editor.set({}, olga).error().kind, AdminError::Kind::kInvalid) << "nothing to change";
    EXPECT_EQ(EventEditor(*db, "nope").set(bad, olga).error().kind, AdminError::Kind::kInvalid);
    EventChanges rename;
    rename.name = "X";
    EXPECT_EQ(EventEditor(*db, "nope").set(rename, olga).error().kind, AdminError::Kind::kNotFound);
    EXPECT_EQ(editor.show()->info.name, "Fest");
    EXPECT_EQ(count("SELECT count(*) FROM audit_log"), 0);
}

TEST_F(EventEditorTest, TicketTypesAndGateRules) {
    EventEditor editor(*db, eventId);
    auto added = editor.addTicketType("Crew", olga);
    ASSERT_TRUE(added.ok());
    EXPECT_EQ(added->code, 3);
    EXPECT_EQ(editor.addTicketType("crew", olga).error().kind, AdminError::Kind::kInvalid);
    auto renamed = editor.renameTicketType("General", "Standard", olga);
    ASSERT_TRUE(renamed.ok());
    EXPECT_EQ(renamed->code, 1);
    EXPECT_EQ(editor.renameTicketType("Gold", "Platinum", olga).error().kind,
              AdminError::Kind::kNotFound);
    EXPECT_EQ(editor.renameTicketType("VIP", "Crew", olga).error().kind,
              AdminError::Kind::kInvalid);

    auto rules = editor.allowAtGate("Standard", "B", olga);
    ASSERT_TRUE(rules.ok());
    ASSERT_EQ(rules->size(), 1U);
    EXPECT_EQ(scan("A", olga.nowMs).denial, rules::Denial::kTypeNotAllowedAtGate);
    EXPECT_TRUE(scan("B", olga.nowMs).accepted);
    EXPECT_EQ(editor.allowAtGate("Standard", "B", olga).error().kind, AdminError::Kind::kInvalid);
    EXPECT_EQ(editor.allowAtGate("Gold", "B", olga).error().kind, AdminError::Kind::kNotFound);
    EXPECT_EQ(editor.show()->gateRules.size(), 1U);
}

// pretix's form of an Ed25519 key (pretix-sig1 vectors' first event key).
constexpr const char* kPretixKey =
    "LS0tLS1CRUdJTiBQVUJMSUMgS0VZLS0tLS0KTUNvd0JRWURLMlZ3QXlFQTdBRDcvdkZBMzNFc1k0ejJQSHI3aVpQc1o4"
    "bjVkaDBhalA4Z3l6Tm1tSXM9Ci0tLS0tRU5EIFBVQkxJQyBLRVktLS0tLQo=";

TEST_F(EventEditorTest, PretixKeysAreAddedListedAndRemovedWithAuditAndRosterVersion) {
    EventEditor editor(*db, eventId);
    EXPECT_TRUE(editor.pretixKeys()->empty());
    const std::int64_t before = rosterVersion();
    auto added = editor.addPretixKey(std::string("  ") + kPretixKey + "\n", olga);
    ASSERT_TRUE(added.ok()) << added.error().message;
    EXPECT_EQ(*added, std::vector<std::string>{kPretixKey});
    EXPECT_GT(rosterVersion(), before);
    EXPECT_EQ(audit().back().entry.action, "pretix_key.added");
    EXPECT_EQ(editor.addPretixKey(kPretixKey, olga).error().kind, AdminError::Kind::kInvalid);
    auto notAKey = editor.addPretixKey("aGVsbG8gd29ybGQh", olga);
    ASSERT_FALSE(notAKey.ok());
    EXPECT_EQ(notAKey.error().kind, AdminError::Kind::kInvalid);
    EXPECT_NE(notAKey.error().message.find("PEM"), std::string::npos);
    auto removed = editor.removePretixKey(kPretixKey, olga);
    ASSERT_TRUE(removed.ok());
    EXPECT_TRUE(removed->empty());
    EXPECT_EQ(audit().back().entry.action, "pretix_key.removed");
    EXPECT_EQ(editor.removePretixKey(kPretixKey, olga).error().kind, AdminError::Kind::kNotFound);
}

TEST_F(EventEditorTest, PretixItemsMapToTicketTypesByName) {
    EventEditor editor(*db, eventId);
    auto mapped = editor.mapPretixItem(42, "VIP", olga);
    ASSERT_TRUE(mapped.ok()) << mapped.error().message;
    EXPECT_EQ(mapped->ticketType, 2);
    EXPECT_EQ(audit().back().entry.action, "pretix_item.mapped");
    EXPECT_EQ(editor.mapPretixItem(42, "VIP", olga).error().kind, AdminError::Kind::kInvalid);
    EXPECT_EQ(editor.mapPretixItem(42, "Gold", olga).error().kind, AdminError::Kind::kNotFound);
    EXPECT_EQ(editor.mapPretixItem(0, "VIP", olga).error().kind, AdminError::Kind::kInvalid);
    ASSERT_TRUE(editor.mapPretixItem(42, "General", olga).ok());  // remapped
    auto items = editor.pretixItemTypes();
    ASSERT_TRUE(items.ok());
    ASSERT_EQ(items->size(), 1U);
    EXPECT_EQ((*items)[0].item, 42);
    EXPECT_EQ((*items)[0].ticketType, 1);
}

TEST(TimeZones, KnownNamesOnly) {
    EXPECT_TRUE(isKnownTimeZone("UTC"));
    EXPECT_FALSE(isKnownTimeZone(""));
    EXPECT_FALSE(isKnownTimeZone("/etc/passwd"));
    EXPECT_FALSE(isKnownTimeZone("Mars/Olympus_Mons"));
}

}  // namespace
}  // namespace admit::organiser

// Event codes decoded once (readSetupCode) and an offline one applied to an empty replica.

#include "admit/kiosk/setup_code.hpp"

#include "admit/kiosk/strings.hpp"
#include "admit/organiser/event_admin.hpp"
#include "admit/organiser/event_editor.hpp"
#include "admit/rules/checkin_engine.hpp"
#include "admit/store/pretix_settings.hpp"
#include "admit/store/store.hpp"
#include "kiosk_fixture.hpp"
#include "pretix_vectors.hpp"

namespace admit::kiosk::testing {
namespace {

TEST_F(KioskTest, ReadsAnOfflineEventCodeOnce) {
    auto code = readSetupCode(demo_.event.setupCode);
    ASSERT_TRUE(code.ok()) << code.error().message;
    EXPECT_FALSE(code->online());
    EXPECT_EQ(code->eventId(), demo_.event.eventId);
    EXPECT_EQ(code->displayName(), demo_.event.eventName);
    EXPECT_EQ(readSetupCode("AE1:garbage").error().message, text::notASetupCode());
}

TEST_F(KioskTest, OfflineSetUpLetsAnEmptyReplicaVerifyTickets) {
    auto code = readSetupCode(demo_.event.setupCode);
    ASSERT_TRUE(code.ok());
    const auto& setup = std::get<ticket::OfflineSetup>(code->decoded);
    auto empty = store::openPlainDatabase(dir_.file("empty.db"), store::OpenMode::kCreate);
    ASSERT_TRUE(empty.ok());
    auto applied = applyOfflineSetup(*empty, setup, 1000);
    ASSERT_TRUE(applied.ok()) << applied.error().message;
    EXPECT_EQ(applied->eventId, demo_.event.eventId);
    EXPECT_EQ(applied->eventName, demo_.event.eventName);
    ASSERT_TRUE(applyOfflineSetup(*empty, setup, 1000).ok()) << "applying twice is harmless";
    rules::CheckInEngine engine(*empty);
    auto verdict = engine.scan(demo_.event.tickets.at(0).text,
                               {demo_.event.eventId, "Main", store::Direction::kEntry, "", 5000});
    ASSERT_TRUE(verdict.ok());
    EXPECT_TRUE(verdict->accepted);
    EXPECT_FALSE(verdict->attendee) << "the roster is not in an event code";
}

// pretix's keys and its items' ticket types travel in the offline code, so a kiosk with no
// server admits pretix's own test tickets (../shared/testdata/pretix-sig1) and refuses a forgery.
TEST_F(KioskTest, OfflineSetUpVerifiesRealPretixTickets) {
    const nlohmann::json vectors = admit::testing::readPretixVectors();
    std::string code;
    {
        auto organiser =
            store::openPlainDatabase(demo_.organiserDatabase.string(), store::OpenMode::kExisting);
        ASSERT_TRUE(organiser.ok()) << organiser.error().message;
        organiser::EventEditor editor(*organiser, demo_.event.eventId);
        for (const auto& key : vectors["event_keys_pretix_sig1"]) {
            auto added = editor.addPretixKey(key.get<std::string>(), {"olga", 1000});
            ASSERT_TRUE(added.ok()) << added.error().message;
        }
        ASSERT_TRUE(editor.mapPretixItem(1, "VIP", {"olga", 1000}).ok());
        auto made = organiser::offlineSetupCode(*organiser, demo_.event.eventId);
        ASSERT_TRUE(made.ok()) << made.error().message;
        code = *made;
    }
    auto read = readSetupCode(code);
    ASSERT_TRUE(read.ok()) << read.error().message;
    const auto& setup = std::get<ticket::OfflineSetup>(read->decoded);
    EXPECT_EQ(setup.pretixKeys.size(), 2U);
    auto empty = store::openPlainDatabase(dir_.file("empty.db"), store::OpenMode::kCreate);
    ASSERT_TRUE(empty.ok());
    ASSERT_TRUE(applyOfflineSetup(*empty, setup, 1000).ok());
    EXPECT_EQ(store::PretixSettings(*empty).keys(demo_.event.eventId).size(), 2U);

    rules::CheckInEngine engine(*empty);
    auto scanVector = [&](const std::string& name) {
        for (const auto& ticket : vectors["tickets"]) {
            if (ticket["name"] != name) continue;
            auto verdict =
                engine.scan(ticket["text"].get<std::string>(),
                            {demo_.event.eventId, "Main", store::Direction::kEntry, "", 5000});
            EXPECT_TRUE(verdict.ok());
            return verdict.ok() ? *verdict : rules::Verdict{};
        }
        ADD_FAILURE() << "no pretix vector " << name;
        return rules::Verdict{};
    };
    rules::Verdict valid = scanVector("valid");
    EXPECT_TRUE(valid.accepted) << valid.detail;
    EXPECT_EQ(valid.ticketTypeName, "Type 2") << "the code carries the type, not its name";
    EXPECT_EQ(scanVector("forged").denial, rules::Denial::kBadSignature);
    rules::Verdict unmapped = scanVector("item_100");
    EXPECT_EQ(unmapped.denial, rules::Denial::kUnknownTicket);
    EXPECT_EQ(unmapped.detail,
              "pretix item 100 is not mapped to a ticket type (admit type map-pretix)");
}

}  // namespace
}  // namespace admit::kiosk::testing

// Event codes decoded once (readSetupCode) and an offline one applied to an empty replica.

#include "admit/kiosk/setup_code.hpp"

#include "admit/kiosk/strings.hpp"
#include "admit/rules/checkin_engine.hpp"
#include "admit/store/store.hpp"
#include "kiosk_fixture.hpp"

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

}  // namespace
}  // namespace admit::kiosk::testing

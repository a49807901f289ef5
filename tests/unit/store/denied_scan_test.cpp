#include "admit/store/denied_scan.hpp"

#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "admit/store/schema.hpp"
#include "admit/store/uuid.hpp"
#include "store_fixture.hpp"

namespace admit::store {
namespace {

using nlohmann::json;
using testing::StoreFixture;

class DeniedScanLogTest : public StoreFixture {
  protected:
    DeniedScan deny(const NewDeniedScan& denial, std::int64_t wallMs) {
        SQLite::Transaction transaction(*db);
        HybridLogicalClock clock(*db);
        auto made = DeniedScanLog(*db, clock).append(denial, wallMs);
        transaction.commit();
        return made;
    }
};

TEST_F(DeniedScanLogTest, ADenialIsAnOutboxEntryAndAnAuditEntryOfThisDevice) {
    auto made = deny({kEvent, "ticket-7", "B", Direction::kEntry, "olga", "revoked",
                      "revoked by the organiser: Refunded"},
                     1'000'000);
    EXPECT_TRUE(isUuid(made.id));
    EXPECT_EQ(made.deviceId, deviceId(*db));
    EXPECT_GT(made.hlc, 0);

    auto pending = Outbox(*db).pending(10);
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].kind, kDeniedScanKind);
    EXPECT_EQ(pending[0].recordId, made.id);
    EXPECT_EQ(pending[0].hlc, made.hlc);
    auto payload = json::parse(pending[0].payload);
    EXPECT_EQ(payload["id"], made.id);
    EXPECT_EQ(payload["event_id"], kEvent);
    EXPECT_EQ(payload["ticket_ref"], "ticket-7");
    EXPECT_EQ(payload["device_id"], made.deviceId);
    EXPECT_EQ(payload["gate"], "B");
    EXPECT_EQ(payload["direction"], "entry");
    EXPECT_EQ(payload["wall_time"], 1'000'000);
    EXPECT_EQ(payload["operator"], "olga");
    EXPECT_EQ(payload["reason"], "revoked");
    EXPECT_EQ(payload["detail"], "revoked by the organiser: Refunded");

    auto audit = AuditLog(*db).latest(10);
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_EQ(audit[0].entry.action, "checkin.denied");
    EXPECT_EQ(audit[0].entry.subject, "ticket-7");
    EXPECT_EQ(audit[0].entry.operatorName, "olga");
    EXPECT_EQ(audit[0].deviceId, made.deviceId);
    EXPECT_EQ(audit[0].hlc, made.hlc);
    auto detail = json::parse(audit[0].entry.detail);
    EXPECT_EQ(detail["reason"], "revoked");
    EXPECT_EQ(detail["gate"], "B");
    EXPECT_EQ(detail["event_id"], kEvent);
    EXPECT_EQ(detail["id"], made.id);
}

TEST_F(DeniedScanLogTest, ADetailIsCarriedWithoutControlCharactersAndCutAtACharacter) {
    // 999 bytes of 'a' then "é" (2 bytes): 1001 bytes, so the cut falls inside the "é".
    std::string detail = "line one\nline\ttwo" + std::string(982, 'a') + "\xC3\xA9";
    ASSERT_EQ(detail.size(), 1001u);
    auto made = deny({kEvent, "", "A", Direction::kExit, "", "malformed", detail}, 5);
    EXPECT_EQ(made.detail.substr(0, 17), "line one line two");
    EXPECT_EQ(made.detail.size(), 999u);
    EXPECT_EQ(made.detail.back(), 'a');
    EXPECT_EQ(json::parse(deniedScanPayload(made))["direction"], "exit");
}

TEST_F(DeniedScanLogTest, TheAuditEntryIsTheSameOnAnotherDeviceThatReceivesIt) {
    auto made = deny({kEvent, "t1", "A", Direction::kEntry, "vic", "already_checked_in", ""}, 9);
    AuditLog log(*db);
    log.appendReceived("0190a8c4-5e3b-7c2d-9f00-1a2b3c4d5e6f", deniedScanAuditEntry(made), made.hlc,
                       made.wallTimeMs);
    auto latest = log.latest(2);
    ASSERT_EQ(latest.size(), 2u);
    EXPECT_EQ(latest[0].deviceId, "0190a8c4-5e3b-7c2d-9f00-1a2b3c4d5e6f");
    EXPECT_EQ(latest[0].entry.detail, latest[1].entry.detail);
    EXPECT_EQ(latest[0].wallTimeMs, 9);
    EXPECT_TRUE(log.verify().ok());
}

}  // namespace
}  // namespace admit::store

#include "admit/store/audit_log.hpp"

#include <gtest/gtest.h>

#include "store_fixture.hpp"

namespace admit::store {
namespace {

using AuditLogTest = admit::testing::DatabaseFixture;

TEST_F(AuditLogTest, AppendsAndReadsNewestFirst) {
    AuditLog log(*db);
    log.append({"ann", "checkin.accepted", "c1", "{}"}, 1, 100);
    log.append({"", "checkin.denied", "t2", R"({"reason":"revoked"})"}, 2, 200);
    auto latest = log.latest(10);
    ASSERT_EQ(latest.size(), 2u);
    EXPECT_EQ(latest[0].entry.action, "checkin.denied");
    EXPECT_EQ(latest[1].entry.operatorName, "ann");
    EXPECT_TRUE(log.verify().ok());
}

TEST_F(AuditLogTest, DetectsAnEntryEditedBehindItsBack) {
    AuditLog log(*db);
    for (int i = 0; i < 5; ++i) log.append({"ann", "x", std::to_string(i), "{}"}, i, i);
    // Someone with the file drops the trigger and edits an entry.
    db->exec("DROP TRIGGER audit_no_update");
    db->exec("UPDATE audit_log SET subject = 'forged' WHERE seq = 3");
    auto verdict = log.verify();
    ASSERT_FALSE(verdict.ok());
    EXPECT_EQ(verdict.error().message, "audit log: entry 3 was altered (its hash does not match)");
}

TEST_F(AuditLogTest, DetectsARemovedEntry) {
    AuditLog log(*db);
    for (int i = 0; i < 5; ++i) log.append({"ann", "x", std::to_string(i), "{}"}, i, i);
    db->exec("DROP TRIGGER audit_no_delete");
    db->exec("DELETE FROM audit_log WHERE seq = 2");
    auto verdict = log.verify();
    ASSERT_FALSE(verdict.ok());
    EXPECT_EQ(verdict.error().message, "audit log: entry 2 is missing");
}

TEST_F(AuditLogTest, RefusesUpdatesThroughSql) {
    AuditLog log(*db);
    log.append({"ann", "x", "s", "{}"}, 1, 1);
    EXPECT_THROW(db->exec("UPDATE audit_log SET action = 'y'"), SQLite::Exception);
}

TEST_F(AuditLogTest, FindFiltersByEventOperatorSubjectAndTime) {
    AuditLog log(*db);
    log.append({"olga", "ticket.revoked", "t1", R"({"event_id":"e1","reason":"Refunded"})"}, 1,
               100);
    log.append({"vic", "checkin.denied", "t2", R"({"event_id":"e2"})"}, 2, 200);
    log.append({"olga", "attendees.imported", "e1", "{}"}, 3, 300);
    log.append({"olga", "operator.removed", "operator:bob", R"({"event_ids":["e1","e3"]})"}, 4,
               400);
    log.append({"vic", "pin.failed", "vic", "not json"}, 5, 500);
    auto actions = [](const std::vector<AuditRecord>& records) {
        std::vector<std::string> out;
        for (const auto& r : records) out.push_back(r.entry.action);
        return out;
    };
    AuditQuery e1;
    e1.eventId = "e1";
    EXPECT_EQ(
        actions(log.find(e1)),
        (std::vector<std::string>{"ticket.revoked", "attendees.imported", "operator.removed"}));
    AuditQuery olgaLate;
    olgaLate.operatorName = "olga";
    olgaLate.sinceMs = 300;
    EXPECT_EQ(actions(log.find(olgaLate)),
              (std::vector<std::string>{"attendees.imported", "operator.removed"}));
    AuditQuery subjects;
    subjects.subjects = {"t2", "vic"};
    subjects.untilMs = 500;
    EXPECT_EQ(actions(log.find(subjects)), std::vector<std::string>{"checkin.denied"});
    AuditQuery device;
    device.deviceId = "another-device";
    EXPECT_TRUE(log.find(device).empty());
    EXPECT_EQ(log.find({}).size(), 5U);
}

}  // namespace
}  // namespace admit::store

#include "admit/organiser/operator_admin.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "organiser_fixture.hpp"

namespace admit::organiser {
namespace {

class OperatorAdminTest : public OrganiserFixture {
  protected:
    void SetUp() override {
        OrganiserFixture::SetUp();
        store::Operators ops(*db);
        ASSERT_TRUE(ops.set("vic", store::Role::kVolunteer, "482916").ok());
        ASSERT_TRUE(ops.allowAtEvent("vic", eventId).ok());
        ASSERT_TRUE(ops.set("zed", store::Role::kOrganiser, "739151").ok());
    }
};

TEST_F(OperatorAdminTest, ListShowsLockOutsAndEvents) {
    OperatorAdmin admin(*db);
    for (int i = 0; i < store::Operators::kFreeAttempts; ++i) {
        (void)store::Operators(*db).authenticate("vic", "0000", 1000);
    }
    auto all = admin.list();
    ASSERT_EQ(all.size(), 2U);
    EXPECT_EQ(all[0].who.name, "vic");
    EXPECT_GT(all[0].lockedUntilMs, 1000);
    auto ofEvent = admin.list(eventId);
    ASSERT_EQ(ofEvent.size(), 1U) << "zed serves no event";
    ASSERT_TRUE(admin.resetLockout("vic", olga).ok());
    EXPECT_EQ(admin.list()[0].lockedUntilMs, 0);
    EXPECT_EQ(admin.list()[0].failedAttempts, 0);
    EXPECT_EQ(audit().back().entry.action, "operator.lockout_reset");
}

TEST_F(OperatorAdminTest, SetPinAndRemoveReachTheRosterAndTheAudit) {
    OperatorAdmin admin(*db);
    std::int64_t before = rosterVersion();
    ASSERT_TRUE(admin.setPin("vic", "123456", olga).ok());
    EXPECT_GT(rosterVersion(), before);
    EXPECT_TRUE(store::Operators(*db).authenticate("vic", "123456", 1).ok());
    auto last = audit().back();
    EXPECT_EQ(last.entry.action, "operator.pin_set");
    EXPECT_EQ(last.entry.detail.find("123456"), std::string::npos) << "never the PIN";
    before = rosterVersion();
    ASSERT_TRUE(admin.remove("vic", olga).ok());
    EXPECT_GT(rosterVersion(), before);
    EXPECT_EQ(admin.list().size(), 1U);
    EXPECT_NE(audit().back().entry.detail.find(eventId), std::string::npos);
}

TEST_F(OperatorAdminTest, UnknownOperatorsAndBadPinsChangeNothing) {
    OperatorAdmin admin(*db);
    const std::int64_t entries = count("SELECT count(*) FROM audit_log");
    auto unknown = admin.remove("nobody", olga);
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().kind, AdminError::Kind::kNotFound);
    EXPECT_EQ(unknown.error().message, "there is no operator 'nobody'");
    EXPECT_EQ(admin.setPin("nobody", "123456", olga).error().kind, AdminError::Kind::kNotFound);
    auto badPin = admin.setPin("vic", "12ab", olga);
    EXPECT_EQ(badPin.error().kind, AdminError::Kind::kInvalid);
    EXPECT_EQ(badPin.error().message.find("12ab"), std::string::npos);
    EXPECT_EQ(admin.resetLockout("nobody", olga).error().kind, AdminError::Kind::kNotFound);
    EXPECT_TRUE(store::Operators(*db).authenticate("vic", "482916", 1).ok());
    EXPECT_EQ(count("SELECT count(*) FROM audit_log"), entries);
}

TEST_F(OperatorAdminTest, AddingAnOperatorIsAnAuditEntryWithoutThePin) {
    OperatorAdmin admin(*db);
    std::int64_t before = rosterVersion();
    ASSERT_TRUE(admin.add("kim", store::Role::kVolunteer, "615243", eventId, olga).ok());
    EXPECT_GT(rosterVersion(), before) << "a new operator reaches the kiosks";
    EXPECT_TRUE(store::Operators(*db).authenticate("kim", "615243", 1).ok());
    ASSERT_EQ(admin.list(eventId).size(), 2U);
    auto added = audit().back();
    EXPECT_EQ(added.entry.action, "operator.added");
    EXPECT_EQ(added.entry.operatorName, "olga");
    EXPECT_EQ(added.entry.subject, "operator:kim");
    EXPECT_NE(added.entry.detail.find(eventId), std::string::npos);
    EXPECT_EQ(added.entry.detail.find("615243"), std::string::npos) << "never the PIN";

    // Saving an existing operator again (new role and PIN) is a change, not a second "added".
    ASSERT_TRUE(admin.add("kim", store::Role::kOrganiser, "615244", eventId, olga).ok());
    EXPECT_EQ(audit().back().entry.action, "operator.updated");
    auto ofEvent = admin.list(eventId);
    auto kim = std::find_if(ofEvent.begin(), ofEvent.end(),
                            [](const store::OperatorDetails& d) { return d.who.name == "kim"; });
    ASSERT_NE(kim, ofEvent.end());
    EXPECT_EQ(kim->who.role, store::Role::kOrganiser);
    EXPECT_EQ(ofEvent.size(), 2U);
}

TEST_F(OperatorAdminTest, AddingRefusesAnUnknownEventOrABadPinAndChangesNothing) {
    OperatorAdmin admin(*db);
    const std::int64_t entries = count("SELECT count(*) FROM audit_log");
    auto unknown = admin.add("kim", store::Role::kVolunteer, "615243", "no-such-event", olga);
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().kind, AdminError::Kind::kNotFound);
    EXPECT_EQ(unknown.error().message, "there is no event 'no-such-event'");
    auto badPin = admin.add("kim", store::Role::kVolunteer, "12", eventId, olga);
    ASSERT_FALSE(badPin.ok());
    EXPECT_EQ(badPin.error().kind, AdminError::Kind::kInvalid);
    EXPECT_EQ(count("SELECT count(*) FROM operators WHERE name = 'kim'"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log"), entries);
}

}  // namespace
}  // namespace admit::organiser

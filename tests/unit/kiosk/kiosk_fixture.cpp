#include "kiosk_fixture.hpp"

#include <chrono>

namespace admit::kiosk::testing {

void KioskTest::SetUp() {
    auto provisioned = provisionDemo(dir_.path(), nowMs_->load());
    ASSERT_TRUE(provisioned) << provisioned.error().message;
    demo_ = *provisioned;
}

void KioskTest::TearDown() {
    core_.reset();  // before the directory goes, with the fixture
}

KioskOptions KioskTest::options(bool selectSingleEvent) {
    KioskOptions o;
    o.database = {demo_.replica, demo_.keyFile};
    o.gate = std::string("B");  // not = "B": GCC 12 -O2 false -Wrestrict (PR 105329)
    o.selectSingleEvent = selectSingleEvent;
    auto now = nowMs_;
    o.clock = [now] { return now->load(); };
    return o;
}

KioskCore& KioskTest::start(KioskOptions o, std::unique_ptr<scan::FrameSource> source) {
    core_ = std::make_unique<KioskCore>(std::move(o));
    core_->start(std::move(source));
    return *core_;
}

std::vector<ShownVerdict> KioskTest::until(const std::function<bool(const KioskState&)>& done) {
    std::vector<ShownVerdict> seen;
    auto giveUp = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < giveUp) {
        core_->waitForWork(std::chrono::milliseconds(50));
        auto news = core_->drain();
        seen.insert(seen.end(), news.verdicts.begin(), news.verdicts.end());
        if (done(core_->state())) return seen;
    }
    ADD_FAILURE() << "the kiosk never reached the expected state; screen "
                  << screenName(core_->state().screen);
    return seen;
}

void KioskTest::untilOpen() {
    until([](const KioskState& s) {
        return s.screen == Screen::kScanning || s.screen == Screen::kFailed ||
               s.screen == Screen::kDashboard ||
               (s.screen == Screen::kSetup && s.setupStatus != "Opening the database...");
    });
}

ShownVerdict KioskTest::scanCode(const std::string& code) {
    std::uint64_t before = core_->state().verdictCount;
    core_->submitCode(code);
    auto seen = until([before](const KioskState& s) { return s.verdictCount > before; });
    if (seen.empty()) return {};
    return seen.back();
}

}  // namespace admit::kiosk::testing

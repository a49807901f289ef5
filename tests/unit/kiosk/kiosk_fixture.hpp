#pragma once
// A provisioned demo kiosk in a temporary folder, and a loop that drives the core like the UI
// does (wait, drain) until a condition holds.

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include "admit/demo/demo_event.hpp"
#include "admit/kiosk/kiosk_core.hpp"

namespace admit::kiosk::testing {

class KioskTest : public ::testing::Test {
  protected:
    void SetUp() override;
    void TearDown() override;

    KioskOptions options(bool selectSingleEvent = true);
    KioskCore& start(KioskOptions options, std::unique_ptr<scan::FrameSource> source = nullptr);
    // Drains until `done` holds; fails the test if it never does (a generous safety net, not a
    // timing assertion). Returns the verdicts seen meanwhile.
    std::vector<ShownVerdict> until(const std::function<bool(const KioskState&)>& done);
    // Until the database is open (the set-up or scanning screen shows).
    void untilOpen();
    // Submits a code and returns the verdict it produced.
    ShownVerdict scanCode(const std::string& code);

    admit::testing::TempDir dir_;
    DemoProvision demo_;
    std::unique_ptr<KioskCore> core_;
    std::shared_ptr<std::atomic<std::int64_t>> nowMs_ =
        std::make_shared<std::atomic<std::int64_t>>(1'790'000'000'000);
};

}  // namespace admit::kiosk::testing

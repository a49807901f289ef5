// The serial scanner's thread against a pseudo-terminal standing in for the USB device: the test
// writes to the master side what a scanner would send. The device path is a symbolic link to the
// terminal, like udev's /dev/serial/by-id/ names, so that "unplugging" (closing the terminal,
// which removes it) and "plugging in again" (a new terminal behind the same name) can be played.

#include "admit/scan/serial_scanner.hpp"

#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fake_serial_device.hpp"
#include "temp_dir.hpp"
#include "wait_for.hpp"

namespace admit::scan {
namespace {

namespace fs = std::filesystem;
using admit::testing::FakeSerialDevice;
using test::waitFor;

// What the scanner thread reported, collected under a lock.
struct Reports {
    std::mutex mutex;
    std::vector<std::string> codes;
    std::vector<ScannerState> states;
    std::vector<std::string> refused;

    SerialScannerOptions options(const fs::path& device) {
        SerialScannerOptions o;
        o.device = device.string();
        o.retryEvery = std::chrono::milliseconds(50);
        o.onCode = [this](std::string code) {
            std::lock_guard lock(mutex);
            codes.push_back(std::move(code));
        };
        o.onState = [this](ScannerState state) {
            std::lock_guard lock(mutex);
            states.push_back(std::move(state));
        };
        o.onRefused = [this](std::string why) {
            std::lock_guard lock(mutex);
            refused.push_back(std::move(why));
        };
        return o;
    }
    std::size_t codeCount() {
        std::lock_guard lock(mutex);
        return codes.size();
    }
    std::vector<std::string> codesNow() {
        std::lock_guard lock(mutex);
        return codes;
    }
    // The number of times it reported being connected so far.
    int connections() {
        std::lock_guard lock(mutex);
        int n = 0;
        for (const auto& s : states) n += s.connected ? 1 : 0;
        return n;
    }
    std::optional<ScannerState> last() {
        std::lock_guard lock(mutex);
        if (states.empty()) return std::nullopt;
        return states.back();
    }
};

TEST(SerialScanner, CodesArriveWithCrLfOrCrLfLineEnds) {
    testing::TempDir dir;
    FakeSerialDevice device(dir / "scanner");
    ASSERT_TRUE(device.ok());
    Reports reports;
    SerialScanner scanner(reports.options(dir / "scanner"));
    scanner.start();
    ASSERT_TRUE(waitFor([&] { return reports.connections() == 1; }));
    EXPECT_EQ(reports.last()->device, (dir / "scanner").string());

    ASSERT_TRUE(device.send("AT1:CR-ONLY\r"));
    ASSERT_TRUE(device.send("AT1:LF-ONLY\n"));
    ASSERT_TRUE(device.send("AT1:CR"));  // a line in two USB packets
    ASSERT_TRUE(device.send("LF\r\n"));
    ASSERT_TRUE(waitFor([&] { return reports.codeCount() == 3; }));
    EXPECT_EQ(reports.codesNow(),
              (std::vector<std::string>{"AT1:CR-ONLY", "AT1:LF-ONLY", "AT1:CRLF"}));
}

TEST(SerialScanner, AnOverLongLineIsRefusedAndReadingGoesOn) {
    testing::TempDir dir;
    FakeSerialDevice device(dir / "scanner");
    ASSERT_TRUE(device.ok());
    Reports reports;
    auto options = reports.options(dir / "scanner");
    options.maxLineLength = 64;
    SerialScanner scanner(options);
    scanner.start();
    ASSERT_TRUE(waitFor([&] { return reports.connections() == 1; }));

    ASSERT_TRUE(device.send(std::string(3000, 'Z') + "\r\n"));
    ASSERT_TRUE(device.send("AFTER\r\n"));
    ASSERT_TRUE(waitFor([&] { return reports.codeCount() == 1; }));
    EXPECT_EQ(reports.codesNow(), (std::vector<std::string>{"AFTER"}));
    std::lock_guard lock(reports.mutex);
    ASSERT_EQ(reports.refused.size(), 1U);
    EXPECT_NE(reports.refused[0].find("3000"), std::string::npos) << reports.refused[0];
    EXPECT_TRUE(reports.states.back().connected);
}

TEST(SerialScanner, UnpluggedThenPluggedInAgain) {
    testing::TempDir dir;
    Reports reports;
    SerialScanner scanner(reports.options(dir / "scanner"));
    {
        FakeSerialDevice device(dir / "scanner");
        ASSERT_TRUE(device.ok());
        scanner.start();
        ASSERT_TRUE(waitFor([&] { return reports.connections() == 1; }));
        ASSERT_TRUE(device.send("BEFORE\r"));
        ASSERT_TRUE(waitFor([&] { return reports.codeCount() == 1; }));
    }  // unplugged: the terminal and its name are gone
    ASSERT_TRUE(waitFor([&] {
        auto last = reports.last();
        return last && !last->connected;
    }));
    EXPECT_FALSE(reports.last()->detail.empty());

    FakeSerialDevice again(dir / "scanner");
    ASSERT_TRUE(again.ok());
    ASSERT_TRUE(waitFor([&] { return reports.connections() == 2; }));
    ASSERT_TRUE(again.send("AFTER\r"));
    ASSERT_TRUE(waitFor([&] { return reports.codeCount() == 2; }));
    EXPECT_EQ(reports.codesNow(), (std::vector<std::string>{"BEFORE", "AFTER"}));
}

TEST(SerialScanner, AMissingDeviceSaysWhyAndIsOpenedOnceItAppears) {
    testing::TempDir dir;
    Reports reports;
    SerialScanner scanner(reports.options(dir / "scanner"));
    scanner.start();
    ASSERT_TRUE(waitFor([&] { return reports.last().has_value(); }));
    EXPECT_FALSE(reports.last()->connected);
    EXPECT_EQ(reports.last()->detail, "No such file or directory");

    FakeSerialDevice device(dir / "scanner");
    ASSERT_TRUE(device.ok());
    ASSERT_TRUE(waitFor([&] { return reports.connections() == 1; }));
    ASSERT_TRUE(device.send("LATE\n"));
    ASSERT_TRUE(waitFor([&] { return reports.codeCount() == 1; }));
    // One report per change, not one per attempt while it was missing.
    std::lock_guard lock(reports.mutex);
    EXPECT_EQ(reports.states.size(), 2U);
}

TEST(SerialScanner, AFileThatIsNoTerminalIsRefused) {
    testing::TempDir dir;
    std::ofstream(dir / "not-a-tty") << "AT1:X\n";
    Reports reports;
    SerialScanner scanner(reports.options(dir / "not-a-tty"));
    scanner.start();
    ASSERT_TRUE(waitFor([&] { return reports.last().has_value(); }));
    scanner.stop();
    EXPECT_FALSE(reports.last()->connected);
    EXPECT_NE(reports.last()->detail.find("not a serial device"), std::string::npos);
    EXPECT_EQ(reports.codeCount(), 0U);
}

}  // namespace
}  // namespace admit::scan

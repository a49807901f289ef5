#pragma once
// A pseudo-terminal standing in for a USB serial scanner (CDC-ACM): the device path is a symbolic
// link to the terminal, like udev's /dev/serial/by-id/ names; send() is what the scanner sends;
// destroying it is unplugging the scanner (the terminal and the name go away).

#include <pty.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <string>

namespace admit::testing {

// A pseudo-terminal behind `link`; destroying it is unplugging the scanner.
class FakeSerialDevice {
  public:
    explicit FakeSerialDevice(const std::filesystem::path& link) : link_(link) {
        std::array<char, 128> name{};
        if (openpty(&master_, &slave_, name.data(), nullptr, nullptr) != 0) return;
        std::filesystem::remove(link_);
        std::filesystem::create_symlink(name.data(), link_);
    }
    ~FakeSerialDevice() {
        std::error_code ignored;
        std::filesystem::remove(link_, ignored);
        if (slave_ >= 0) close(slave_);
        if (master_ >= 0) close(master_);
    }
    FakeSerialDevice(const FakeSerialDevice&) = delete;
    FakeSerialDevice& operator=(const FakeSerialDevice&) = delete;
    bool ok() const { return master_ >= 0; }
    // What the scanner sends.
    bool send(const std::string& bytes) {
        return write(master_, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
    }

  private:
    std::filesystem::path link_;
    int master_ = -1;
    int slave_ = -1;
};

}  // namespace admit::testing

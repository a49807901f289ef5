#include "admit/scan/serial_scanner.hpp"
#include "admit/base/unique_fd.hpp"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

#include "admit/scan/line_reader.hpp"

namespace admit::scan {
namespace {

std::string errorText(int error) { return std::strerror(error); }

}  // namespace

SerialScanner::SerialScanner(SerialScannerOptions options) : options_(std::move(options)) {}

SerialScanner::~SerialScanner() { stop(); }

void SerialScanner::start() {
    thread_ = std::jthread([this](std::stop_token stop) { runOnScannerThread(stop); });
}

void SerialScanner::stop() {
    if (!thread_.joinable()) return;
    thread_.request_stop();
    wake_.notify_all();
    thread_.join();
}

void SerialScanner::reportOnScannerThread(bool connected, std::string detail) {
    ScannerState state{options_.device, connected, std::move(detail)};
    if (reported_ && reported_->connected == connected && reported_->detail == state.detail) return;
    reported_ = state;
    if (options_.onState) options_.onState(std::move(state));
}

void SerialScanner::runOnScannerThread(std::stop_token stop) {
    while (!stop.stop_requested()) {
        readDeviceOnScannerThread(stop);
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, stop, options_.retryEvery, [] { return false; });
    }
}

bool SerialScanner::readDeviceOnScannerThread(std::stop_token stop) {
    UniqueFd fd(::open(options_.device.c_str(), O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
    if (fd.get() < 0) {
        reportOnScannerThread(false, errorText(errno));
        return false;
    }
    termios tty{};
    if (::tcgetattr(fd.get(), &tty) != 0) {
        reportOnScannerThread(false, "not a serial device: " + errorText(errno));
        return false;
    }
    // Raw: bytes as the scanner sends them (CR stays CR), nothing echoed back to it. CDC-ACM
    // ignores the speed; a real RS-232 scanner is usually set to 9600 baud.
    ::cfmakeraw(&tty);
    tty.c_cflag |= CLOCAL | CREAD;
    tty.c_cc[VMIN] = 1;
    tty.c_cc[VTIME] = 0;
    ::cfsetispeed(&tty, B9600);
    ::cfsetospeed(&tty, B9600);
    if (::tcsetattr(fd.get(), TCSANOW, &tty) != 0) {
        reportOnScannerThread(false, "cannot set the serial line up: " + errorText(errno));
        return false;
    }
    ::tcflush(fd.get(), TCIFLUSH);  // half a line from before this run is no code
    reportOnScannerThread(true, "");

    LineReader lines(options_.maxLineLength);
    std::array<char, 512> chunk{};
    while (!stop.stop_requested()) {
        pollfd p{fd.get(), POLLIN, 0};
        int ready = ::poll(&p, 1, 100);
        if (ready < 0 && errno == EINTR) continue;
        if (ready == 0) continue;
        ssize_t n = ready > 0 ? ::read(fd.get(), chunk.data(), chunk.size()) : -1;
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        if (n <= 0) {
            // Unplugged: read fails with EIO (or the hang-up gives end of file).
            reportOnScannerThread(false, n == 0 ? "the device hung up" : errorText(errno));
            return true;
        }
        for (auto& line : lines.feed(std::string_view(chunk.data(), static_cast<std::size_t>(n)))) {
            if (line.tooLong) {
                if (options_.onRefused) {
                    options_.onRefused("a line of " + std::to_string(line.length) +
                                       " characters, longer than " +
                                       std::to_string(options_.maxLineLength));
                }
            } else if (options_.onCode) {
                options_.onCode(std::move(line.text));
            }
        }
    }
    return true;
}

}  // namespace admit::scan

#pragma once
// A handheld scanner on a serial line (USB CDC-ACM, /dev/ttyACM0): a thread of its own opens the
// device raw (termios: no echo, no line editing, no CR/LF translation), reads line-terminated
// codes and hands each to onCode. When the device goes away (unplugged) it says so through
// onState and opens it again once it is back. Functions running on that thread end in
// ...OnScannerThread.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "admit/scan/scanner_state.hpp"

namespace admit::scan {

struct SerialScannerOptions {
    std::string device;
    std::size_t maxLineLength = 4096;
    std::chrono::milliseconds retryEvery{1000};  // between attempts to open a missing device
    // Called on the scanner thread.
    std::function<void(std::string code)> onCode;
    std::function<void(ScannerState state)> onState;
    std::function<void(std::string why)> onRefused;  // a line refused (too long)
};

class SerialScanner {
  public:
    explicit SerialScanner(SerialScannerOptions options);
    ~SerialScanner();  // stop()
    SerialScanner(const SerialScanner&) = delete;
    SerialScanner& operator=(const SerialScanner&) = delete;

    void start();
    void stop();  // joins the thread; at most one poll interval (0.1 s)

  private:
    void runOnScannerThread(std::stop_token stop);
    // Reads lines until the device goes away or stop; false if it could not be opened.
    bool readDeviceOnScannerThread(std::stop_token stop);
    void reportOnScannerThread(bool connected, std::string detail);

    SerialScannerOptions options_;
    std::mutex mutex_;
    std::condition_variable_any wake_;      // cuts a retry wait short on stop
    std::optional<ScannerState> reported_;  // scanner thread only: report changes only
    std::jthread thread_;
};

}  // namespace admit::scan

#pragma once
// Whether the serial handheld scanner (--scanner DEVICE) can be read, for the screen.

#include <string>

namespace admit::scan {

struct ScannerState {
    std::string device;      // as given (/dev/ttyACM0, a /dev/serial/by-id/ name)
    bool connected = false;  // opened and set up; false: not there (yet), retrying by itself
    std::string detail;      // why not connected ("No such file or directory"), for a person
};

}  // namespace admit::scan

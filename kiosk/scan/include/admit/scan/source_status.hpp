#pragma once
// What the frame source is doing, for the UI ("camera unplugged") and the headless output.

#include <string>
#include <string_view>

namespace admit::scan {

enum class SourceStatus {
    Stopped,       // not started, or stopped
    Connecting,    // opening the device or file for the first time
    Streaming,     // frames are arriving
    Disconnected,  // lost (unplugged, path gone) or cannot be opened; retrying by itself
    Finished,      // a file or folder reached its end (no looping)
};

std::string_view toString(SourceStatus status);

struct SourceState {
    SourceStatus status = SourceStatus::Stopped;
    std::string detail;  // a sentence for a person: why disconnected, which device
};

}  // namespace admit::scan

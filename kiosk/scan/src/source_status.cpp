#include "admit/scan/source_status.hpp"

namespace admit::scan {

std::string_view toString(SourceStatus status) {
    switch (status) {
        case SourceStatus::Stopped:
            return "stopped";
        case SourceStatus::Connecting:
            return "connecting";
        case SourceStatus::Streaming:
            return "streaming";
        case SourceStatus::Disconnected:
            return "disconnected";
        case SourceStatus::Finished:
            return "finished";
    }
    return "unknown";
}

}  // namespace admit::scan

#include "admit/base/version.hpp"

// ADMIT_VERSION and ADMIT_COMMIT come from CMake, on this file only: a new commit recompiles
// nothing else.

namespace admit {

std::string_view version() { return ADMIT_VERSION; }

std::string_view commit() { return ADMIT_COMMIT; }

std::string versionLine(std::string_view program) {
    return std::string(program) + " " + std::string(version()) + " (commit " +
           std::string(commit()) + ")";
}

}  // namespace admit

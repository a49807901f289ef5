#pragma once
// This build's version and the commit it was made from (cmake/AdmitVersion.cmake), for the
// programs' --version.

#include <string>
#include <string_view>

namespace admit {

std::string_view version();  // "0.1.0"
std::string_view commit();   // "e38bb0b1c2d3", "e38bb0b1c2d3-modified" or "unknown"
// "admit-server 0.1.0 (commit e38bb0b1c2d3)"
std::string versionLine(std::string_view program);

}  // namespace admit

#pragma once
// Wall time, injectable so that tests and the demo can set the hour.

#include <cstdint>
#include <functional>

namespace admit::store {

// Milliseconds since the Unix epoch.
using WallClock = std::function<std::int64_t()>;

std::int64_t systemTimeMs();

}  // namespace admit::store

#include "admit/store/clock.hpp"

#include <chrono>

namespace admit::store {

std::int64_t systemTimeMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace admit::store

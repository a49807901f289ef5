#include "admit/base/sodium.hpp"

#include <sodium.h>

#include <stdexcept>

namespace admit {

void ensureSodium() {
    // sodium_init is itself idempotent and thread-safe; a static keeps the check cheap.
    static const bool ready = sodium_init() >= 0;
    if (!ready) throw std::runtime_error("libsodium could not be initialised");
}

}  // namespace admit

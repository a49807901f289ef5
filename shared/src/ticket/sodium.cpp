#include "sodium.hpp"

#include <sodium.h>

#include <stdexcept>

namespace admit::ticket::detail {

void ensureSodium() {
    static const bool ready = sodium_init() >= 0;
    if (!ready) throw std::runtime_error("libsodium could not be initialised");
}

}  // namespace admit::ticket::detail

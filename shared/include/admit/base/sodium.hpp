#pragma once
// libsodium must be initialised once per process before any of its functions is used.

namespace admit {

// Calls sodium_init() once (thread-safe; later calls only check the result). Throws
// std::runtime_error if libsodium cannot be initialised.
void ensureSodium();

}  // namespace admit

#pragma once
// Internal: libsodium must be initialised once before use.

namespace admit::ticket::detail {

// Calls sodium_init() once (thread-safe); throws std::runtime_error if it fails.
void ensureSodium();

}  // namespace admit::ticket::detail

#pragma once

namespace admit::replica::detail {

// Initialises libsodium once per process (thread-safe); throws if it cannot.
void ensureSodium();

}  // namespace admit::replica::detail

#pragma once
// Where a kiosk's sync server is: its URL and, for https://, the SHA-256 of the public key it
// must present (from the online set-up code; docs/sync.md, "TLS").

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace admit::sync {

struct ServerAddress {
    // Implicit from a URL alone: an unpinned server (plain http://, or https:// with a
    // certificate a system CA vouches for).
    ServerAddress(std::string serverUrl,
                  std::optional<std::array<std::uint8_t, 32>> serverKeySha256 = std::nullopt)
        : url(std::move(serverUrl)), keySha256(serverKeySha256) {}
    ServerAddress(const char* serverUrl) : ServerAddress(std::string(serverUrl)) {}

    std::string url;
    std::optional<std::array<std::uint8_t, 32>> keySha256;
};

}  // namespace admit::sync

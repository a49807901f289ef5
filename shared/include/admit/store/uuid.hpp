#pragma once
// UUIDv7 (RFC 9562): a 48-bit millisecond timestamp then random bits, so ids sort by time.

#include <cstdint>
#include <string>

namespace admit::store {

std::string newUuidV7(std::int64_t unixMs);
bool isUuid(const std::string& text);

}  // namespace admit::store

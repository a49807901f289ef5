#include "admit/ticket/event_id.hpp"

#include <sodium.h>

#include <chrono>

#include "admit/base/bytes.hpp"
#include "admit/base/sodium.hpp"

namespace admit::ticket {

namespace {
constexpr std::size_t kUuidTextLength = 36;
bool isDashPosition(std::size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }
}  // namespace

std::string eventIdToString(const EventId& id) {
    std::string hex = toHex(id);
    std::string out;
    out.reserve(kUuidTextLength);
    for (std::size_t i = 0; i < hex.size(); ++i) {
        if (i == 8 || i == 12 || i == 16 || i == 20) out.push_back('-');
        out.push_back(hex[i]);
    }
    return out;
}

Result<EventId> eventIdFromString(std::string_view text) {
    if (text.size() != kUuidTextLength) {
        return fail("event id: expected 36 characters (8-4-4-4-12 UUID), got " +
                    std::to_string(text.size()));
    }
    std::string hex;
    hex.reserve(32);
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (isDashPosition(i)) {
            if (c != '-') {
                return fail("event id: expected '-' at position " + std::to_string(i));
            }
            continue;
        }
        bool isHex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (!isHex) return fail("event id: expected a hex digit at position " + std::to_string(i));
        hex.push_back(c);
    }
    Bytes bytes;
    if (!fromHex(hex, bytes) || bytes.size() != 16)
        return fail(std::string("event id: not a UUID"));
    EventId id{};
    std::copy(bytes.begin(), bytes.end(), id.begin());
    return id;
}

EventId newEventId() {
    ensureSodium();
    EventId id{};
    randombytes_buf(id.data(), id.size());
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
    auto unixMs = static_cast<std::uint64_t>(ms);
    for (std::size_t i = 0; i < 6; ++i) {
        id[i] = static_cast<std::uint8_t>(unixMs >> (8 * (5 - i)));
    }
    id[6] = static_cast<std::uint8_t>(0x70 | (id[6] & 0x0f));  // version 7
    id[8] = static_cast<std::uint8_t>(0x80 | (id[8] & 0x3f));  // variant 10 (RFC 9562)
    return id;
}

}  // namespace admit::ticket

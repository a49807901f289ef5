// Event id and ticket id text parsers: never crash; what parses prints back as the input in
// lowercase.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "admit/ticket/event_id.hpp"
#include "admit/ticket/ticket_id.hpp"
#include "fuzz_check.hpp"

namespace {

std::string lowercase(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto event = admit::ticket::eventIdFromString(text); event.ok()) {
        ADMIT_FUZZ_CHECK(admit::ticket::eventIdToString(*event) == lowercase(text));
    } else {
        ADMIT_FUZZ_CHECK(!event.error().message.empty());
    }
    if (auto ticket = admit::ticket::ticketIdFromString(text); ticket.ok()) {
        ADMIT_FUZZ_CHECK(admit::ticket::ticketIdToString(*ticket) == lowercase(text));
    } else {
        ADMIT_FUZZ_CHECK(!ticket.error().message.empty());
    }
    return 0;
}

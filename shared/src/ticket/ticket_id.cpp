#include "admit/ticket/ticket_id.hpp"

#include <sodium.h>

#include <algorithm>

#include "admit/base/bytes.hpp"
#include "admit/base/sodium.hpp"

namespace admit::ticket {

std::string ticketIdToString(const TicketId& id) { return toHex(id); }

Result<TicketId> ticketIdFromString(std::string_view text) {
    if (text.size() != 24) {
        return fail("ticket id: expected 24 hex digits, got " + std::to_string(text.size()) +
                    " characters");
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        bool isHex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (!isHex) {
            return fail("ticket id: expected a hex digit at position " + std::to_string(i));
        }
    }
    Bytes bytes;
    if (!fromHex(text, bytes)) return fail(std::string("ticket id: not hex"));
    TicketId id{};
    std::copy(bytes.begin(), bytes.end(), id.begin());
    return id;
}

TicketId newTicketId() {
    ensureSodium();
    TicketId id{};
    randombytes_buf(id.data(), id.size());
    return id;
}

}  // namespace admit::ticket

#pragma once
// Which kind of code a scanned text is, told from the text alone (no configuration): an event
// set-up code, our signed ticket, a pretix_sig1 ticket, or an opaque barcode imported with the
// attendee list (looked up by its blind index).

#include <string_view>

namespace admit::ticket {

enum class CodeFormat {
    kEventSetup,   // "AE<n>:"
    kAdmitTicket,  // "AT<n>:"
    kPretixSig1,   // reversed base64 with pretix_sig1's framing
    kOpaque,       // anything else
};

// Our prefixes win: they are not base64 (':'), so no text is two formats at once.
CodeFormat recogniseCode(std::string_view text);

// Stable machine name: "event_setup", "admit", "pretix_sig1", "opaque".
std::string_view codeFormatName(CodeFormat format);

}  // namespace admit::ticket

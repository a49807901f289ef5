#include "admit/ticket/code_format.hpp"

#include "admit/ticket/event_setup.hpp"
#include "admit/ticket/pretix_ticket.hpp"
#include "admit/ticket/signed_ticket.hpp"

namespace admit::ticket {

CodeFormat recogniseCode(std::string_view text) {
    if (looksLikeEventSetup(text)) return CodeFormat::kEventSetup;
    if (looksLikeSignedTicket(text)) return CodeFormat::kAdmitTicket;
    if (looksLikePretixTicket(text)) return CodeFormat::kPretixSig1;
    return CodeFormat::kOpaque;
}

std::string_view codeFormatName(CodeFormat format) {
    switch (format) {
        case CodeFormat::kEventSetup:
            return "event_setup";
        case CodeFormat::kAdmitTicket:
            return "admit";
        case CodeFormat::kPretixSig1:
            return "pretix_sig1";
        case CodeFormat::kOpaque:
            return "opaque";
    }
    return "opaque";
}

}  // namespace admit::ticket

#include "verdict_messages.hpp"

#include <utility>

#include "admit/kiosk/strings.hpp"

namespace admit::kiosk {

ShownVerdict fromEngineVerdict(const rules::Verdict& verdict, std::int64_t nowMs, std::string via) {
    ShownVerdict shown;
    shown.direction = verdict.direction;
    shown.ticketRef = verdict.ticketRef;
    shown.name = verdict.attendee ? verdict.attendee->name : std::string();
    shown.ticketType = verdict.ticketTypeName;
    shown.note = verdict.attentionNote;
    shown.detail = verdict.detail;
    shown.atMs = nowMs;
    shown.via = std::move(via);
    if (verdict.format) shown.format = ticket::codeFormatName(*verdict.format);
    if (verdict.accepted) {
        shown.code = kAcceptedCode;
        shown.kind = verdict.needsAttention() ? VerdictKind::kAttention : VerdictKind::kAccepted;
        shown.headline = verdict.needsAttention()                       ? text::kSeeVolunteer
                         : verdict.direction == store::Direction::kExit ? text::kGoodbye
                                                                        : text::kWelcome;
        if (shown.name.empty()) shown.name = text::kNoName;
    } else {
        shown.code = verdict.denial ? std::string(rules::denialCode(*verdict.denial)) : "denied";
        shown.kind = VerdictKind::kDenied;
        shown.headline = text::kNotAdmitted;
        shown.reason = text::denialReason(verdict);
    }
    return shown;
}

ShownVerdict messageVerdict(VerdictKind kind, std::string code, std::string headline,
                            std::string reason, std::int64_t nowMs) {
    ShownVerdict shown;
    shown.kind = kind;
    shown.code = std::move(code);
    shown.headline = std::move(headline);
    shown.reason = std::move(reason);
    shown.atMs = nowMs;
    return shown;
}

ShownVerdict storageErrorVerdict(std::string detail, std::int64_t nowMs) {
    auto shown = messageVerdict(VerdictKind::kError, "storage_error", text::kTryAgain,
                                text::storageFailure(), nowMs);
    shown.detail = std::move(detail);
    return shown;
}

}  // namespace admit::kiosk

#include "admit/kiosk/setup_code.hpp"

#include <variant>

#include "admit/kiosk/strings.hpp"
#include "admit/organiser/event_admin.hpp"
#include "admit/ticket/event_setup.hpp"

namespace admit::kiosk {

Result<SetupCode> readSetupCode(std::string_view text) {
    auto decoded = ticket::decodeEventSetup(text);
    if (!decoded) return fail(text::notASetupCode());
    SetupCode code;
    if (const auto* online = std::get_if<ticket::OnlineEnrolment>(&*decoded)) {
        code.online = true;
        code.eventId = ticket::eventIdToString(online->eventId);
        code.serverUrl = online->serverUrl;
        code.enrolmentToken = online->enrolmentToken;
        return code;
    }
    const auto& setup = std::get<ticket::OfflineSetup>(*decoded);
    code.eventId = ticket::eventIdToString(setup.eventId);
    code.eventName = setup.eventName;
    return code;
}

Result<SetupApplied> applySetupCode(SQLite::Database& db, std::string_view text,
                                    std::int64_t nowMs) {
    auto code = readSetupCode(text);
    if (!code) return fail(code.error());
    if (code->online) return fail(text::notASetupCode());
    auto applied = organiser::applyOfflineSetup(db, std::string(text), nowMs);
    if (!applied) return fail(applied.error());
    return SetupApplied{code->eventId, code->eventName};
}

}  // namespace admit::kiosk

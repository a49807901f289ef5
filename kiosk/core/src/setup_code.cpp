#include "admit/kiosk/setup_code.hpp"

#include <variant>

#include "admit/kiosk/strings.hpp"
#include "admit/organiser/event_admin.hpp"
#include "admit/ticket/event_setup.hpp"

namespace admit::kiosk {

Result<SetupApplied> peekSetupCode(std::string_view text) {
    auto decoded = ticket::decodeEventSetup(text);
    if (!decoded) return fail(text::notASetupCode());
    const auto* setup = std::get_if<ticket::OfflineSetup>(&*decoded);
    if (!setup) return fail(text::onlineSetupUnsupported());
    return SetupApplied{ticket::eventIdToString(setup->eventId), setup->eventName};
}

Result<SetupApplied> applySetupCode(SQLite::Database& db, std::string_view text,
                                    std::int64_t nowMs) {
    auto peek = peekSetupCode(text);
    if (!peek) return fail(peek.error());
    auto applied = organiser::applyOfflineSetup(db, std::string(text), nowMs);
    if (!applied) return fail(applied.error());
    return *peek;
}

}  // namespace admit::kiosk

#include "admit/kiosk/setup_code.hpp"

#include <variant>

#include <SQLiteCpp/Transaction.h>

#include "admit/kiosk/strings.hpp"
#include "admit/kiosk/sync_status.hpp"
#include "admit/store/events.hpp"
#include "admit/store/pretix_settings.hpp"
#include "admit/ticket/blind_index.hpp"

namespace admit::kiosk {

bool SetupCode::online() const { return std::holds_alternative<ticket::OnlineEnrolment>(decoded); }

std::string SetupCode::eventId() const {
    return std::visit([](const auto& setup) { return ticket::eventIdToString(setup.eventId); },
                      decoded);
}

std::string SetupCode::displayName() const {
    if (const auto* code = std::get_if<ticket::OnlineEnrolment>(&decoded))
        return text::eventAtServer(serverDisplayName(code->serverUrl));
    return std::get<ticket::OfflineSetup>(decoded).eventName;
}

Result<SetupCode> readSetupCode(std::string_view text) {
    auto decoded = ticket::decodeEventSetup(text);
    if (!decoded) return fail(text::notASetupCode());
    return SetupCode{std::move(decoded).value()};
}

Result<SetupApplied> applyOfflineSetup(SQLite::Database& db, const ticket::OfflineSetup& setup,
                                       std::int64_t nowMs) {
    std::string eventId = ticket::eventIdToString(setup.eventId);
    try {
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        store::Events events(db);
        if (!events.find(eventId)) {
            // Opaque codes need the organiser's replica; a random key keeps the column valid.
            auto indexKey = ticket::BlindIndexKey::generate();
            auto bytes = indexKey.bytes();
            events.create({eventId, setup.eventName, store::ReentryPolicy::kSingle,
                           Bytes(bytes.begin(), bytes.end()), nowMs});
        }
        for (const auto& key : setup.keys) {
            if (!events.findKey(eventId, key.id)) {
                events.addKey(eventId,
                              {key.id, Bytes(key.bytes.begin(), key.bytes.end()), std::nullopt});
            }
        }
        store::PretixSettings pretix(db);
        for (const auto& key : setup.pretixKeys) {
            pretix.addKey(eventId, Bytes(key.bytes.begin(), key.bytes.end()));  // false: had it
        }
        // An item's type needs the type's row; the code carries no names, so a type the replica
        // lacks gets the name the verdict would show without one.
        for (const auto& mapping : setup.pretixItems) {
            if (!events.findTicketType(eventId, mapping.ticketType)) {
                events.addTicketType(
                    eventId, {mapping.ticketType, "Type " + std::to_string(mapping.ticketType)});
            }
            pretix.mapItem(eventId, mapping.item, mapping.ticketType);
        }
        transaction.commit();
        return SetupApplied{eventId, setup.eventName};
    } catch (const SQLite::Exception& e) {
        return fail(std::string("could not set the kiosk up: ") + e.what());
    }
}

}  // namespace admit::kiosk

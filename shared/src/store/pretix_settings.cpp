#include "admit/store/pretix_settings.hpp"

namespace admit::store {

bool PretixSettings::addKey(const std::string& eventId, const Bytes& publicKey) {
    auto insert = statements_.prepare(
        "INSERT INTO event_pretix_keys (event_id, public_key) VALUES (?, ?) "
        "ON CONFLICT (event_id, public_key) DO NOTHING");
    insert->bind(1, eventId);
    insert->bind(2, publicKey.data(), static_cast<int>(publicKey.size()));
    return insert->exec() > 0;
}

bool PretixSettings::removeKey(const std::string& eventId, const Bytes& publicKey) {
    auto remove =
        statements_.prepare("DELETE FROM event_pretix_keys WHERE event_id = ? AND public_key = ?");
    remove->bind(1, eventId);
    remove->bind(2, publicKey.data(), static_cast<int>(publicKey.size()));
    return remove->exec() > 0;
}

std::vector<Bytes> PretixSettings::keys(const std::string& eventId) {
    auto q = statements_.prepare(
        "SELECT public_key FROM event_pretix_keys WHERE event_id = ? ORDER BY rowid");
    q->bind(1, eventId);
    std::vector<Bytes> out;
    while (q->executeStep()) {
        auto column = q->getColumn(0);
        const auto* data = static_cast<const std::uint8_t*>(column.getBlob());
        out.emplace_back(data, data + column.getBytes());
    }
    return out;
}

void PretixSettings::mapItem(const std::string& eventId, std::int64_t item,
                             std::uint16_t ticketType) {
    auto upsert = statements_.prepare(
        "INSERT INTO pretix_item_types (event_id, item, ticket_type) VALUES (?, ?, ?) "
        "ON CONFLICT (event_id, item) DO UPDATE SET ticket_type = excluded.ticket_type");
    upsert->bind(1, eventId);
    upsert->bind(2, item);
    upsert->bind(3, ticketType);
    upsert->exec();
}

std::optional<std::uint16_t> PretixSettings::typeForItem(const std::string& eventId,
                                                         std::int64_t item) {
    auto q = statements_.prepare(
        "SELECT ticket_type FROM pretix_item_types WHERE event_id = ? AND item = ?");
    q->bind(1, eventId);
    q->bind(2, item);
    if (!q->executeStep()) return std::nullopt;
    return static_cast<std::uint16_t>(q->getColumn(0).getInt());
}

std::vector<PretixItemType> PretixSettings::itemTypes(const std::string& eventId) {
    auto q = statements_.prepare(
        "SELECT item, ticket_type FROM pretix_item_types WHERE event_id = ? ORDER BY item");
    q->bind(1, eventId);
    std::vector<PretixItemType> out;
    while (q->executeStep()) {
        out.push_back(
            {q->getColumn(0).getInt64(), static_cast<std::uint16_t>(q->getColumn(1).getInt())});
    }
    return out;
}

}  // namespace admit::store

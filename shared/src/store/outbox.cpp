#include "admit/store/outbox.hpp"

#include <SQLiteCpp/Statement.h>

namespace admit::store {
namespace {

constexpr const char* kSentThrough =
    "coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'outbox_sent_through'), 0)";

}  // namespace

void Outbox::enqueue(const std::string& kind, const std::string& recordId,
                     const std::string& payload, HlcTime hlc) {
    auto insert = statements_.prepare(
        "INSERT INTO outbox (kind, record_id, payload, hlc) VALUES (?, ?, ?, ?)");
    insert->bind(1, kind);
    insert->bind(2, recordId);
    insert->bind(3, payload);
    insert->bind(4, hlc);
    insert->exec();
}

std::vector<OutboxItem> Outbox::pending(int limit) {
    auto q =
        statements_.prepare(std::string("SELECT seq, kind, record_id, payload, hlc FROM outbox "
                                        "WHERE seq > ") +
                            kSentThrough + " ORDER BY seq LIMIT ?");
    q->bind(1, limit);
    std::vector<OutboxItem> out;
    while (q->executeStep()) {
        out.push_back({q->getColumn(0).getInt64(), q->getColumn(1).getString(),
                       q->getColumn(2).getString(), q->getColumn(3).getString(),
                       q->getColumn(4).getInt64()});
    }
    return out;
}

std::int64_t Outbox::pendingCount() {
    auto q =
        statements_.prepare(std::string("SELECT count(*) FROM outbox WHERE seq > ") + kSentThrough);
    q->executeStep();
    return q->getColumn(0).getInt64();
}

void Outbox::markSentThrough(std::int64_t lastSeq, std::int64_t sentAtMs) {
    auto upsert = statements_.prepare(
        std::string("INSERT INTO meta (key, value) VALUES ('outbox_sent_through', max(?1, ") +
        kSentThrough +
        ")), ('outbox_sent_at', ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    upsert->bind(1, lastSeq);
    upsert->bind(2, sentAtMs);
    upsert->exec();
}

std::int64_t Outbox::sentThrough() {
    auto q = statements_.prepare(std::string("SELECT ") + kSentThrough);
    q->executeStep();
    return q->getColumn(0).getInt64();
}

void Outbox::resendAfter(std::int64_t seq) {
    auto update = statements_.prepare(
        std::string(
            "INSERT INTO meta (key, value) VALUES ('outbox_sent_through', min(max(?1, 0), ") +
        kSentThrough + ")) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    update->bind(1, seq);
    update->exec();
}

std::optional<std::int64_t> Outbox::lastSentAtMs() {
    auto q =
        statements_.prepare("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'outbox_sent_at'");
    if (!q->executeStep()) return std::nullopt;
    return q->getColumn(0).getInt64();
}

}  // namespace admit::store

#include "admit/store/outbox.hpp"

#include <SQLiteCpp/Statement.h>

namespace admit::store {

void Outbox::enqueue(const std::string& kind, const std::string& recordId,
                     const std::string& payload, HlcTime hlc) {
    SQLite::Statement insert(
        db_, "INSERT INTO outbox (kind, record_id, payload, hlc) VALUES (?, ?, ?, ?)");
    insert.bind(1, kind);
    insert.bind(2, recordId);
    insert.bind(3, payload);
    insert.bind(4, hlc);
    insert.exec();
}

std::vector<OutboxItem> Outbox::pending(int limit) {
    SQLite::Statement q(db_,
                        "SELECT seq, kind, record_id, payload, hlc FROM outbox "
                        "WHERE sent_at IS NULL ORDER BY seq LIMIT ?");
    q.bind(1, limit);
    std::vector<OutboxItem> out;
    while (q.executeStep()) {
        out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                       q.getColumn(2).getString(), q.getColumn(3).getString(),
                       q.getColumn(4).getInt64()});
    }
    return out;
}

std::int64_t Outbox::pendingCount() {
    return db_.execAndGet("SELECT count(*) FROM outbox WHERE sent_at IS NULL").getInt64();
}

void Outbox::markSentThrough(std::int64_t lastSeq, std::int64_t sentAtMs) {
    SQLite::Statement update(db_,
                             "UPDATE outbox SET sent_at = ? WHERE sent_at IS NULL AND seq <= ?");
    update.bind(1, sentAtMs);
    update.bind(2, lastSeq);
    update.exec();
}

}  // namespace admit::store

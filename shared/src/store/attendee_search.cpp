#include "admit/store/attendee_search.hpp"

#include <algorithm>
#include <cstring>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "admit/codec/search_fold.hpp"
#include "effective_checkins.hpp"

namespace admit::store {

// Every attendee as "\n<folded name>\t<folded email>", one after the other in (name, id) order
// (the order results are shown in); foldForSearch drops control characters, so a query never
// spans a field.
struct AttendeeSearch::Index {
    std::optional<std::int64_t> rosterVersion;
    std::string text;
    std::vector<std::size_t> starts;  // where each attendee's "\n" is
    std::vector<std::int64_t> ids;
};

AttendeeSearch::AttendeeSearch(SQLite::Database& db, std::string eventId)
    : db_(db), eventId_(std::move(eventId)), index_(std::make_unique<Index>()) {}

AttendeeSearch::~AttendeeSearch() = default;

void AttendeeSearch::refreshIndex() {
    SQLite::Statement version(db_, "SELECT version FROM roster_versions WHERE event_id = ?");
    version.bind(1, eventId_);
    std::optional<std::int64_t> roster;
    if (version.executeStep()) roster = version.getColumn(0).getInt64();
    if (roster && roster == index_->rosterVersion) return;
    auto fresh = std::make_unique<Index>();
    fresh->rosterVersion = roster;
    SQLite::Statement q(
        db_, "SELECT id, name, email FROM attendees WHERE event_id = ? ORDER BY name, id");
    q.bind(1, eventId_);
    while (q.executeStep()) {
        fresh->starts.push_back(fresh->text.size());
        fresh->ids.push_back(q.getColumn(0).getInt64());
        fresh->text += '\n';
        fresh->text += codec::foldForSearch(q.getColumn(1).getString());
        fresh->text += '\t';
        fresh->text += codec::foldForSearch(q.getColumn(2).getString());
    }
    index_ = std::move(fresh);
}

AttendeePresence AttendeeSearch::presenceOf(std::int64_t attendeeId) {
    SQLite::Statement q(db_, std::string(detail::kEffective) + "SELECT " + checkInColumns() +
                                 " FROM effective WHERE ticket_ref IN (SELECT ref FROM tickets "
                                 "WHERE attendee_id = :attendee AND event_id = :event) ORDER BY "
                                 "hlc, id");
    q.bind(":event", eventId_);
    q.bind(":attendee", attendeeId);
    AttendeePresence p;
    std::optional<CheckIn> last;
    while (q.executeStep()) {
        CheckIn c = readCheckIn(q);
        (c.direction == Direction::kEntry ? p.lastEntry : p.lastExit) = c;
        last = std::move(c);
    }
    p.inside = last && last->direction == Direction::kEntry;
    return p;
}

std::vector<SearchHit> AttendeeSearch::find(const std::string& query, int limit) {
    std::string folded = codec::foldForSearch(query);
    if (folded.empty() || limit <= 0) return {};
    // One snapshot: the index, the attendees and their check-ins agree.
    SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::DEFERRED);
    refreshIndex();
    const Index& index = *index_;
    const auto wanted = static_cast<std::size_t>(limit);
    std::vector<std::int64_t> starting;  // the name starts with the query
    std::vector<std::int64_t> containing;
    const char* begin = index.text.data();
    const char* end = begin + index.text.size();
    for (const char* at = begin; at < end && starting.size() < wanted;) {
        const void* hit =
            memmem(at, static_cast<std::size_t>(end - at), folded.data(), folded.size());
        if (hit == nullptr) break;
        auto offset = static_cast<std::size_t>(static_cast<const char*>(hit) - begin);
        auto k = static_cast<std::size_t>(
            std::upper_bound(index.starts.begin(), index.starts.end(), offset) -
            index.starts.begin() - 1);
        if (offset == index.starts[k] + 1) {
            starting.push_back(index.ids[k]);
        } else if (containing.size() < wanted) {
            containing.push_back(index.ids[k]);
        }
        // Each attendee once: on to the next one.
        at = k + 1 < index.starts.size() ? begin + index.starts[k + 1] : end;
    }
    std::vector<SearchHit> out;
    Attendees attendees(db_);
    for (const auto* ids : {&starting, &containing}) {
        for (std::int64_t id : *ids) {
            if (out.size() >= wanted) break;
            auto attendee = attendees.find(id);
            if (!attendee) continue;
            out.push_back({std::move(*attendee), presenceOf(id)});
        }
    }
    transaction.commit();
    return out;
}

}  // namespace admit::store

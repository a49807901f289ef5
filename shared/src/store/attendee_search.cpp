#include "admit/store/attendee_search.hpp"

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "admit/codec/search_fold.hpp"
#include "effective_checkins.hpp"

namespace admit::store {
namespace {

// Matches kept for the next keystroke: past this many, a query is too broad to be worth
// narrowing (one pass over the whole index costs about the same).
constexpr std::size_t kNarrowable = 4096;

}  // namespace

// Every attendee as "\n<folded name>\t<folded email>", one after the other in (name, id) order
// (the order results are shown in); foldForSearch drops control characters, so a query never
// spans a field.
struct AttendeeSearch::Index {
    std::optional<std::int64_t> rosterVersion;
    std::string text;
    std::vector<std::size_t> starts;  // where each attendee's "\n" is
    std::vector<std::int64_t> ids;
};

// The previous query and every attendee it matched (as positions in the index), when there
// were at most kNarrowable: a query that extends it matches a subset of them.
struct AttendeeSearch::Narrowing {
    std::string folded;
    std::vector<std::size_t> matched;
};

AttendeeSearch::AttendeeSearch(SQLite::Database& db, std::string eventId)
    : db_(db), eventId_(std::move(eventId)), index_(std::make_unique<Index>()) {}

AttendeeSearch::~AttendeeSearch() = default;

void AttendeeSearch::refreshIndex() {
    std::optional<std::int64_t> roster;
    {
        auto version =
            statements_.prepare("SELECT version FROM roster_versions WHERE event_id = ?");
        version->bind(1, eventId_);
        if (version->executeStep()) roster = version->getColumn(0).getInt64();
    }
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
    last_.reset();
}

void AttendeeSearch::prepare() {
    SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::DEFERRED);
    refreshIndex();
    transaction.commit();
}

std::vector<SearchHit> AttendeeSearch::load(const std::vector<std::int64_t>& ids) {
    std::vector<SearchHit> out;
    if (ids.empty()) return out;
    std::unordered_map<std::int64_t, std::size_t> at;
    for (Attendee& attendee : attendees_.findAll(ids)) {
        at.emplace(attendee.id, out.size());
        out.push_back({std::move(attendee), {}});
    }
    // Every effective check-in on the page's tickets, per attendee in (hlc, id) order. CROSS
    // JOIN fixes the loop order (ids, then tickets_by_attendee, then checkins_by_ticket): left
    // to itself the planner walks every check-in of the event (hundreds of ms at 100,000).
    auto q = statements_.prepare(std::string(detail::kEffective) + "SELECT " + checkInColumns("c") +
                                 ", t.attendee_id FROM json_each(:ids) j CROSS JOIN tickets t "
                                 "CROSS JOIN effective c WHERE t.attendee_id = j.value AND "
                                 "t.event_id = :event AND c.ticket_ref = t.ref ORDER BY "
                                 "t.attendee_id, c.hlc, c.id");
    q->bind(":event", eventId_);
    q->bind(":ids", jsonIdList(ids));
    while (q->executeStep()) {
        auto hit = at.find(q->getColumn(10).getInt64());
        if (hit == at.end()) continue;
        AttendeePresence& p = out[hit->second].presence;
        CheckIn c = readCheckIn(*q);
        p.inside = c.direction == Direction::kEntry;
        (p.inside ? p.lastEntry : p.lastExit) = std::move(c);
    }
    // In the order asked for (the rows came in id order).
    std::vector<SearchHit> ordered;
    ordered.reserve(out.size());
    for (std::int64_t id : ids) {
        auto hit = at.find(id);
        if (hit != at.end()) ordered.push_back(std::move(out[hit->second]));
    }
    return ordered;
}

std::vector<SearchHit> AttendeeSearch::find(const std::string& query, int limit) {
    std::string folded = codec::foldForSearch(query);
    if (folded.empty() || limit <= 0) return {};
    // One snapshot: the index, the attendees and their check-ins agree.
    SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::DEFERRED);
    refreshIndex();
    const Index& index = *index_;
    const auto wanted = static_cast<std::size_t>(limit);
    const char* begin = index.text.data();
    auto endOf = [&](std::size_t k) {
        return k + 1 < index.starts.size() ? index.starts[k + 1] : index.text.size();
    };

    std::vector<std::int64_t> starting;  // the name starts with the query
    std::vector<std::int64_t> containing;
    auto fresh = std::make_unique<Narrowing>();
    fresh->folded = folded;
    bool keep = true;  // every match so far is in fresh->matched
    auto take = [&](std::size_t k, std::size_t offset) {
        if (offset == index.starts[k] + 1) {
            starting.push_back(index.ids[k]);
        } else if (containing.size() < wanted) {
            containing.push_back(index.ids[k]);
        }
        if (keep && fresh->matched.size() < kNarrowable) {
            fresh->matched.push_back(k);
        } else {
            keep = false;
        }
    };
    // Done when the page is full of names that start with the query, unless the matches are
    // still being kept for the next keystroke.
    auto done = [&] { return starting.size() >= wanted && !keep; };

    if (last_ && folded.size() > last_->folded.size() &&
        folded.compare(0, last_->folded.size(), last_->folded) == 0) {
        // The next keystroke: only the previous matches can match.
        for (std::size_t k : last_->matched) {
            if (done()) break;
            const char* from = begin + index.starts[k];
            const void* hit =
                memmem(from, endOf(k) - index.starts[k], folded.data(), folded.size());
            if (hit != nullptr) {
                take(k, static_cast<std::size_t>(static_cast<const char*>(hit) - begin));
            }
        }
    } else {
        const char* end = begin + index.text.size();
        for (const char* at = begin; at < end && !done();) {
            const void* hit =
                memmem(at, static_cast<std::size_t>(end - at), folded.data(), folded.size());
            if (hit == nullptr) break;
            auto offset = static_cast<std::size_t>(static_cast<const char*>(hit) - begin);
            auto k = static_cast<std::size_t>(
                std::upper_bound(index.starts.begin(), index.starts.end(), offset) -
                index.starts.begin() - 1);
            take(k, offset);
            // Each attendee once: on to the next one.
            at = begin + endOf(k);
        }
    }
    if (keep) {
        last_ = std::move(fresh);
    } else {
        last_.reset();
    }

    std::vector<std::int64_t> page;
    for (const auto* ids : {&starting, &containing}) {
        for (std::int64_t id : *ids) {
            if (page.size() < wanted) page.push_back(id);
        }
    }
    std::vector<SearchHit> out = load(page);
    transaction.commit();
    return out;
}

}  // namespace admit::store

#pragma once
// Search by name or e-mail for the volunteer's search screen: any part of either, case and
// accents folded (codec::foldForSearch), names that start with the query first, then by name.
// The index is the event's attendees folded once into memory (a few MB at 100,000), read again
// when the roster version moves; a keystroke is one pass of memmem over it, with no schema of
// its own to migrate or keep in step with the roster sync (docs/performance.md, "Search").
// A query that extends the previous one (the next keystroke) looks only at the previous
// query's matches when there were few enough to keep.
//
// Each hit carries what a volunteer must see before confirming: the attendee's status and
// attention note, and whether they are already in (when, where) or have left. The shown page's
// attendees and their check-ins are read with two prepared statements, whatever the page size.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "admit/store/attendees.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/statement_cache.hpp"

namespace admit::store {

struct AttendeePresence {
    std::optional<CheckIn> lastEntry;  // the latest effective entry, on any of their tickets
    std::optional<CheckIn> lastExit;   // the latest effective exit
    bool inside = false;               // their latest effective record is an entry

    friend bool operator==(const AttendeePresence&, const AttendeePresence&) = default;
};

struct SearchHit {
    Attendee attendee;
    AttendeePresence presence;
};

class AttendeeSearch {
  public:
    AttendeeSearch(SQLite::Database& db, std::string eventId);
    ~AttendeeSearch();
    AttendeeSearch(const AttendeeSearch&) = delete;
    AttendeeSearch& operator=(const AttendeeSearch&) = delete;

    // At most `limit` hits; none for a query that folds to nothing.
    std::vector<SearchHit> find(const std::string& query, int limit);
    // Builds the index now if the roster moved (the first find would): a caller that can wait
    // (the search screen opening) spares the first keystroke the wait.
    void prepare();

    const std::string& eventId() const { return eventId_; }

  private:
    struct Index;
    struct Narrowing;
    void refreshIndex();
    std::vector<SearchHit> load(const std::vector<std::int64_t>& ids);

    SQLite::Database& db_;
    std::string eventId_;
    std::unique_ptr<Index> index_;
    std::unique_ptr<Narrowing> last_;
    StatementCache statements_{db_};
    Attendees attendees_{db_};
};

}  // namespace admit::store

#include "admit/sync/protocol/roster.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <nlohmann/json.hpp>

#include "admit/base/bytes.hpp"
#include "admit/sync/protocol/bounded_json.hpp"
#include "admit/sync/protocol/messages.hpp"

namespace admit::sync {
namespace {

using nlohmann::json;

struct RosterTable {
    const char* name;
    // The columns sent, in this order: the protocol's list, not the schema's, so a column added
    // to the schema travels only once it is listed here (and kProtocolVersion says so).
    const char* columns;
    const char* key;  // the primary key's columns, in key order
    // The event's rows (?1 = event id), after "SELECT <values>".
    const char* from;
    // The select list, where a column is withheld (its value replaced); else `columns`.
    const char* values = nullptr;
    // `from` on a kiosk's replica, to compare with what arrived, if it differs: a replica holds
    // one event, and every operator it holds is that event's.
    const char* replicaFrom = nullptr;
};

// Secret seeds and lock-out counters never leave the server's database.
constexpr std::array<RosterTable, 11> kRosterTables{{
    {"events",
     "id, name, reentry_policy, blind_index_key, created_at, valid_from, valid_until, time_zone",
     "id", "FROM events WHERE id = ?1"},
    {"event_keys", "event_id, key_id, public_key, secret_seed", "event_id, key_id",
     "FROM event_keys WHERE event_id = ?1 ORDER BY key_id",
     "event_id, key_id, public_key, NULL AS secret_seed"},
    {"ticket_types", "event_id, code, name", "event_id, code",
     "FROM ticket_types WHERE event_id = ?1 ORDER BY code"},
    {"ticket_type_gates", "event_id, ticket_type, gate", "event_id, ticket_type, gate",
     "FROM ticket_type_gates WHERE event_id = ?1"},
    {"event_pretix_keys", "event_id, public_key", "event_id, public_key",
     "FROM event_pretix_keys WHERE event_id = ?1 ORDER BY rowid"},
    {"pretix_item_types", "event_id, item, ticket_type", "event_id, item",
     "FROM pretix_item_types WHERE event_id = ?1 ORDER BY item"},
    {"attendees", "id, event_id, import_key, name, email, ticket_type, status, attention_note",
     "id", "FROM attendees WHERE event_id = ?1 ORDER BY id"},
    {"tickets", "event_id, ref, kind, attendee_id", "event_id, ref",
     "FROM tickets WHERE event_id = ?1"},
    {"revoked_codes", "event_id, ticket_ref, reason, at", "event_id, ticket_ref",
     "FROM revoked_codes WHERE event_id = ?1"},
    {"blocked_codes", "event_id, ticket_ref, reason, at", "event_id, ticket_ref",
     "FROM blocked_codes WHERE event_id = ?1"},
    {"operators", "name, role, pin_hash, failed_attempts, locked_until", "name",
     "FROM operators WHERE name IN (SELECT operator FROM operator_events WHERE event_id = ?1) "
     "ORDER BY name",
     "name, role, pin_hash, 0 AS failed_attempts, 0 AS locked_until",
     "FROM operators WHERE ?1 IS NOT NULL ORDER BY name"},
}};

std::vector<std::string> columnList(std::string_view list) {
    std::vector<std::string> out;
    while (!list.empty()) {
        std::size_t comma = list.find(',');
        std::string_view column = list.substr(0, comma);
        while (!column.empty() && column.front() == ' ') column.remove_prefix(1);
        out.emplace_back(column);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
    return out;
}

std::string selectSql(const RosterTable& table, bool onReplica) {
    return std::string("SELECT ") + (table.values ? table.values : table.columns) + " " +
           (onReplica && table.replicaFrom ? table.replicaFrom : table.from);
}

std::optional<std::string> fromHex(const std::string& text) {
    if (text.size() % 2 != 0) return std::nullopt;
    auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(text.size() / 2);
    for (std::size_t i = 0; i < text.size(); i += 2) {
        int high = digit(text[i]);
        int low = digit(text[i + 1]);
        if (high < 0 || low < 0) return std::nullopt;
        out.push_back(static_cast<char>(high * 16 + low));
    }
    return out;
}

json columnValue(const SQLite::Column& column) {
    if (column.isInteger()) return column.getInt64();
    if (column.isFloat()) return column.getDouble();
    if (column.isText()) return column.getString();
    if (column.isBlob()) {
        const auto* bytes = static_cast<const std::uint8_t*>(column.getBlob());
        return json{{"hex", toHex(ByteView(bytes, static_cast<std::size_t>(column.getBytes())))}};
    }
    return nullptr;
}

// Binds one JSON value, or says why it cannot be a column value.
// A BLOB as the roster carries it, in rows and in removed keys: {"hex": "..."}.
bool isHexBlob(const json& value) {
    return value.is_object() && value.size() == 1 && value.contains("hex") &&
           value["hex"].is_string();
}

Status<> bindValue(SQLite::Statement& insert, int index, const json& value) {
    if (value.is_null()) {
        insert.bind(index);
    } else if (value.is_number_integer()) {
        insert.bind(index, value.get<std::int64_t>());
    } else if (value.is_number_float()) {
        insert.bind(index, value.get<double>());
    } else if (value.is_string()) {
        insert.bind(index, value.get<std::string>());
    } else if (isHexBlob(value)) {
        auto bytes = fromHex(value["hex"].get<std::string>());
        if (!bytes) return fail("hex is not hexadecimal");
        insert.bind(index, bytes->data(), static_cast<int>(bytes->size()));
    } else {
        return fail("is not a number, text, null or {\"hex\": ...}");
    }
    return Ok{};
}

void storeVersion(SQLite::Database& db, std::int64_t version) {
    SQLite::Statement upsert(db,
                             "INSERT INTO meta (key, value) VALUES ('sync.roster_version', ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    upsert.bind(1, std::to_string(version));
    upsert.exec();
}

struct TableChanges {
    std::vector<std::string> columns;
    std::vector<std::size_t> keyColumns;                       // primary key, in key order
    std::vector<std::pair<std::size_t, const json*>> upserts;  // (1-based row number, row)
    std::vector<json> removals;                                // primary keys of rows to delete
};

// The rows of `incoming` that are new or differ from the replica's (compared as the server
// would send them, so local lock-out counters do not count), and the keys that are gone.
TableChanges diffTable(SQLite::Database& replica, const RosterTable& table,
                       const std::string& eventId, const json& incoming) {
    TableChanges changes;
    changes.columns = columnList(table.columns);
    for (const std::string& key : columnList(table.key)) {
        auto at = std::find(changes.columns.begin(), changes.columns.end(), key);
        changes.keyColumns.push_back(static_cast<std::size_t>(at - changes.columns.begin()));
    }
    auto keyOf = [&](const json& row) {
        json key = json::array();
        for (std::size_t column : changes.keyColumns) key.push_back(row[column]);
        return key.dump();
    };

    std::unordered_map<std::string, std::string> current;  // key -> whole row
    SQLite::Statement q(replica, selectSql(table, true));
    q.bind(1, eventId);
    while (q.executeStep()) {
        json row = json::array();
        for (int i = 0; i < q.getColumnCount(); ++i) row.push_back(columnValue(q.getColumn(i)));
        current.emplace(keyOf(row), row.dump());
    }
    for (std::size_t r = 0; r < incoming.size(); ++r) {
        const json& row = incoming[r];
        auto found = current.find(keyOf(row));
        if (found == current.end() || found->second != row.dump()) {
            changes.upserts.emplace_back(r + 1, &row);
        }
        if (found != current.end()) current.erase(found);
    }
    for (const auto& [key, row] : current) changes.removals.push_back(json::parse(key));
    return changes;
}

std::string upsertSql(const std::string& table, const TableChanges& changes) {
    std::string sql = "INSERT INTO " + table + " (";
    std::string values;
    std::string conflict;
    for (std::size_t c = 0; c < changes.columns.size(); ++c) {
        sql += (c ? ", " : "") + changes.columns[c];
        values += c ? ", ?" : "?";
    }
    for (std::size_t k = 0; k < changes.keyColumns.size(); ++k) {
        conflict += (k ? ", " : "") + changes.columns[changes.keyColumns[k]];
    }
    std::string updates;
    for (std::size_t c = 0; c < changes.columns.size(); ++c) {
        const std::string& column = changes.columns[c];
        bool isKey = std::find(changes.keyColumns.begin(), changes.keyColumns.end(), c) !=
                     changes.keyColumns.end();
        bool isLocal =
            table == "operators" && (column == "failed_attempts" || column == "locked_until");
        if (isKey || isLocal) continue;
        updates += (updates.empty() ? "" : ", ") + column + " = excluded." + column;
    }
    sql += ") VALUES (" + values + ") ON CONFLICT (" + conflict + ") DO ";
    sql += updates.empty() ? "NOTHING" : "UPDATE SET " + updates;
    return sql;
}

// The table named `name` in the protocol's list, or nullopt.
std::optional<std::size_t> tableIndex(std::string_view name) {
    for (std::size_t t = 0; t < kRosterTables.size(); ++t) {
        if (name == kRosterTables[t].name) return t;
    }
    return std::nullopt;
}

TableChanges tableShape(const RosterTable& table) {
    TableChanges shape;
    shape.columns = columnList(table.columns);
    for (const std::string& key : columnList(table.key)) {
        auto at = std::find(shape.columns.begin(), shape.columns.end(), key);
        shape.keyColumns.push_back(static_cast<std::size_t>(at - shape.columns.begin()));
    }
    return shape;
}

// The column holding the event id (the id itself for events), or columns.size() if none.
std::size_t eventColumnOf(const RosterTable& table, const std::vector<std::string>& columns) {
    std::size_t eventColumn = std::string_view(table.name) == "events" ? 0 : columns.size();
    for (std::size_t c = 0; c < columns.size(); ++c) {
        if (columns[c] == "event_id") eventColumn = c;
    }
    return eventColumn;
}

// Refuses a row that does not have the table's columns or is not the kiosk's event's.
Status<> checkRow(const RosterTable& table, const std::vector<std::string>& columns,
                  const json& row, const std::string& eventId, const std::string& where) {
    if (!row.is_array() || row.size() != columns.size()) {
        return fail(where + " does not have " + std::to_string(columns.size()) + " values");
    }
    const std::size_t eventColumn = eventColumnOf(table, columns);
    if (eventColumn < columns.size() &&
        (!row[eventColumn].is_string() || row[eventColumn].get<std::string>() != eventId)) {
        return fail(where + " column " + columns[eventColumn] + " is not this kiosk's event");
    }
    return Ok{};
}

// One row of the event by primary key (?2...): the event's rows and the key.
std::string oneRowSql(const RosterTable& table) {
    std::string from = table.from;
    if (auto order = from.find(" ORDER BY"); order != std::string::npos) from.resize(order);
    std::string sql =
        std::string("SELECT ") + (table.values ? table.values : table.columns) + " " + from;
    const auto keys = columnList(table.key);
    for (std::size_t k = 0; k < keys.size(); ++k) {
        sql += " AND " + keys[k] + " = ?" + std::to_string(k + 2);
    }
    return sql;
}

json rowOf(SQLite::Statement& q) {
    json row = json::array();
    for (int i = 0; i < q.getColumnCount(); ++i) row.push_back(columnValue(q.getColumn(i)));
    return row;
}

// One page of the rows changed since `have`, after the log's seq `after` (0: from the first):
// each changed key's row as it is now, or its key under "removed" if the event no longer has it.
void changesPage(SQLite::Database& db, const std::string& eventId, std::int64_t have,
                 std::int64_t after, std::int64_t pageKeys, json& out) {
    if (after <= 0) {
        SQLite::Statement first(
            db, "SELECT min(seq) FROM roster_changes WHERE event_id = ?1 AND version >= ?2");
        first.bind(1, eventId);
        first.bind(2, have);
        first.executeStep();
        after = first.getColumn(0).isNull() ? std::numeric_limits<std::int64_t>::max()
                                            : first.getColumn(0).getInt64() - 1;
    }
    SQLite::Statement q(db,
                        "SELECT seq, tbl, key FROM roster_changes WHERE event_id = ?1 AND seq > ?2 "
                        "AND version >= ?3 ORDER BY seq LIMIT ?4");
    q.bind(1, eventId);
    q.bind(2, after);
    q.bind(3, have);
    q.bind(4, pageKeys + 1);
    json tables = json::object();
    json removed = json::object();
    std::vector<std::unique_ptr<SQLite::Statement>> oneRow(kRosterTables.size());
    std::int64_t keys = 0;
    bool more = false;
    while (q.executeStep()) {
        if (keys == pageKeys) {
            more = true;
            break;
        }
        ++keys;
        after = q.getColumn(0).getInt64();
        auto t = tableIndex(q.getColumn(1).getString());
        json key = json::parse(q.getColumn(2).getString(), nullptr, false);
        if (!t || !key.is_array()) continue;  // written by the triggers: never the case
        const RosterTable& table = kRosterTables[*t];
        auto& select = oneRow[*t];
        if (!select) select = std::make_unique<SQLite::Statement>(db, oneRowSql(table));
        select->bind(1, eventId);
        for (std::size_t k = 0; k < key.size(); ++k) {
            (void)bindValue(*select, static_cast<int>(k + 2), key[k]);
        }
        if (select->executeStep()) {
            json& entry = tables[table.name];
            if (entry.is_null())
                entry = {{"columns", columnList(table.columns)}, {"rows", json::array()}};
            entry["rows"].push_back(rowOf(*select));
        } else {
            removed[table.name].push_back(std::move(key));
        }
        select->reset();
        select->clearBindings();
    }
    out["tables"] = std::move(tables);
    out["removed"] = std::move(removed);
    out["more"] = more;
    out["next"] = after;
}

std::optional<std::int64_t> heldVersion(SQLite::Database& replica) {
    SQLite::Statement q(replica, "SELECT value FROM meta WHERE key = 'sync.roster_version'");
    if (!q.executeStep()) return std::nullopt;
    const std::string text = q.getColumn(0).getString();
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// A replica whose roster is a copy of the server's keeps no change log (schema 7's triggers),
// except a venue relay's (meta 'relay.upstream'): it answers its own kiosks with changes.
void markRosterCopy(SQLite::Database& replica) {
    replica.exec(
        "INSERT INTO meta (key, value) SELECT 'roster.copy', '1' WHERE NOT EXISTS (SELECT 1 "
        "FROM meta WHERE key = 'relay.upstream') ON CONFLICT (key) DO NOTHING");
}

// Shape first: every table, exactly the protocol's columns, every row the event's.
Status<> checkFullTables(const json& tables, const std::string& eventId, std::int64_t& attendees) {
    for (const RosterTable& table : kRosterTables) {
        std::string name = table.name;
        auto t = tables.find(name);
        if (t == tables.end() || !t->is_object()) return fail("the roster has no table " + name);
        auto columns = t->find("columns");
        auto rows = t->find("rows");
        if (columns == t->end() || !columns->is_array() || rows == t->end() || !rows->is_array()) {
            return fail("roster table " + name + " needs columns and rows arrays");
        }
        std::vector<std::string> expected = columnList(table.columns);
        if (*columns != json(expected)) {
            return fail("roster table " + name + " has columns " + columns->dump() +
                        ", this kiosk's protocol has " + json(expected).dump());
        }
        for (std::size_t r = 0; r < rows->size(); ++r) {
            auto checked = checkRow(table, expected, (*rows)[r], eventId,
                                    "roster table " + name + " row " + std::to_string(r + 1));
            if (!checked) return checked;
        }
        if (name == "events" && rows->size() != 1) {
            return fail("roster table events must hold exactly this kiosk's event");
        }
        if (name == "attendees") attendees = static_cast<std::int64_t>(rows->size());
    }
    return Ok{};
}

Result<RosterApplied, RosterError> applyFull(SQLite::Database& replica, const std::string& eventId,
                                             const json& tables, RosterApplied applied) {
    // The diff is computed before taking the write lock, so a kiosk scanning while its roster
    // changes waits only for the rows that changed, not for a rewrite of the whole roster.
    // Roster tables are written only by this function (and set-up), so the rows read here are
    // still the rows when the transaction starts.
    std::vector<TableChanges> changes;
    try {
        for (const RosterTable& table : kRosterTables) {
            changes.push_back(diffTable(replica, table, eventId, tables[table.name]["rows"]));
        }
    } catch (const SQLite::Exception& e) {
        return fail(RosterError{RosterError::Kind::kLocal,
                                std::string("could not read the replica's roster: ") + e.what()});
    }
    try {
        SQLite::Transaction transaction(replica, SQLite::TransactionBehavior::IMMEDIATE);
        markRosterCopy(replica);
        // Removed rows first, children before parents (a new row may take a removed one's
        // unique name: an attendee deleted and imported again), then new and changed rows,
        // parents first; foreign keys are checked at the commit, on the final state. Operators
        // keep their local lock-out counters.
        replica.exec("PRAGMA defer_foreign_keys = ON");
        for (std::size_t t = kRosterTables.size(); t-- > 0;) {
            const TableChanges& table = changes[t];
            if (table.removals.empty()) continue;
            std::string sql = std::string("DELETE FROM ") + kRosterTables[t].name + " WHERE ";
            for (std::size_t k = 0; k < table.keyColumns.size(); ++k) {
                sql += (k ? " AND " : "") + table.columns[table.keyColumns[k]] + " = ?";
            }
            SQLite::Statement remove(replica, sql);
            for (const json& key : table.removals) {
                for (std::size_t k = 0; k < key.size(); ++k) {
                    (void)bindValue(remove, static_cast<int>(k + 1), key[k]);
                }
                remove.exec();
                remove.reset();
                ++applied.rowsWritten;
            }
        }
        for (std::size_t t = 0; t < kRosterTables.size(); ++t) {
            const TableChanges& table = changes[t];
            if (table.upserts.empty()) continue;
            SQLite::Statement upsert(replica, upsertSql(kRosterTables[t].name, table));
            for (const auto& [rowNumber, row] : table.upserts) {
                std::string where = std::string("roster table ") + kRosterTables[t].name + " row " +
                                    std::to_string(rowNumber);
                for (std::size_t c = 0; c < row->size(); ++c) {
                    auto bound = bindValue(upsert, static_cast<int>(c + 1), (*row)[c]);
                    if (!bound) {
                        return fail(where + " column " + table.columns[c] + " " +
                                    bound.error().message);
                    }
                }
                try {
                    upsert.exec();
                } catch (const SQLite::Exception& e) {
                    return fail(where + " is refused: " + e.getErrorStr() + " (" + e.what() + ")");
                }
                upsert.reset();
                upsert.clearBindings();
                ++applied.rowsWritten;
            }
        }
        storeVersion(replica, applied.version);
        transaction.commit();
    } catch (const SQLite::Exception& e) {
        return fail(std::string("could not store the roster: ") + e.what());
    }
    applied.changed = true;
    return applied;
}

}  // namespace

std::int64_t rosterVersion(SQLite::Database& db, const std::string& eventId) {
    SQLite::Statement q(db, "SELECT version FROM roster_versions WHERE event_id = ?");
    q.bind(1, eventId);
    return q.executeStep() ? q.getColumn(0).getInt64() : 0;
}

RosterAnswer rosterAnswerFor(SQLite::Database& db, const std::string& eventId, std::int64_t have) {
    SQLite::Statement q(db, "SELECT version, delta_floor FROM roster_versions WHERE event_id = ?");
    q.bind(1, eventId);
    std::int64_t version = 0;
    std::int64_t floor = 0;
    if (q.executeStep()) {
        version = q.getColumn(0).getInt64();
        floor = q.getColumn(1).getInt64();
    }
    if (have == version) return RosterAnswer::kUnchanged;
    // A kiosk ahead of the server (a server restored from a backup) gets the whole roster.
    if (have > 0 && have < version && have >= floor) return RosterAnswer::kChanges;
    return RosterAnswer::kFull;
}

void pruneRosterChanges(SQLite::Database& db, const std::string& eventId, std::int64_t window) {
    const std::int64_t below = rosterVersion(db, eventId) - window;
    if (below <= 0) return;
    SQLite::Statement due(
        db, "SELECT 1 FROM roster_changes WHERE event_id = ?1 AND version < ?2 LIMIT 1");
    due.bind(1, eventId);
    due.bind(2, below);
    if (!due.executeStep()) return;
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement prune(db, "DELETE FROM roster_changes WHERE event_id = ?1 AND version < ?2");
    prune.bind(1, eventId);
    prune.bind(2, below);
    prune.exec();
    // A change logged at v may be the one that made v+1 (triggers are not ordered), so a kiosk
    // at `below` still finds everything after its version.
    SQLite::Statement floor(
        db, "UPDATE roster_versions SET delta_floor = max(delta_floor, ?2) WHERE event_id = ?1");
    floor.bind(1, eventId);
    floor.bind(2, below);
    floor.exec();
    transaction.commit();
}

Result<std::string> rosterJson(SQLite::Database& db, const std::string& eventId, std::int64_t have,
                               std::int64_t after, std::int64_t pageKeys) {
    try {
        // One read transaction, so the version matches the rows.
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::DEFERRED);
        SQLite::Statement exists(db, "SELECT 1 FROM events WHERE id = ?");
        exists.bind(1, eventId);
        if (!exists.executeStep()) return fail("unknown event " + eventId);
        std::int64_t version = rosterVersion(db, eventId);
        json out{{"protocol", kProtocolVersion}, {"version", version}};
        const RosterAnswer answer = rosterAnswerFor(db, eventId, have);
        if (answer == RosterAnswer::kUnchanged) {
            out["unchanged"] = true;
            return out.dump();
        }
        out["unchanged"] = false;
        if (answer == RosterAnswer::kChanges) {
            out["full"] = false;
            out["since"] = have;
            changesPage(db, eventId, have, after, std::max<std::int64_t>(pageKeys, 1), out);
            transaction.commit();
            return out.dump();
        }
        out["full"] = true;
        json tables = json::object();
        for (const RosterTable& table : kRosterTables) {
            SQLite::Statement q(db, selectSql(table, false));
            q.bind(1, eventId);
            json columns = columnList(table.columns);
            json rows = json::array();
            while (q.executeStep()) rows.push_back(rowOf(q));
            tables[table.name] = {{"columns", std::move(columns)}, {"rows", std::move(rows)}};
        }
        out["tables"] = std::move(tables);
        transaction.commit();
        return out.dump();
    } catch (const SQLite::Exception& e) {
        return fail(std::string("could not read the roster: ") + e.what());
    }
}

struct RosterDownload::Pages {
    enum class State { kWaiting, kUnchanged, kFull, kChanges };
    // One changed key: its row (nullptr: removed) and where it came from, for error sentences.
    struct Change {
        const json* row = nullptr;
        json key;
        std::size_t page = 0;
        std::size_t entry = 0;
    };

    std::string eventId;
    std::int64_t have = 0;
    State state = State::kWaiting;
    bool complete = false;
    std::int64_t version = 0;
    std::int64_t cursor = 0;
    std::int64_t attendees = 0;
    std::vector<std::unique_ptr<json>> answers;  // what the pointers below point into
    const json* fullTables = nullptr;
    // Per roster table, by key: a key changed again on a later page takes its later state.
    std::array<std::map<std::string, Change>, kRosterTables.size()> changes;

    Result<std::optional<std::int64_t>, RosterError> addChanges(const json& j);
    Result<RosterApplied, RosterError> applyChanges(SQLite::Database& replica);
};

RosterDownload::RosterDownload(std::string eventId, std::int64_t have)
    : pages_(std::make_unique<Pages>()) {
    pages_->eventId = std::move(eventId);
    pages_->have = have;
}

RosterDownload::~RosterDownload() = default;

Result<std::optional<std::int64_t>, RosterError> RosterDownload::add(std::string_view body) {
    Pages& p = *pages_;
    if (p.complete) return fail("the roster came whole already");
    // A roster is tables of rows of values (a BLOB is {"hex": ...}): 6 levels at most. Its size
    // is bounded by what the client accepts, so only the nesting is limited here.
    auto read = parseBoundedJson(body, jsonLimits(8), "the roster");
    if (!read || !read->is_object()) return fail("the roster is not a JSON object");
    p.answers.push_back(std::make_unique<json>(std::move(read).value()));
    const json& j = *p.answers.back();
    auto protocol = j.find("protocol");
    if (protocol == j.end() || !protocol->is_number_integer()) {
        return fail("the roster has no protocol version");
    }
    if (const std::int64_t theirs = protocol->get<std::int64_t>(); theirs != kProtocolVersion) {
        return fail(RosterError{RosterError::Kind::kProtocol,
                                "the server speaks sync protocol " + std::to_string(theirs) +
                                    ", this kiosk " + std::to_string(kProtocolVersion) +
                                    ": update Admit on the " +
                                    (theirs < kProtocolVersion ? "server" : "kiosk")});
    }
    auto version = j.find("version");
    if (version == j.end() || !version->is_number_integer() || version->get<std::int64_t>() < 0) {
        return fail("the roster has no valid version");
    }
    auto unchanged = j.find("unchanged");
    if (unchanged == j.end() || !unchanged->is_boolean()) {
        return fail("the roster has no field unchanged");
    }
    const bool continuing = p.state == Pages::State::kChanges;
    if (unchanged->get<bool>()) {
        if (continuing) return fail("the roster was unchanged in the middle of its pages");
        p.state = Pages::State::kUnchanged;
        p.version = version->get<std::int64_t>();
        p.complete = true;
        return std::optional<std::int64_t>{};
    }
    auto full = j.find("full");
    if (full == j.end() || !full->is_boolean()) return fail("the roster has no field full");
    if (full->get<bool>()) {
        // Also in the middle of pages: the server no longer keeps the changes asked for.
        auto tables = j.find("tables");
        if (tables == j.end() || !tables->is_object()) return fail("the roster has no tables");
        std::int64_t attendees = 0;
        if (auto checked = checkFullTables(*tables, p.eventId, attendees); !checked) {
            return fail(checked.error());
        }
        for (auto& table : p.changes) table.clear();
        p.state = Pages::State::kFull;
        p.fullTables = &*tables;
        p.attendees = attendees;
        p.version = version->get<std::int64_t>();
        p.complete = true;
        return std::optional<std::int64_t>{};
    }
    return p.addChanges(j);
}

Result<std::optional<std::int64_t>, RosterError> RosterDownload::Pages::addChanges(const json& j) {
    const std::int64_t pageVersion = j["version"].get<std::int64_t>();
    auto since = j.find("since");
    if (since == j.end() || !since->is_number_integer() || since->get<std::int64_t>() != have) {
        return fail("the roster's changes are not since version " + std::to_string(have) +
                    ", the version this kiosk holds");
    }
    if (pageVersion <= have || pageVersion < version) {
        return fail("the roster's changes lead to version " + std::to_string(pageVersion) +
                    ", not past " + std::to_string(std::max(have, version)));
    }
    auto tables = j.find("tables");
    auto removed = j.find("removed");
    auto more = j.find("more");
    auto next = j.find("next");
    if (tables == j.end() || !tables->is_object() || removed == j.end() || !removed->is_object()) {
        return fail("the roster's changes need tables and removed objects");
    }
    if (more == j.end() || !more->is_boolean() || next == j.end() || !next->is_number_integer()) {
        return fail("the roster's changes need fields more and next");
    }
    if (more->get<bool>() && next->get<std::int64_t>() <= cursor) {
        return fail("the roster's next page does not move past " + std::to_string(cursor));
    }
    const std::size_t page = answers.size();
    const std::string onPage = answers.size() > 1 ? " (page " + std::to_string(page) + ")" : "";
    for (const auto& [name, t] : tables->items()) {
        auto index = tableIndex(name);
        if (!index) return fail("the roster has an unknown table " + json(name).dump() + onPage);
        const RosterTable& table = kRosterTables[*index];
        const TableChanges shape = tableShape(table);
        auto columns = t.is_object() ? t.find("columns") : t.end();
        auto rows = t.is_object() ? t.find("rows") : t.end();
        if (!t.is_object() || columns == t.end() || rows == t.end() || !rows->is_array()) {
            return fail("roster table " + name + onPage + " needs columns and rows arrays");
        }
        if (*columns != json(shape.columns)) {
            return fail("roster table " + name + onPage + " has columns " + columns->dump() +
                        ", this kiosk's protocol has " + json(shape.columns).dump());
        }
        for (std::size_t r = 0; r < rows->size(); ++r) {
            const json& row = (*rows)[r];
            auto checked =
                checkRow(table, shape.columns, row, eventId,
                         "roster table " + name + onPage + " row " + std::to_string(r + 1));
            if (!checked) return fail(checked.error());
            json key = json::array();
            for (std::size_t column : shape.keyColumns) key.push_back(row[column]);
            changes[*index][key.dump()] = Change{&row, key, page, r + 1};
            if (name == "attendees") ++attendees;
        }
    }
    for (const auto& [name, keys] : removed->items()) {
        auto index = tableIndex(name);
        if (!index) return fail("the roster removes from an unknown table " + json(name).dump());
        const RosterTable& table = kRosterTables[*index];
        const TableChanges shape = tableShape(table);
        if (!keys.is_array())
            return fail("roster table " + name + onPage + " removed is not an array");
        const std::size_t eventColumn = eventColumnOf(table, shape.columns);
        for (std::size_t r = 0; r < keys.size(); ++r) {
            const json& key = keys[r];
            const std::string where =
                "roster table " + name + onPage + " removed key " + std::to_string(r + 1);
            if (!key.is_array() || key.size() != shape.keyColumns.size()) {
                return fail(where + " does not have " + std::to_string(shape.keyColumns.size()) +
                            " values");
            }
            for (std::size_t k = 0; k < key.size(); ++k) {
                const json& value = key[k];
                // A BLOB key (a pretix public key) travels as in rows.
                if (!value.is_string() && !value.is_number_integer() && !isHexBlob(value)) {
                    return fail(where + " column " + shape.columns[shape.keyColumns[k]] +
                                " is not a number, text or {\"hex\": ...}");
                }
                if (shape.keyColumns[k] == eventColumn &&
                    (!value.is_string() || value.get_ref<const std::string&>() != eventId)) {
                    return fail(where + " column " + shape.columns[eventColumn] +
                                " is not this kiosk's event");
                }
            }
            changes[*index][key.dump()] = Change{nullptr, key, page, r + 1};
        }
    }
    state = State::kChanges;
    version = pageVersion;
    cursor = next->get<std::int64_t>();
    if (more->get<bool>()) return std::optional<std::int64_t>{cursor};
    complete = true;
    return std::optional<std::int64_t>{};
}

Result<RosterApplied, RosterError> RosterDownload::apply(SQLite::Database& replica) {
    Pages& p = *pages_;
    if (!p.complete) return fail("the roster's pages did not all arrive");
    RosterApplied applied;
    applied.version = p.version;
    applied.attendees = p.attendees;
    switch (p.state) {
        case Pages::State::kUnchanged:
            return applied;
        case Pages::State::kFull:
            return applyFull(replica, p.eventId, *p.fullTables, applied);
        case Pages::State::kChanges:
            return p.applyChanges(replica);
        case Pages::State::kWaiting:
            break;
    }
    return fail("no roster arrived");
}

Result<RosterApplied, RosterError> RosterDownload::Pages::applyChanges(SQLite::Database& replica) {
    RosterApplied applied;
    applied.version = version;
    applied.attendees = attendees;
    applied.delta = true;
    try {
        SQLite::Transaction transaction(replica, SQLite::TransactionBehavior::IMMEDIATE);
        // Changes apply only to the version they were made for.
        const std::int64_t held = heldVersion(replica).value_or(0);
        if (held != have) {
            return fail("the roster's changes are since version " + std::to_string(have) +
                        ", the replica holds " + std::to_string(held));
        }
        markRosterCopy(replica);
        // Removals first (a new row may take a removed one's unique name), then new and changed
        // rows, parents first; foreign keys are checked at the commit, on the final state.
        replica.exec("PRAGMA defer_foreign_keys = ON");
        for (std::size_t t = kRosterTables.size(); t-- > 0;) {
            const TableChanges shape = tableShape(kRosterTables[t]);
            std::string sql = std::string("DELETE FROM ") + kRosterTables[t].name + " WHERE ";
            for (std::size_t k = 0; k < shape.keyColumns.size(); ++k) {
                sql += (k ? " AND " : "") + shape.columns[shape.keyColumns[k]] + " = ?";
            }
            std::optional<SQLite::Statement> remove;
            for (const auto& [text, change] : changes[t]) {
                if (change.row) continue;
                if (!remove) remove.emplace(replica, sql);
                for (std::size_t k = 0; k < change.key.size(); ++k) {
                    (void)bindValue(*remove, static_cast<int>(k + 1), change.key[k]);
                }
                applied.rowsWritten += remove->exec();
                remove->reset();
            }
        }
        for (std::size_t t = 0; t < kRosterTables.size(); ++t) {
            const TableChanges shape = tableShape(kRosterTables[t]);
            std::optional<SQLite::Statement> upsert;
            for (const auto& [text, change] : changes[t]) {
                if (!change.row) continue;
                if (!upsert) upsert.emplace(replica, upsertSql(kRosterTables[t].name, shape));
                std::string where =
                    std::string("roster table ") + kRosterTables[t].name +
                    (answers.size() > 1 ? " (page " + std::to_string(change.page) + ")" : "") +
                    " row " + std::to_string(change.entry);
                for (std::size_t c = 0; c < change.row->size(); ++c) {
                    auto bound = bindValue(*upsert, static_cast<int>(c + 1), (*change.row)[c]);
                    if (!bound) {
                        return fail(where + " column " + shape.columns[c] + " " +
                                    bound.error().message);
                    }
                }
                try {
                    upsert->exec();
                } catch (const SQLite::Exception& e) {
                    return fail(where + " is refused: " + e.getErrorStr() + " (" + e.what() + ")");
                }
                upsert->reset();
                upsert->clearBindings();
                ++applied.rowsWritten;
            }
        }
        storeVersion(replica, version);
        try {
            transaction.commit();
        } catch (const SQLite::Exception& e) {
            return fail("the roster's changes are refused: " + std::string(e.getErrorStr()) + " (" +
                        e.what() + ")");
        }
    } catch (const SQLite::Exception& e) {
        return fail(RosterError{RosterError::Kind::kLocal,
                                std::string("could not store the roster: ") + e.what()});
    }
    applied.changed = true;
    return applied;
}

Result<RosterApplied, RosterError> applyRosterJson(SQLite::Database& replica,
                                                   const std::string& eventId,
                                                   std::string_view body) {
    std::int64_t have = 0;
    try {
        have = heldVersion(replica).value_or(0);
    } catch (const SQLite::Exception& e) {
        return fail(RosterError{RosterError::Kind::kLocal,
                                std::string("could not read the replica's roster: ") + e.what()});
    }
    RosterDownload download(eventId, have);
    auto next = download.add(body);
    if (!next) return fail(next.error());
    if (*next) return fail("the roster answer is one page of several");
    return download.apply(replica);
}

}  // namespace admit::sync

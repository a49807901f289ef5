#include "admit/sync/protocol/roster.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <istream>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <streambuf>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <sqlite3.h>

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
constexpr std::array<RosterTable, 12> kRosterTables{{
    {"events",
     "id, name, reentry_policy, blind_index_key, created_at, valid_from, valid_until, time_zone, "
     "day_starts_at",
     "id", "FROM events WHERE id = ?1"},
    {"event_keys", "event_id, key_id, public_key, secret_seed", "event_id, key_id",
     "FROM event_keys WHERE event_id = ?1 ORDER BY key_id",
     "event_id, key_id, public_key, NULL AS secret_seed"},
    {"ticket_types", "event_id, code, name", "event_id, code",
     "FROM ticket_types WHERE event_id = ?1 ORDER BY code"},
    {"ticket_type_gates", "event_id, ticket_type, gate", "event_id, ticket_type, gate",
     "FROM ticket_type_gates WHERE event_id = ?1"},
    {"ticket_type_days", "event_id, ticket_type, day", "event_id, ticket_type, day",
     "FROM ticket_type_days WHERE event_id = ?1 ORDER BY ticket_type, day"},
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
std::string oneRowSql(const RosterTable& table, bool onReplica = false) {
    std::string from = onReplica && table.replicaFrom ? table.replicaFrom : table.from;
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
// With `streamedRows` (a whole roster written as it arrived), the rows are not in `tables` (their
// arrays are empty) and these are their counts, in kRosterTables order.
Status<> checkFullTables(
    const json& tables, const std::string& eventId, std::int64_t& attendees,
    const std::array<std::int64_t, kRosterTables.size()>* streamedRows = nullptr) {
    std::size_t index = 0;
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
        const std::int64_t count =
            streamedRows ? (*streamedRows)[index] : static_cast<std::int64_t>(rows->size());
        ++index;
        if (name == "events" && count != 1) {
            return fail("roster table events must hold exactly this kiosk's event");
        }
        if (name == "attendees") attendees = count;
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

// A whole roster written into a replica row by row as it arrives (RosterDownload::receive), in
// one transaction: each row is checked as add() checks it; in a table the replica already
// holds, a row equal to the replica's is not written, and the keys seen are kept so that the
// rows the roster no longer has are removed at the end. A row refused for a unique column (an
// attendee imported again under a new id takes the old one's import key) is tried again after
// the removals. Nothing is committed before commit().
class StreamedRows {
  public:
    StreamedRows(SQLite::Database& replica, std::string eventId)
        : replica_(replica), eventId_(std::move(eventId)) {}

    std::array<std::int64_t, kRosterTables.size()> counts{};

    Status<RosterError> add(const std::string& name, const json& tableObject, const json& row) {
        auto index = tableIndex(name);
        if (!index) return fail("the roster has an unknown table " + json(name).dump());
        const RosterTable& table = kRosterTables[*index];
        Table& state = tables_[*index];
        const std::int64_t number = ++counts[*index];
        const std::string where = "roster table " + name + " row " + std::to_string(number);
        if (!state.shape) {
            auto columns = tableObject.find("columns");
            if (columns == tableObject.end()) {
                return fail("roster table " + name + " has rows before its columns");
            }
            TableChanges shape = tableShape(table);
            if (*columns != json(shape.columns)) {
                return fail("roster table " + name + " has columns " + columns->dump() +
                            ", this kiosk's protocol has " + json(shape.columns).dump());
            }
            state.shape = std::move(shape);
        }
        const TableChanges& shape = *state.shape;
        if (auto checked = checkRow(table, shape.columns, row, eventId_, where); !checked) {
            return fail(checked.error());
        }
        try {
            if (auto begun = begin(); !begun) return begun;
            if (!state.prepared) prepare(*index, state);
            if (state.held) {
                std::string key = keyText(shape, row);
                state.current->bind(1, eventId_);
                for (std::size_t k = 0; k < shape.keyColumns.size(); ++k) {
                    (void)bindValue(*state.current, static_cast<int>(k + 2),
                                    row[shape.keyColumns[k]]);
                }
                const bool same = state.current->executeStep() && rowOf(*state.current) == row;
                state.current->reset();
                state.current->clearBindings();
                state.seen.insert(std::move(key));
                if (same) return Ok{};
            }
            return write(*index, state, row, where, true);
        } catch (const SQLite::Exception& e) {
            return fail(RosterError{RosterError::Kind::kLocal,
                                    std::string("could not store the roster: ") + e.what()});
        }
    }

    // The whole answer is in: its tables' shapes and counts, then the removals and the rows
    // held back.
    Status<RosterError> finish(const json& tables, std::int64_t& attendees) {
        if (auto checked = checkFullTables(tables, eventId_, attendees, &counts); !checked) {
            return fail(checked.error());
        }
        try {
            if (auto begun = begin(); !begun) return begun;
            // Children first.
            for (std::size_t t = kRosterTables.size(); t-- > 0;) {
                Table& state = tables_[t];
                if (!state.prepared) prepare(t, state);
                if (!state.held) continue;
                const TableChanges& shape = *state.shape;
                std::vector<json> gone;
                SQLite::Statement q(replica_, selectSql(kRosterTables[t], true));
                q.bind(1, eventId_);
                while (q.executeStep()) {
                    json row = rowOf(q);
                    if (!state.seen.count(keyText(shape, row))) gone.push_back(std::move(row));
                }
                if (gone.empty()) continue;
                std::string sql = std::string("DELETE FROM ") + kRosterTables[t].name + " WHERE ";
                for (std::size_t k = 0; k < shape.keyColumns.size(); ++k) {
                    sql += (k ? " AND " : "") + shape.columns[shape.keyColumns[k]] + " = ?";
                }
                SQLite::Statement remove(replica_, sql);
                for (const json& row : gone) {
                    for (std::size_t k = 0; k < shape.keyColumns.size(); ++k) {
                        (void)bindValue(remove, static_cast<int>(k + 1), row[shape.keyColumns[k]]);
                    }
                    rowsWritten_ += remove.exec();
                    remove.reset();
                }
            }
            for (auto& [t, row, where] : heldBack_) {
                if (auto written = write(t, tables_[t], row, where, false); !written) {
                    return written;
                }
            }
            heldBack_.clear();
        } catch (const SQLite::Exception& e) {
            return fail(RosterError{RosterError::Kind::kLocal,
                                    std::string("could not store the roster: ") + e.what()});
        }
        return Ok{};
    }

    Result<RosterApplied, RosterError> commit(SQLite::Database& replica, RosterApplied applied) {
        if (&replica != &replica_ || !transaction_) {
            return fail("the roster was written into another replica");
        }
        try {
            storeVersion(replica_, applied.version);
            transaction_->commit();
        } catch (const SQLite::Exception& e) {
            return fail(std::string("could not store the roster: ") + e.what());
        }
        transaction_.reset();
        applied.rowsWritten = rowsWritten_;
        applied.changed = true;
        return applied;
    }

  private:
    struct Table {
        std::optional<TableChanges> shape;
        bool prepared = false;
        bool held = false;  // the replica held rows of this table when the roster began
        std::optional<SQLite::Statement> upsert;
        std::optional<SQLite::Statement> current;
        std::unordered_set<std::string> seen;  // keys of the rows that came, if held
    };

    static std::string keyText(const TableChanges& shape, const json& row) {
        json key = json::array();
        for (std::size_t column : shape.keyColumns) key.push_back(row[column]);
        return key.dump();
    }

    Status<RosterError> begin() {
        if (transaction_) return Ok{};
        transaction_.emplace(replica_, SQLite::TransactionBehavior::IMMEDIATE);
        markRosterCopy(replica_);
        // Removed rows go at the end, so rows may point at parents not yet written (or at ones
        // about to go): foreign keys are checked at the commit, on the final state.
        replica_.exec("PRAGMA defer_foreign_keys = ON");
        return Ok{};
    }

    void prepare(std::size_t t, Table& state) {
        const RosterTable& table = kRosterTables[t];
        if (!state.shape) state.shape = tableShape(table);
        SQLite::Statement any(replica_, selectSql(table, true));
        any.bind(1, eventId_);
        state.held = any.executeStep();
        state.upsert.emplace(replica_, upsertSql(table.name, *state.shape));
        if (state.held) state.current.emplace(replica_, oneRowSql(table, true));
        state.prepared = true;
    }

    Status<RosterError> write(std::size_t t, Table& state, const json& row,
                              const std::string& where, bool mayHoldBack) {
        const TableChanges& shape = *state.shape;
        for (std::size_t c = 0; c < row.size(); ++c) {
            auto bound = bindValue(*state.upsert, static_cast<int>(c + 1), row[c]);
            if (!bound) {
                state.upsert->clearBindings();
                return fail(where + " column " + shape.columns[c] + " " + bound.error().message);
            }
        }
        try {
            state.upsert->exec();
        } catch (const SQLite::Exception& e) {
            // tryReset: reset() would throw the step's error again.
            (void)state.upsert->tryReset();
            state.upsert->clearBindings();
            if (mayHoldBack && e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE &&
                heldBack_.size() < static_cast<std::size_t>(kRosterPageKeys)) {
                heldBack_.push_back({t, row, where});
                return Ok{};
            }
            return fail(where + " is refused: " + e.getErrorStr() + " (" + e.what() + ")");
        }
        state.upsert->reset();
        state.upsert->clearBindings();
        ++rowsWritten_;
        return Ok{};
    }

    struct HeldBack {
        std::size_t table;
        json row;
        std::string where;
    };

    SQLite::Database& replica_;
    std::string eventId_;
    std::optional<SQLite::Transaction> transaction_;
    std::array<Table, kRosterTables.size()> tables_;
    std::vector<HeldBack> heldBack_;
    std::int64_t rowsWritten_ = 0;
};

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
        transaction.commit();
    } catch (const SQLite::Exception& e) {
        return fail(std::string("could not read the roster: ") + e.what());
    }
    std::string body;
    auto written =
        writeFullRoster(db, eventId, [&body](std::string_view piece) { body.append(piece); });
    if (!written) return fail(written.error());
    return body;
}

Result<std::int64_t> writeFullRoster(SQLite::Database& db, const std::string& eventId,
                                     const std::function<void(std::string_view)>& out) {
    // The tables in name order, as a JSON object dumps its keys: the streamed answer is the
    // same text the whole one was.
    std::array<const RosterTable*, kRosterTables.size()> byName{};
    for (std::size_t t = 0; t < kRosterTables.size(); ++t) byName[t] = &kRosterTables[t];
    std::sort(byName.begin(), byName.end(), [](const RosterTable* a, const RosterTable* b) {
        return std::string_view(a->name) < std::string_view(b->name);
    });
    try {
        // One read transaction, so the version matches the rows.
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::DEFERRED);
        SQLite::Statement exists(db, "SELECT 1 FROM events WHERE id = ?");
        exists.bind(1, eventId);
        if (!exists.executeStep()) return fail("unknown event " + eventId);
        const std::int64_t version = rosterVersion(db, eventId);
        out("{\"full\":true,\"protocol\":" + std::to_string(kProtocolVersion) + ",\"tables\":{");
        std::string piece;
        for (std::size_t t = 0; t < byName.size(); ++t) {
            const RosterTable& table = *byName[t];
            piece = (t ? ",\"" : "\"") + std::string(table.name) +
                    "\":{\"columns\":" + json(columnList(table.columns)).dump() + ",\"rows\":[";
            SQLite::Statement q(db, selectSql(table, false));
            q.bind(1, eventId);
            bool first = true;
            while (q.executeStep()) {
                if (!first) piece += ',';
                first = false;
                piece += rowOf(q).dump();
                // Handed on in pieces of about 64 KiB.
                if (piece.size() >= 64 * 1024) {
                    out(piece);
                    piece.clear();
                }
            }
            piece += "]}";
            out(piece);
        }
        out("},\"unchanged\":false,\"version\":" + std::to_string(version) + "}");
        transaction.commit();
        return version;
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

    // A whole roster written as it arrived (RosterDownload::receive), to be committed by apply.
    std::unique_ptr<StreamedRows> streamed;

    Result<std::optional<std::int64_t>, RosterError> addDocument(
        std::unique_ptr<json> document, std::unique_ptr<StreamedRows> rows);
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
    return p.addDocument(std::make_unique<json>(std::move(read).value()), nullptr);
}

// One answer, parsed; with `rows`, a whole roster whose rows were written as they arrived (the
// document holds its tables with their columns and empty rows).
Result<std::optional<std::int64_t>, RosterError> RosterDownload::Pages::addDocument(
    std::unique_ptr<json> document, std::unique_ptr<StreamedRows> rows) {
    Pages& p = *this;
    p.answers.push_back(std::move(document));
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
    auto versionField = j.find("version");
    if (versionField == j.end() || !versionField->is_number_integer() ||
        versionField->get<std::int64_t>() < 0) {
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
        p.version = versionField->get<std::int64_t>();
        p.complete = true;
        return std::optional<std::int64_t>{};
    }
    auto full = j.find("full");
    if (full == j.end() || !full->is_boolean()) return fail("the roster has no field full");
    if (full->get<bool>()) {
        // Also in the middle of pages: the server no longer keeps the changes asked for.
        auto tables = j.find("tables");
        if (tables == j.end() || !tables->is_object()) return fail("the roster has no tables");
        std::int64_t attendeeCount = 0;
        if (rows) {
            // The rows came apart from the document (already checked and written): the tables'
            // shapes with their counts, then the removals.
            auto finished = rows->finish(*tables, attendeeCount);
            if (!finished) return fail(finished.error());
            p.streamed = std::move(rows);
        } else {
            if (auto checked = checkFullTables(*tables, p.eventId, attendeeCount); !checked) {
                return fail(checked.error());
            }
            p.streamed.reset();
        }
        for (auto& table : p.changes) table.clear();
        p.state = Pages::State::kFull;
        p.fullTables = &*tables;
        p.attendees = attendeeCount;
        p.version = versionField->get<std::int64_t>();
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
            if (p.streamed) return p.streamed->commit(replica, applied);
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

namespace {

// Pieces of a body handed from the thread that receives it to the thread that parses it; at
// most kPipePieces wait, so a fast network waits for the parser, never the other way round in
// memory.
class BytePipe {
  public:
    static constexpr std::size_t kPipePieces = 8;

    // False once the reader has stopped (the answer is refused).
    bool push(std::string_view piece) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return pieces_.size() < kPipePieces || abandoned_; });
        if (abandoned_) return false;
        pieces_.emplace_back(piece);
        changed_.notify_all();
        return true;
    }
    void close() {
        std::lock_guard lock(mutex_);
        closed_ = true;
        changed_.notify_all();
    }
    void abandon() {
        std::lock_guard lock(mutex_);
        abandoned_ = true;
        changed_.notify_all();
    }
    // The next piece, or nullopt at the end.
    std::optional<std::string> pop() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !pieces_.empty() || closed_ || abandoned_; });
        if (pieces_.empty() || abandoned_) return std::nullopt;
        std::string piece = std::move(pieces_.front());
        pieces_.pop_front();
        changed_.notify_all();
        return piece;
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::string> pieces_;
    bool closed_ = false;
    bool abandoned_ = false;
};

// The pipe's pieces as a stream, which ends at a NUL byte: nlohmann's lexer would take the NUL
// for the end of the input and stop reading, so the pieces after it would fill the pipe and
// block the sender for ever. JSON text never holds a NUL; nulAt() says where one came.
class PipeBuffer : public std::streambuf {
  public:
    explicit PipeBuffer(BytePipe& pipe) : pipe_(pipe) {}

    std::optional<std::uint64_t> nulAt() const { return nulAt_; }

  protected:
    int_type underflow() override {
        if (nulAt_) return traits_type::eof();
        auto piece = pipe_.pop();
        if (!piece || piece->empty()) {
            if (piece) return underflow();
            return traits_type::eof();
        }
        current_ = std::move(*piece);
        if (auto nul = current_.find('\0'); nul != std::string::npos) {
            nulAt_ = delivered_ + nul;
            current_.resize(nul);
            if (current_.empty()) return traits_type::eof();
        }
        delivered_ += current_.size();
        setg(current_.data(), current_.data(), current_.data() + current_.size());
        return traits_type::to_int_type(current_.front());
    }

  private:
    BytePipe& pipe_;
    std::string current_;
    std::uint64_t delivered_ = 0;
    std::optional<std::uint64_t> nulAt_;
};

// Builds the answer's document as it is parsed, except the rows of a whole roster's tables
// (when "full": true came before "tables", as the server writes it), which go to StreamedRows
// one at a time. Bounded: nesting, each text value, and what the document itself holds (a
// page of changes at most; a whole roster's rows are not in it).
class AnswerSax : public nlohmann::json_sax<json> {
  public:
    static constexpr std::size_t kMaxDepth = 8;                 // as add()'s parse
    static constexpr std::size_t kMaxText = 1u << 20;           // one value
    static constexpr std::size_t kMaxDocumentValues = 400'000;  // a page of changes: ~100,000
    static constexpr std::size_t kMaxDocumentText = 32u << 20;  // a page of changes: ~2 MB

    AnswerSax(std::function<Status<RosterError>(const std::string&, const json&, const json&)> row)
        : onRow_(std::move(row)) {}

    json document;
    std::optional<RosterError> refusal;
    bool streamedRows = false;

    bool null() override { return value(nullptr); }
    bool boolean(bool v) override { return value(v); }
    bool number_integer(number_integer_t v) override { return value(v); }
    bool number_unsigned(number_unsigned_t v) override { return value(v); }
    bool number_float(number_float_t v, const string_t&) override { return value(v); }
    bool string(string_t& v) override {
        if (v.size() > kMaxText) return refuse("the roster has a value longer than 1 MiB");
        if (!counted(v.size())) return false;
        return value(std::move(v));
    }
    bool binary(binary_t&) override { return refuse("the roster is not JSON text"); }
    bool start_object(std::size_t) override { return open(json::object()); }
    bool key(string_t& k) override {
        if (k.size() > kMaxText) return refuse("the roster has a key longer than 1 MiB");
        if (!counted(k.size())) return false;
        key_ = std::move(k);
        if (inRow_ == 0 && stack_.size() == 1) {
            if (key_ == "tables") streamedRows = fullSeen_;
        }
        return true;
    }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override { return open(json::array()); }
    bool end_array() override { return close(); }
    bool parse_error(std::size_t position, const std::string&,
                     const nlohmann::detail::exception& e) override {
        if (!refusal) {
            refusal = RosterError(Error{"the roster is not valid JSON (at byte " +
                                        std::to_string(position) + "): " + e.what()});
        }
        return false;
    }

  private:
    // Text kept in the document (not a streamed row's): at most kMaxDocumentText.
    bool counted(std::size_t bytes) {
        if (inRow_ > 0 || atRows()) return true;
        documentText_ += bytes;
        if (documentText_ > kMaxDocumentText) {
            return refuse("the roster's answer holds more than a page of changes");
        }
        return true;
    }

    bool refuse(std::string sentence) {
        if (!refusal) refusal = RosterError(Error{std::move(sentence)});
        return false;
    }

    // In a streamed row (rows' element), or at the level of the rows themselves.
    bool atRows() const {
        return streamedRows && stack_.size() == 4 && path_[1] == "tables" && path_[3] == "rows";
    }

    bool value(json v) {
        if (inRow_ > 0) return insert(std::move(v));
        if (atRows()) {
            // A row that is not an array: refused by the row's own check, with its number.
            row_ = std::move(v);
            return rowDone();
        }
        if (stack_.size() == 1 && key_ == "full" && v.is_boolean()) fullSeen_ = v.get<bool>();
        if (++documentValues_ > kMaxDocumentValues) {
            return refuse("the roster's answer holds more than a page of changes");
        }
        return insert(std::move(v));
    }

    bool open(json container) {
        if (stack_.size() + 1 > kMaxDepth) return refuse("the roster is nested too deeply");
        if (inRow_ == 0 && atRows()) {
            row_ = std::move(container);
            rowStack_.assign(1, &row_);
            inRow_ = 1;
            return true;
        }
        if (inRow_ > 0) {
            if (rowStack_.size() + 4 >= kMaxDepth) return refuse("the roster is nested too deeply");
            json* inserted = place(rowStack_.back(), std::move(container));
            if (!inserted) return false;
            rowStack_.push_back(inserted);
            ++inRow_;
            return true;
        }
        if (++documentValues_ > kMaxDocumentValues) {
            return refuse("the roster's answer holds more than a page of changes");
        }
        json* inserted = stack_.empty() ? &(document = std::move(container))
                                        : place(stack_.back(), std::move(container));
        if (!inserted) return false;
        path_.push_back(stack_.empty() ? std::string() : key_);
        stack_.push_back(inserted);
        return true;
    }

    bool close() {
        if (inRow_ > 0) {
            rowStack_.pop_back();
            if (--inRow_ == 0) return rowDone();
            return true;
        }
        stack_.pop_back();
        path_.pop_back();
        return true;
    }

    bool insert(json v) {
        json* parent = inRow_ > 0 ? rowStack_.back() : (stack_.empty() ? nullptr : stack_.back());
        if (!parent) {
            document = std::move(v);
            return true;
        }
        return place(parent, std::move(v)) != nullptr;
    }

    json* place(json* parent, json v) {
        if (parent->is_array()) {
            if (inRow_ > 0 && parent->size() >= 64) {
                refuse("a roster row has more than 64 values");
                return nullptr;
            }
            parent->push_back(std::move(v));
            return &parent->back();
        }
        json& slot = (*parent)[key_];
        slot = std::move(v);
        return &slot;
    }

    bool rowDone() {
        // stack_: root, tables, the table's object, its rows.
        auto stored = onRow_(path_[2], *stack_[2], row_);
        row_ = nullptr;
        if (!stored) {
            if (!refusal) refusal = stored.error();
            return false;
        }
        return true;
    }

    std::function<Status<RosterError>(const std::string&, const json&, const json&)> onRow_;
    std::vector<json*> stack_;
    std::vector<std::string> path_;  // each open container's key in its parent
    std::string key_;
    bool fullSeen_ = false;
    std::size_t documentValues_ = 0;
    std::size_t documentText_ = 0;
    json row_;
    std::vector<json*> rowStack_;
    std::size_t inRow_ = 0;
};

}  // namespace

// The receiver: parses on its own thread what feed() hands over through a BytePipe.
class StreamReceiver : public RosterDownload::Receiver {
  public:
    StreamReceiver(RosterDownload::Pages& pages, SQLite::Database& replica)
        : pages_(pages),
          rows_(std::make_unique<StreamedRows>(replica, pages.eventId)),
          sax_([this](const std::string& name, const json& table, const json& row) {
              return rows_->add(name, table, row);
          }) {
        parser_ = std::thread([this] { parseOnReceiverThread(); });
    }

    ~StreamReceiver() override {
        pipe_.abandon();
        if (parser_.joinable()) parser_.join();
    }

    bool feed(std::string_view piece) override { return pipe_.push(piece); }

    Result<std::optional<std::int64_t>, RosterError> finish() override {
        pipe_.close();
        if (parser_.joinable()) parser_.join();
        if (!parsed_) {
            rows_.reset();  // rolls back what was written
            if (sax_.refusal) return fail(*sax_.refusal);
            return fail("the roster is not valid JSON");
        }
        if (!sax_.document.is_object()) return fail("the roster is not a JSON object");
        if (pages_.complete) return fail("the roster came whole already");
        return pages_.addDocument(std::make_unique<json>(std::move(sax_.document)),
                                  sax_.streamedRows ? std::move(rows_) : nullptr);
    }

  private:
    void parseOnReceiverThread() {
        PipeBuffer buffer(pipe_);
        std::istream in(&buffer);
        parsed_ = json::sax_parse(in, &sax_, json::input_format_t::json, true);
        // A parse that ended at the NUL (or at the end of what came before it): refused as such.
        if (auto nul = buffer.nulAt(); nul && (parsed_ || !sax_.refusal)) {
            parsed_ = false;
            sax_.refusal = RosterError(Error{"the roster is not valid JSON (a NUL byte at byte " +
                                             std::to_string(*nul) + ")"});
        }
        // Refused: whatever still arrives is not wanted.
        if (!parsed_) pipe_.abandon();
    }

    RosterDownload::Pages& pages_;
    std::unique_ptr<StreamedRows> rows_;
    AnswerSax sax_;
    BytePipe pipe_;
    bool parsed_ = false;
    std::thread parser_;
};

std::unique_ptr<RosterDownload::Receiver> RosterDownload::receive(SQLite::Database& replica) {
    return std::make_unique<StreamReceiver>(*pages_, replica);
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

#include "admit/sync/protocol/roster.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
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
Status<> bindValue(SQLite::Statement& insert, int index, const json& value) {
    if (value.is_null()) {
        insert.bind(index);
    } else if (value.is_number_integer()) {
        insert.bind(index, value.get<std::int64_t>());
    } else if (value.is_number_float()) {
        insert.bind(index, value.get<double>());
    } else if (value.is_string()) {
        insert.bind(index, value.get<std::string>());
    } else if (value.is_object() && value.size() == 1 && value.contains("hex") &&
               value["hex"].is_string()) {
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

}  // namespace

std::int64_t rosterVersion(SQLite::Database& db, const std::string& eventId) {
    SQLite::Statement q(db, "SELECT version FROM roster_versions WHERE event_id = ?");
    q.bind(1, eventId);
    return q.executeStep() ? q.getColumn(0).getInt64() : 0;
}

Result<std::string> rosterJson(SQLite::Database& db, const std::string& eventId,
                               std::int64_t have) {
    try {
        // One read transaction, so the version matches the rows.
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::DEFERRED);
        SQLite::Statement exists(db, "SELECT 1 FROM events WHERE id = ?");
        exists.bind(1, eventId);
        if (!exists.executeStep()) return fail("unknown event " + eventId);
        std::int64_t version = rosterVersion(db, eventId);
        json out{{"protocol", kProtocolVersion}, {"version", version}};
        if (have == version) {
            out["unchanged"] = true;
            return out.dump();
        }
        out["unchanged"] = false;
        json tables = json::object();
        for (const RosterTable& table : kRosterTables) {
            SQLite::Statement q(db, selectSql(table, false));
            q.bind(1, eventId);
            json columns = columnList(table.columns);
            json rows = json::array();
            while (q.executeStep()) {
                json row = json::array();
                for (int i = 0; i < q.getColumnCount(); ++i) {
                    row.push_back(columnValue(q.getColumn(i)));
                }
                rows.push_back(std::move(row));
            }
            tables[table.name] = {{"columns", std::move(columns)}, {"rows", std::move(rows)}};
        }
        out["tables"] = std::move(tables);
        transaction.commit();
        return out.dump();
    } catch (const SQLite::Exception& e) {
        return fail(std::string("could not read the roster: ") + e.what());
    }
}

Result<RosterApplied> applyRosterJson(SQLite::Database& replica, const std::string& eventId,
                                      std::string_view body) {
    // A roster is tables of rows of values (a BLOB is {"hex": ...}): 6 levels at most. Its size
    // is bounded by what the client accepts, so only the nesting is limited here.
    auto read = parseBoundedJson(body, jsonLimits(8), "the roster");
    if (!read || !read->is_object()) return fail("the roster is not a JSON object");
    json j = std::move(read).value();
    auto protocol = j.find("protocol");
    if (protocol == j.end() || !protocol->is_number_integer() ||
        protocol->get<std::int64_t>() != kProtocolVersion) {
        return fail("the roster's protocol version is not " + std::to_string(kProtocolVersion));
    }
    auto version = j.find("version");
    if (version == j.end() || !version->is_number_integer() || version->get<std::int64_t>() < 0) {
        return fail("the roster has no valid version");
    }
    RosterApplied applied;
    applied.version = version->get<std::int64_t>();
    auto unchanged = j.find("unchanged");
    if (unchanged == j.end() || !unchanged->is_boolean()) {
        return fail("the roster has no field unchanged");
    }
    if (unchanged->get<bool>()) return applied;
    auto tables = j.find("tables");
    if (tables == j.end() || !tables->is_object()) return fail("the roster has no tables");

    // Shape first: every table, exactly the schema's columns, every row the event's.
    for (const RosterTable& table : kRosterTables) {
        std::string name = table.name;
        auto t = tables->find(name);
        if (t == tables->end() || !t->is_object()) return fail("the roster has no table " + name);
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
        std::size_t eventColumn = name == "events" ? 0 : expected.size();
        for (std::size_t c = 0; c < expected.size(); ++c) {
            if (expected[c] == "event_id") eventColumn = c;
        }
        for (std::size_t r = 0; r < rows->size(); ++r) {
            const json& row = (*rows)[r];
            std::string where = "roster table " + name + " row " + std::to_string(r + 1);
            if (!row.is_array() || row.size() != expected.size()) {
                return fail(where + " does not have " + std::to_string(expected.size()) +
                            " values");
            }
            if (eventColumn < expected.size() &&
                (!row[eventColumn].is_string() || row[eventColumn].get<std::string>() != eventId)) {
                return fail(where + " column " + expected[eventColumn] +
                            " is not this kiosk's event");
            }
        }
        if (name == "events" && rows->size() != 1) {
            return fail("roster table events must hold exactly this kiosk's event");
        }
        if (name == "attendees") applied.attendees = static_cast<std::int64_t>(rows->size());
    }

    // The diff is computed before taking the write lock, so a kiosk scanning while its roster
    // changes waits only for the rows that changed, not for a rewrite of the whole roster.
    // Roster tables are written only by this function (and set-up), so the rows read here are
    // still the rows when the transaction starts.
    std::vector<TableChanges> changes;
    try {
        for (const RosterTable& table : kRosterTables) {
            changes.push_back(diffTable(replica, table, eventId, (*tables)[table.name]["rows"]));
        }
    } catch (const SQLite::Exception& e) {
        return fail(std::string("could not read the replica's roster: ") + e.what());
    }
    try {
        SQLite::Transaction transaction(replica, SQLite::TransactionBehavior::IMMEDIATE);
        // Parents before children for new and changed rows, children before parents for
        // removed ones (foreign keys). Operators keep their local lock-out counters.
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
        storeVersion(replica, applied.version);
        transaction.commit();
    } catch (const SQLite::Exception& e) {
        return fail(std::string("could not store the roster: ") + e.what());
    }
    applied.changed = true;
    return applied;
}

}  // namespace admit::sync

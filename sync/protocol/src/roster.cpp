#include "admit/sync/roster.hpp"

#include <array>
#include <cstddef>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <nlohmann/json.hpp>

#include "admit/sync/messages.hpp"

namespace admit::sync {
namespace {

using nlohmann::json;

struct RosterTable {
    const char* name;
    // Selects the event's rows (?1 = event id) with the table's columns in schema order.
    const char* select;
};

// Secret seeds and lock-out counters never leave the server's database.
constexpr std::array<RosterTable, 9> kRosterTables{{
    {"events", "SELECT * FROM events WHERE id = ?1"},
    {"event_keys",
     "SELECT event_id, key_id, public_key, NULL AS secret_seed FROM event_keys WHERE event_id = "
     "?1 ORDER BY key_id"},
    {"ticket_types", "SELECT * FROM ticket_types WHERE event_id = ?1 ORDER BY code"},
    {"ticket_type_gates", "SELECT * FROM ticket_type_gates WHERE event_id = ?1"},
    {"attendees", "SELECT * FROM attendees WHERE event_id = ?1 ORDER BY id"},
    {"tickets", "SELECT * FROM tickets WHERE event_id = ?1"},
    {"revoked_codes", "SELECT * FROM revoked_codes WHERE event_id = ?1"},
    {"blocked_codes", "SELECT * FROM blocked_codes WHERE event_id = ?1"},
    {"operators",
     "SELECT name, role, pin_hash, 0 AS failed_attempts, 0 AS locked_until FROM operators "
     "WHERE ?1 IS NOT NULL ORDER BY name"},
}};

std::string toHex(const void* data, int size) {
    static constexpr char kDigits[] = "0123456789abcdef";
    const auto* bytes = static_cast<const unsigned char*>(data);
    std::string out;
    out.reserve(static_cast<std::size_t>(size) * 2);
    for (int i = 0; i < size; ++i) {
        out.push_back(kDigits[bytes[i] >> 4]);
        out.push_back(kDigits[bytes[i] & 0x0f]);
    }
    return out;
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

std::vector<std::string> schemaColumns(SQLite::Database& db, const std::string& table) {
    SQLite::Statement q(db, "SELECT name FROM pragma_table_info(?) ORDER BY cid");
    q.bind(1, table);
    std::vector<std::string> out;
    while (q.executeStep()) out.push_back(q.getColumn(0).getString());
    return out;
}

json columnValue(const SQLite::Column& column) {
    if (column.isInteger()) return column.getInt64();
    if (column.isFloat()) return column.getDouble();
    if (column.isText()) return column.getString();
    if (column.isBlob()) return json{{"hex", toHex(column.getBlob(), column.getBytes())}};
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
            SQLite::Statement q(db, table.select);
            q.bind(1, eventId);
            json columns = json::array();
            for (int i = 0; i < q.getColumnCount(); ++i) columns.push_back(q.getColumnName(i));
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
    json j = json::parse(body.begin(), body.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) return fail("the roster is not a JSON object");
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
        std::vector<std::string> expected = schemaColumns(replica, name);
        if (*columns != json(expected)) {
            return fail("roster table " + name + " has columns " + columns->dump() +
                        ", the replica's schema has " + json(expected).dump());
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

    try {
        SQLite::Transaction transaction(replica, SQLite::TransactionBehavior::IMMEDIATE);
        // Children before parents (foreign keys). The event row and operators are updated in
        // place: check-ins refer to the event, and operators keep their local lock-out state.
        for (const char* table : {"tickets", "ticket_type_gates", "revoked_codes", "blocked_codes",
                                  "attendees", "ticket_types", "event_keys"}) {
            SQLite::Statement remove(replica,
                                     std::string("DELETE FROM ") + table + " WHERE event_id = ?");
            remove.bind(1, eventId);
            remove.exec();
        }
        std::vector<std::string> operatorNames;
        for (const RosterTable& table : kRosterTables) {
            std::string name = table.name;
            const json& columns = (*tables)[name]["columns"];
            const json& rows = (*tables)[name]["rows"];
            std::string sql = "INSERT INTO " + name + " (";
            std::string values;
            for (std::size_t c = 0; c < columns.size(); ++c) {
                sql += (c ? ", " : "") + columns[c].get<std::string>();
                values += c ? ", ?" : "?";
            }
            sql += ") VALUES (" + values + ")";
            if (name == "events") {
                sql +=
                    " ON CONFLICT (id) DO UPDATE SET name = excluded.name, reentry_policy = "
                    "excluded.reentry_policy, blind_index_key = excluded.blind_index_key";
            } else if (name == "operators") {
                sql +=
                    " ON CONFLICT (name) DO UPDATE SET role = excluded.role, pin_hash = "
                    "excluded.pin_hash";
            }
            SQLite::Statement insert(replica, sql);
            for (std::size_t r = 0; r < rows.size(); ++r) {
                const json& row = rows[r];
                std::string where = "roster table " + name + " row " + std::to_string(r + 1);
                for (std::size_t c = 0; c < row.size(); ++c) {
                    auto bound = bindValue(insert, static_cast<int>(c + 1), row[c]);
                    if (!bound) {
                        return fail(where + " column " + columns[c].get<std::string>() + " " +
                                    bound.error().message);
                    }
                }
                if (name == "operators" && row[0].is_string()) {
                    operatorNames.push_back(row[0].get<std::string>());
                }
                try {
                    insert.exec();
                } catch (const SQLite::Exception& e) {
                    return fail(where + " is refused: " + e.getErrorStr() + " (" + e.what() + ")");
                }
                insert.reset();
                insert.clearBindings();
            }
        }
        // Operators the server no longer lists lose access here too.
        json keep = operatorNames;
        SQLite::Statement removeOperators(
            replica, "DELETE FROM operators WHERE name NOT IN (SELECT value FROM json_each(?))");
        removeOperators.bind(1, keep.dump());
        removeOperators.exec();
        storeVersion(replica, applied.version);
        transaction.commit();
    } catch (const SQLite::Exception& e) {
        return fail(std::string("could not store the roster: ") + e.what());
    }
    applied.changed = true;
    return applied;
}

}  // namespace admit::sync

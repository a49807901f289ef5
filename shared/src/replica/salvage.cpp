#include "admit/replica/salvage.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <system_error>

#include "lock_holders.hpp"
#include "open_replica.hpp"
#include "page_source.hpp"
#include "salvage_reader.hpp"
#include "temp_copy.hpp"

namespace admit::replica {

namespace fs = std::filesystem;

namespace {

std::string quoted(const std::string& identifier) {
    std::string out = "\"";
    for (char c : identifier) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

struct Target {
    bool exists = false;
    bool withoutRowid = false;
    std::set<std::string> columns;    // those an INSERT can name
    std::set<std::string> generated;  // computed by the new replica itself
};

Target describeTarget(SQLite::Database& db, const std::string& table) {
    Target target;
    SQLite::Statement list(db,
                           "SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?");
    list.bind(1, table);
    if (!list.executeStep()) return target;
    target.exists = true;
    target.withoutRowid = list.getColumn(0).getInt() != 0;
    SQLite::Statement columns(db, "SELECT name, hidden FROM pragma_table_xinfo(?)");
    columns.bind(1, table);
    while (columns.executeStep()) {
        const int hidden = columns.getColumn(1).getInt();
        if (hidden == 0) target.columns.insert(columns.getColumn(0));
        if (hidden == 2 || hidden == 3) target.generated.insert(columns.getColumn(0));
    }
    return target;
}

void bindValue(SQLite::Statement& statement, int index, const detail::Value& value) {
    using Type = detail::Value::Type;
    switch (value.type) {
        case Type::Null:
            statement.bind(index);
            break;
        case Type::Integer:
            statement.bind(index, static_cast<std::int64_t>(value.integer));
            break;
        case Type::Real:
            statement.bind(index, value.real);
            break;
        case Type::Text:
            statement.bind(index, value.bytes);
            break;
        case Type::Blob:
            statement.bind(index, value.bytes.data(), static_cast<int>(value.bytes.size()));
            break;
    }
}

// Failures of the new replica itself end the table's copy; anything else refuses one row.
bool isWriteFailure(const SQLite::Exception& e) {
    const int code = e.getErrorCode();
    return code == SQLITE_IOERR || code == SQLITE_FULL || code == SQLITE_CANTOPEN ||
           code == SQLITE_NOMEM || code == SQLITE_READONLY || code == SQLITE_BUSY;
}

detail::Value columnValue(const SQLite::Column& column) {
    detail::Value v;
    switch (column.getType()) {
        case SQLITE_INTEGER:
            v.type = detail::Value::Type::Integer;
            v.integer = column.getInt64();
            break;
        case SQLITE_FLOAT:
            v.type = detail::Value::Type::Real;
            v.real = column.getDouble();
            break;
        case SQLITE_TEXT:
        case SQLITE_BLOB: {
            v.type = column.getType() == SQLITE_TEXT ? detail::Value::Type::Text
                                                     : detail::Value::Type::Blob;
            const auto* bytes = static_cast<const char*>(column.getBlob());
            v.bytes.assign(bytes == nullptr ? "" : bytes,
                           static_cast<std::size_t>(column.getBytes()));
            break;
        }
        default:
            break;
    }
    return v;
}

// Copies one table's readable rows in one transaction. The rows the new schema made (a fresh
// device id in meta) are set aside and put back only where the damaged replica has no row with
// the same key; rows reached from the table's root come before those from orphan pages, so of
// two rows with one key the first is kept.
TableCopy copyTable(detail::SalvageReader& reader, std::size_t index, SQLite::Database& dest,
                    std::vector<std::string>& columnsNotCopied) {
    const detail::TableLayout& layout = reader.tables()[index];
    TableCopy result;
    result.name = layout.name;
    const Target target = describeTarget(dest, layout.name);
    if (!target.exists) {
        reader.forEachRow(index, [&](const detail::SalvagedRow&) { result.rowsNotCopied += 1; });
        result.error = "the new replica has no table " + layout.name;
        return result;
    }
    for (const std::string& column : layout.columns) {
        if (target.columns.count(column) == 0 && target.generated.count(column) == 0) {
            columnsNotCopied.push_back(layout.name + "." + column);
        }
    }
    const bool bindRowid = !layout.withoutRowid && !target.withoutRowid && layout.rowidAlias < 0;
    // One statement per record length: rows written before a column was added are shorter.
    std::map<std::size_t, std::unique_ptr<SQLite::Statement>> statements;
    auto statementFor = [&](std::size_t length) -> SQLite::Statement& {
        auto& slot = statements[length];
        if (slot) return *slot;
        std::string names = bindRowid ? "rowid" : "";
        std::string params = bindRowid ? "?" : "";
        for (std::size_t i = 0; i < length; ++i) {
            if (target.columns.count(layout.columns[i]) == 0) continue;
            names += (names.empty() ? "" : ", ") + quoted(layout.columns[i]);
            params += params.empty() ? "?" : ", ?";
        }
        slot = std::make_unique<SQLite::Statement>(dest, "INSERT OR IGNORE INTO " +
                                                             quoted(layout.name) + " (" + names +
                                                             ") VALUES (" + params + ")");
        return *slot;
    };
    std::uint64_t rowsRead = 0;
    try {
        SQLite::Transaction transaction(dest);
        std::string all = target.withoutRowid ? "" : "rowid";
        for (const std::string& column : target.columns) {
            all += (all.empty() ? "" : ", ") + quoted(column);
        }
        std::vector<std::vector<detail::Value>> defaults;
        {
            SQLite::Statement select(dest, "SELECT " + all + " FROM " + quoted(layout.name));
            while (select.executeStep()) {
                defaults.emplace_back();
                for (int i = 0; i < select.getColumnCount(); ++i) {
                    defaults.back().push_back(columnValue(select.getColumn(i)));
                }
            }
        }
        dest.exec("DELETE FROM " + quoted(layout.name));
        reader.forEachRow(index, [&](const detail::SalvagedRow& row) {
            rowsRead += 1;
            const std::size_t length = std::min(row.values.size(), layout.columns.size());
            SQLite::Statement& insert = statementFor(length);
            int parameter = 1;
            if (bindRowid) insert.bind(parameter++, static_cast<std::int64_t>(row.rowid));
            for (std::size_t i = 0; i < length; ++i) {
                if (target.columns.count(layout.columns[i]) == 0) continue;
                bindValue(insert, parameter++, row.values[i]);
            }
            try {
                if (insert.exec() == 0) {
                    result.rowsNotCopied += 1;  // a second row with a key already copied
                } else {
                    result.rowsCopied += 1;
                    if (row.fromOrphanPage) result.rowsFromOrphanPages += 1;
                }
            } catch (const SQLite::Exception& e) {
                if (isWriteFailure(e)) throw;
                result.rowsNotCopied += 1;
                if (result.error.empty()) result.error = e.what();
            }
            insert.reset();
            insert.clearBindings();
        });
        if (!defaults.empty()) {
            std::string params;
            for (std::size_t i = 0; i < defaults.front().size(); ++i) {
                params += params.empty() ? "?" : ", ?";
            }
            SQLite::Statement restore(dest, "INSERT OR IGNORE INTO " + quoted(layout.name) + " (" +
                                                all + ") VALUES (" + params + ")");
            for (const auto& row : defaults) {
                for (std::size_t i = 0; i < row.size(); ++i) {
                    bindValue(restore, static_cast<int>(i) + 1, row[i]);
                }
                result.newSchemaRowsKept += static_cast<std::uint64_t>(restore.exec());
                restore.reset();
            }
        }
        transaction.commit();
    } catch (const SQLite::Exception& e) {
        result.error = describeReplicaFailure(e);
        result.rowsNotCopied = rowsRead;
        result.rowsCopied = 0;
        result.rowsFromOrphanPages = 0;
        result.newSchemaRowsKept = 0;
    }
    return result;
}

// Creates the plan's schema in the new replica and copies every table into it, the plan's first
// tables first. The schema's triggers are dropped while rows are copied (they would add or change
// rows) and created again after; foreign keys are off, so rows whose parent row was lost are kept.
Status<ReplicaError> fill(detail::SalvageReader& reader, SQLite::Database& dest,
                          const SalvagePlan& plan, const fs::path& out, SalvageReport& report) {
    try {
        if (auto made = plan.createSchema(dest); !made) {
            return fail(detail::ioError(out, "cannot create the schema: " + made.error().message));
        }
        dest.exec("PRAGMA foreign_keys = OFF");
        std::vector<std::pair<std::string, std::string>> triggers;
        {
            SQLite::Statement list(dest,
                                   "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' "
                                   "ORDER BY rowid");
            while (list.executeStep()) {
                triggers.emplace_back(list.getColumn(0).getString(), list.getColumn(1).getString());
            }
        }
        {
            SQLite::Transaction transaction(dest);
            for (const auto& trigger : triggers) {
                dest.exec("DROP TRIGGER " + quoted(trigger.first));
            }
            transaction.commit();
        }
        std::vector<std::size_t> order;
        const auto& tables = reader.tables();
        for (const std::string& name : plan.firstTables) {
            for (std::size_t i = 0; i < tables.size(); ++i) {
                if (tables[i].name == name) order.push_back(i);
            }
        }
        for (std::size_t i = 0; i < tables.size(); ++i) {
            if (std::find(order.begin(), order.end(), i) == order.end()) order.push_back(i);
        }
        for (std::size_t i : order) {
            report.copied.push_back(copyTable(reader, i, dest, report.columnsNotCopied));
        }
        SQLite::Transaction transaction(dest);
        for (const auto& trigger : triggers) dest.exec(trigger.second);
        transaction.commit();
        dest.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (const SQLite::Exception& e) {
        return fail(detail::ioError(out, describeReplicaFailure(e)));
    }
    return Ok{};
}

}  // namespace

bool SalvageReport::everyRowCopied() const {
    return damage.nothingLost() && columnsNotCopied.empty() &&
           std::all_of(copied.begin(), copied.end(),
                       [](const TableCopy& t) { return t.rowsNotCopied == 0; });
}

Result<SalvageReport, ReplicaError> salvageReplica(const fs::path& damaged, const ReplicaKey& key,
                                                   const fs::path& out, const ReplicaKey& outKey,
                                                   const SalvagePlan& plan) {
    std::error_code ec;
    if (fs::exists(out, ec) || fs::exists(out.string() + "-wal", ec)) {
        return fail(ReplicaError{ReplicaErrorKind::AlreadyExists, out.string(),
                                 "refusing to overwrite " + out.string()});
    }
    if (!plan.createSchema) return fail(detail::ioError(out, "no schema for the new replica"));
    // Pages are read without SQLite's locks: a process that has the replica open could
    // checkpoint or restart the WAL under the reader.
    if (!detail::otherLockHolders(damaged).empty()) {
        return fail(detail::inUseError(damaged, "salvaged"));
    }
    auto source = detail::PageSource::open(damaged, detail::deriveKeys(key), true);
    if (!source) return fail(source.error());
    detail::SalvageReader reader(**source, plan.createSchema);
    reader.analyse();

    SalvageReport report;
    detail::TempCopy copy(out, "salvage");
    const fs::path& temp = copy.path();
    const auto outKeys = detail::deriveKeys(outKey);
    const auto pageSize = static_cast<int>((*source)->pageSize());
    {
        auto opened = detail::openWithKeys(temp, outKeys, OpenMode::kCreate, pageSize);
        if (!opened) {
            return fail(
                detail::ioError(out, "cannot create the new replica: " + opened.error().message));
        }
        if (auto filled = fill(reader, *opened, plan, out, report); !filled) {
            return fail(filled.error());
        }
    }  // closing the copy checkpoints it and removes its WAL
    if (auto verified = detail::verifyAndSync(copy, outKeys, pageSize, out); !verified) {
        return fail(verified.error());
    }
    if (auto moved = detail::moveIntoPlace(copy, out); !moved) return fail(moved.error());
    report.damage = reader.report();
    return report;
}

}  // namespace admit::replica

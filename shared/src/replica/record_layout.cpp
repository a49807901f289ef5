#include "record_layout.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <cctype>

#include "btree_page.hpp"

namespace admit::replica::detail {

namespace {

std::string upper(std::string text) {
    for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
}

ColumnType declaredType(const std::string& type, bool strict) {
    if (!strict) return ColumnType::Any;  // any value fits a column of a non-STRICT table
    const std::string t = upper(type);
    if (t == "INT" || t == "INTEGER") return ColumnType::Integer;
    if (t == "REAL") return ColumnType::Real;
    if (t == "TEXT") return ColumnType::Text;
    if (t == "BLOB") return ColumnType::Blob;
    return ColumnType::Any;
}

struct ColumnInfo {
    int cid = 0;
    std::string name;
    std::string type;
    ColumnShape shape;
    int pk = 0;
    int hidden = 0;
};

std::vector<ColumnInfo> columnsOf(SQLite::Database& db, const std::string& table, bool strict) {
    std::vector<ColumnInfo> out;
    SQLite::Statement query(db,
                            "SELECT cid, name, type, \"notnull\", pk, hidden FROM "
                            "pragma_table_xinfo(?) ORDER BY cid");
    query.bind(1, table);
    while (query.executeStep()) {
        ColumnInfo c;
        c.cid = query.getColumn(0).getInt();
        c.name = query.getColumn(1).getString();
        c.type = query.getColumn(2).getString();
        c.shape.type = declaredType(c.type, strict);
        c.shape.notNull = query.getColumn(3).getInt() != 0;
        c.pk = query.getColumn(4).getInt();
        c.hidden = query.getColumn(5).getInt();
        out.push_back(std::move(c));
    }
    return out;
}

}  // namespace

bool fits(const std::vector<ColumnShape>& shape, int rowidAlias,
          const std::vector<std::uint64_t>& types, bool exact) {
    if (types.empty() || types.size() > shape.size()) return false;
    if (exact && types.size() != shape.size()) return false;
    for (std::size_t i = 0; i < types.size(); ++i) {
        const std::uint64_t t = types[i];
        if (static_cast<int>(i) == rowidAlias) {
            if (!isNullType(t)) return false;
            continue;
        }
        if (isNullType(t)) {
            if (shape[i].notNull) return false;
            continue;
        }
        switch (shape[i].type) {
            case ColumnType::Any:
                break;
            case ColumnType::Integer:
                if (!isIntegerType(t)) return false;
                break;
            case ColumnType::Real:  // whole REAL values are stored as integers
                if (!isIntegerType(t) && !isRealType(t)) return false;
                break;
            case ColumnType::Text:
                if (!isTextType(t)) return false;
                break;
            case ColumnType::Blob:
                if (!isBlobType(t)) return false;
                break;
        }
    }
    return true;
}

std::optional<TableLayout> layoutOf(SQLite::Database& db, const std::string& table) {
    SQLite::Statement list(db,
                           "SELECT wr, strict FROM pragma_table_list WHERE schema = 'main' AND "
                           "name = ?");
    list.bind(1, table);
    if (!list.executeStep()) return std::nullopt;
    TableLayout layout;
    layout.name = table;
    layout.withoutRowid = list.getColumn(0).getInt() != 0;
    const bool strict = list.getColumn(1).getInt() != 0;
    const std::vector<ColumnInfo> columns = columnsOf(db, table, strict);
    if (layout.withoutRowid) {
        SQLite::Statement pk(db, "SELECT name FROM pragma_index_list(?) WHERE origin = 'pk'");
        pk.bind(1, table);
        if (!pk.executeStep()) return std::nullopt;
        SQLite::Statement order(db, "SELECT cid FROM pragma_index_xinfo(?) ORDER BY seqno");
        order.bind(1, pk.getColumn(0).getString());
        while (order.executeStep()) {
            const int cid = order.getColumn(0).getInt();
            auto it = std::find_if(columns.begin(), columns.end(),
                                   [cid](const ColumnInfo& c) { return c.cid == cid; });
            if (it == columns.end()) return std::nullopt;
            layout.columns.push_back(it->name);
            layout.shape.push_back(it->shape);
        }
        return layout;
    }
    int pkColumns = 0;
    for (const ColumnInfo& c : columns) pkColumns += c.pk > 0 ? 1 : 0;
    for (const ColumnInfo& c : columns) {
        if (c.hidden == 2) continue;  // virtual generated column: not stored
        if (pkColumns == 1 && c.pk == 1 && upper(c.type) == "INTEGER") {
            layout.rowidAlias = static_cast<int>(layout.columns.size());
        }
        layout.columns.push_back(c.name);
        layout.shape.push_back(c.shape);
    }
    return layout;
}

std::vector<ColumnShape> indexShape(SQLite::Database& db, const std::string& index) {
    SQLite::Statement owner(db, "SELECT tbl_name FROM sqlite_schema WHERE name = ?");
    owner.bind(1, index);
    if (!owner.executeStep()) return {};
    const std::string table = owner.getColumn(0).getString();
    SQLite::Statement list(db, "SELECT strict FROM pragma_table_list WHERE name = ?");
    list.bind(1, table);
    const bool strict = list.executeStep() && list.getColumn(0).getInt() != 0;
    const std::vector<ColumnInfo> columns = columnsOf(db, table, strict);
    std::vector<ColumnShape> shape;
    SQLite::Statement xinfo(db, "SELECT cid FROM pragma_index_xinfo(?) ORDER BY seqno");
    xinfo.bind(1, index);
    while (xinfo.executeStep()) {
        const int cid = xinfo.getColumn(0).getInt();
        if (cid == -1) {
            shape.push_back({ColumnType::Integer, true});  // the rowid
            continue;
        }
        auto it = std::find_if(columns.begin(), columns.end(),
                               [cid](const ColumnInfo& c) { return c.cid == cid; });
        shape.push_back(it == columns.end() ? ColumnShape{} : it->shape);
    }
    return shape;
}

}  // namespace admit::replica::detail

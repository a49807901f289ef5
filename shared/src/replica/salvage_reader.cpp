#include "salvage_reader.hpp"

#include <sqlite3.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <set>

namespace admit::replica::detail {

namespace {

constexpr int kNoOwner = -1;
constexpr int kFree = -2;
constexpr int kMaxDepth = 40;  // SQLite's b-trees are at most about 20 deep

// sqlite_schema rows: type, name, tbl_name, rootpage, sql.
bool looksLikeSchemaRecord(const std::vector<std::uint64_t>& t) {
    return t.size() == 5 && isTextType(t[0]) && isTextType(t[1]) && isTextType(t[2]) &&
           isIntegerType(t[3]) && (isTextType(t[4]) || isNullType(t[4]));
}

bool isSchemaType(const std::string& type) {
    return type == "table" || type == "index" || type == "view" || type == "trigger";
}

std::string pageList(std::vector<std::uint32_t> pages) {
    std::sort(pages.begin(), pages.end());
    std::string out;
    for (std::size_t i = 0; i < pages.size(); ++i) {
        if (i == 8) return out + " and " + std::to_string(pages.size() - i) + " more";
        out += (i == 0 ? "" : ", ") + std::to_string(pages[i]);
    }
    return out;
}

}  // namespace

SalvageReader::SalvageReader(PageSource& source, SchemaFactory expected)
    : source_(source), expected_(std::move(expected)) {}

void SalvageReader::analyse() {
    const std::uint32_t pages = source_.pageCount();
    owner_.assign(pages + 1, kNoOwner);
    failedOwner_.assign(pages + 1, kNoOwner);
    Tree schemaTree;
    schemaTree.name = "sqlite_schema";
    schemaTree.root = 1;
    trees_.push_back(std::move(schemaTree));
    walk(0, 1, Range{}, 0);
    walkFreelist();
    schemaComplete_ = trees_[0].holes.empty() && !trees_[0].malformed;
    if (!schemaComplete_) {
        auto groups = groupOrphans();
        attributeSchemaOrphans(groups);
    }
    const std::vector<SchemaEntry> schema = readSchema();
    buildTrees(schema);
    if (!schemaComplete_) {
        const std::string lost = trees_[0].damaged.empty()
                                     ? ""
                                     : " (its page " + pageList(trees_[0].damaged) + " failed)";
        notes_.push_back("the schema may be incomplete" + lost +
                         ": a table whose entry was on a lost page is not listed");
        if (expected_) {
            try {
                // Laid out like the replica (page size, reserved bytes), so that the same
                // statements put each table's root page where they put it in the replica.
                SQLite::Database expected(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
                int reserve = static_cast<int>(source_.pageSize() - source_.usableSize());
                sqlite3_file_control(expected.getHandle(), "main", SQLITE_FCNTL_RESERVE_BYTES,
                                     &reserve);
                expected.exec("PRAGMA page_size=" + std::to_string(source_.pageSize()));
                if (auto made = expected_(expected); made) {
                    addExpectedTrees(expected, schema);
                } else {
                    notes_.push_back("cannot create the expected schema: " + made.error().message);
                }
            } catch (const SQLite::Exception& e) {
                notes_.push_back(std::string("cannot create the expected schema: ") + e.what());
            }
        }
    }
    for (std::size_t t = 1; t < trees_.size(); ++t) {
        if (trees_[t].root != 0) walk(t, trees_[t].root, Range{}, 0);
    }
    attributeOrphans(groupOrphans());
}

void SalvageReader::walk(std::size_t tree, std::uint32_t pgno, Range range, int depth) {
    Tree& t = trees_[tree];
    if (pgno == 0 || pgno > source_.pageCount() || depth > kMaxDepth) {
        t.malformed = true;
        notes_.push_back("a page of " + t.name + " points to page " + std::to_string(pgno) +
                         ", which the database does not have");
        return;
    }
    if (owner_[pgno] >= 0) {
        t.malformed = true;
        notes_.push_back("page " + std::to_string(pgno) + " is reached from both " +
                         trees_[static_cast<std::size_t>(owner_[pgno])].name + " and " + t.name);
        return;
    }
    if (!source_.authentic(pgno)) {
        t.holes.push_back({pgno, range});
        t.damaged.push_back(pgno);
        failedOwner_[pgno] = static_cast<int>(tree);
        return;
    }
    std::vector<std::uint8_t> page;
    std::optional<BtreePage> btree;
    if (source_.read(pgno, page)) btree = parseBtreePage(page, pgno, source_.usableSize());
    if (!btree || btree->kind != t.kind) {
        // Authentic, yet not a page of this b-tree: an older image of the page put back.
        t.holes.push_back({pgno, range});
        t.damaged.push_back(pgno);
        t.malformed = true;
        notes_.push_back("page " + std::to_string(pgno) + " of " + t.name +
                         " authenticates but is not a page of its b-tree (an older copy?)");
        return;
    }
    owner_[pgno] = static_cast<int>(tree);
    t.pages.push_back(pgno);
    if (btree->leaf) return;
    std::vector<std::pair<std::uint32_t, Range>> children;
    Range rest = range;
    for (std::size_t i = 0; i < btree->cellOffsets.size(); ++i) {
        auto cell = parseCell(page, *btree, i, source_.usableSize());
        if (!cell) {
            t.malformed = true;
            continue;
        }
        Range child = rest;
        if (t.kind == BtreeKind::Table) {
            child.hasHigh = true;
            child.high = cell->rowid;
            rest.hasLow = true;
            rest.low = cell->rowid;
        }
        children.emplace_back(cell->leftChild, child);
    }
    children.emplace_back(btree->rightChild, rest);
    page.clear();
    page.shrink_to_fit();
    for (const auto& [child, childRange] : children) walk(tree, child, childRange, depth + 1);
}

// Free pages hold nothing (SQLite zeroes them), but are told apart from orphan pages.
void SalvageReader::walkFreelist() {
    std::vector<std::uint8_t> page;
    if (!source_.read(1, page)) {
        notes_.push_back("the free-page list is unknown (page 1 failed)");
        return;
    }
    const std::uint32_t pages = source_.pageCount();
    std::uint32_t trunk = readBigEndian32(page.data() + 32);
    const std::uint32_t maxLeaves = source_.usableSize() / 4 - 2;
    for (std::uint32_t steps = 0; trunk != 0 && steps < pages; ++steps) {
        if (trunk > pages) break;
        if (!source_.authentic(trunk)) {
            failedOwner_[trunk] = kFree;
            notes_.push_back("the free-page list is damaged at page " + std::to_string(trunk));
            return;
        }
        if (owner_[trunk] == kNoOwner) owner_[trunk] = kFree;
        if (!source_.read(trunk, page)) return;
        const std::uint32_t leaves = std::min(readBigEndian32(page.data() + 4), maxLeaves);
        for (std::uint32_t i = 0; i < leaves; ++i) {
            const std::uint32_t leaf = readBigEndian32(page.data() + 8 + 4 * i);
            if (leaf == 0 || leaf > pages) continue;
            if (owner_[leaf] == kNoOwner) owner_[leaf] = kFree;
            if (!source_.authentic(leaf)) failedOwner_[leaf] = kFree;
        }
        trunk = readBigEndian32(page.data());
    }
}

std::vector<SalvageReader::OrphanGroup> SalvageReader::groupOrphans() {
    const std::uint32_t pages = source_.pageCount();
    const std::uint32_t usable = source_.usableSize();
    struct Info {
        bool orphan = false;
        BtreeKind kind = BtreeKind::Table;
        std::vector<std::uint32_t> children;
    };
    std::vector<Info> info(pages + 1);
    std::vector<std::uint8_t> page;
    for (std::uint32_t pgno = 1; pgno <= pages; ++pgno) {
        if (owner_[pgno] != kNoOwner || !source_.read(pgno, page)) continue;
        auto btree = parseBtreePage(page, pgno, usable);
        if (!btree) continue;
        info[pgno].orphan = true;
        info[pgno].kind = btree->kind;
        if (btree->leaf) continue;
        for (std::size_t i = 0; i < btree->cellOffsets.size(); ++i) {
            if (auto cell = parseCell(page, *btree, i, usable)) {
                info[pgno].children.push_back(cell->leftChild);
            }
        }
        info[pgno].children.push_back(btree->rightChild);
    }
    std::vector<bool> referenced(pages + 1, false);
    for (std::uint32_t pgno = 1; pgno <= pages; ++pgno) {
        for (std::uint32_t child : info[pgno].children) {
            if (child <= pages && info[child].orphan && info[child].kind == info[pgno].kind) {
                referenced[child] = true;
            }
        }
    }
    std::vector<bool> grouped(pages + 1, false);
    std::vector<OrphanGroup> groups;
    auto collect = [&](std::uint32_t root) {
        OrphanGroup group;
        group.kind = info[root].kind;
        std::vector<std::uint32_t> stack{root};
        grouped[root] = true;
        while (!stack.empty()) {
            const std::uint32_t pgno = stack.back();
            stack.pop_back();
            group.pages.push_back(pgno);
            const auto& children = info[pgno].children;
            for (auto it = children.rbegin(); it != children.rend(); ++it) {
                const std::uint32_t child = *it;
                if (child <= pages && info[child].orphan && !grouped[child] &&
                    info[child].kind == group.kind) {
                    grouped[child] = true;
                    stack.push_back(child);
                }
            }
        }
        for (std::uint32_t pgno : group.pages) {
            if (!source_.read(pgno, page)) continue;
            auto btree = parseBtreePage(page, pgno, usable);
            if (!btree) continue;
            for (std::size_t i = 0; i < btree->cellOffsets.size(); ++i) {
                auto cell = parseCell(page, *btree, i, usable);
                if (!cell || !cell->hasPayload) continue;
                group.cells += 1;
                if (group.kind == BtreeKind::Table) {
                    group.minRowid = std::min(group.minRowid.value_or(cell->rowid), cell->rowid);
                    group.maxRowid = std::max(group.maxRowid.value_or(cell->rowid), cell->rowid);
                }
                if (auto types = recordSerialTypes(cell->local)) {
                    group.recordTypes.push_back(std::move(*types));
                }
            }
        }
        groups.push_back(std::move(group));
    };
    for (std::uint32_t pgno = 1; pgno <= pages; ++pgno) {
        if (info[pgno].orphan && !referenced[pgno] && !grouped[pgno]) collect(pgno);
    }
    for (std::uint32_t pgno = 1; pgno <= pages; ++pgno) {
        if (info[pgno].orphan && !grouped[pgno]) collect(pgno);  // a cycle of orphan pages
    }
    return groups;
}

// sqlite_schema's own rows are recognisable anywhere: five columns, the first naming a kind of
// schema object.
void SalvageReader::attributeSchemaOrphans(std::vector<OrphanGroup>& groups) {
    const std::uint32_t usable = source_.usableSize();
    std::vector<std::uint8_t> page;
    std::vector<std::uint8_t> payload;
    for (const OrphanGroup& group : groups) {
        if (group.kind != BtreeKind::Table || group.cells == 0 ||
            group.recordTypes.size() != group.cells ||
            !std::all_of(group.recordTypes.begin(), group.recordTypes.end(),
                         looksLikeSchemaRecord)) {
            continue;
        }
        bool schemaRows = true;
        for (std::uint32_t pgno : group.pages) {
            if (!schemaRows || !source_.read(pgno, page)) break;
            auto btree = parseBtreePage(page, pgno, usable);
            for (std::size_t i = 0; btree && i < btree->cellOffsets.size(); ++i) {
                auto cell = parseCell(page, *btree, i, usable);
                std::uint32_t failed = 0;
                if (!cell || !cell->hasPayload) continue;
                std::optional<std::vector<Value>> values;
                if (readPayload(*cell, payload, failed)) values = decodeRecord(payload);
                if (!values || values->empty() || !isSchemaType(values->front().bytes)) {
                    schemaRows = false;
                }
            }
        }
        if (!schemaRows) continue;
        for (std::uint32_t pgno : group.pages) {
            owner_[pgno] = 0;
            trees_[0].orphanPages.push_back(pgno);
        }
    }
    if (!trees_[0].orphanPages.empty()) {
        notes_.push_back("the schema's entries were found on orphan pages " +
                         pageList(trees_[0].orphanPages));
    }
}

std::vector<SalvageReader::SchemaEntry> SalvageReader::readSchema() {
    std::vector<SchemaEntry> entries;
    std::set<std::string> names;
    visitTree(0, [&](const SalvagedRow& row) {
        const auto& v = row.values;
        if (v.size() != 5 || v[0].type != Value::Type::Text || v[1].type != Value::Type::Text ||
            v[2].type != Value::Type::Text || v[3].type != Value::Type::Integer) {
            return;
        }
        if (!names.insert(v[1].bytes).second) return;
        SchemaEntry e{v[0].bytes, v[1].bytes, v[2].bytes, v[3].integer, std::nullopt};
        if (v[4].type == Value::Type::Text) e.sql = v[4].bytes;
        entries.push_back(std::move(e));
    });
    return entries;
}

void SalvageReader::buildTrees(const std::vector<SchemaEntry>& schema) {
    SQLite::Database definitions(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    std::set<std::string> defined;
    for (const char* type : {"table", "index"}) {
        for (const SchemaEntry& e : schema) {
            if (e.type != type || !e.sql || e.name.rfind("sqlite_", 0) == 0 || e.rootpage <= 0) {
                continue;
            }
            // An index whose table's entry was lost: its pages are still walked from its root.
            if (e.type == "index" && defined.count(e.tableName) == 0) continue;
            try {
                definitions.exec(*e.sql);
                defined.insert(e.name);
            } catch (const SQLite::Exception& ex) {
                notes_.push_back("cannot read the definition of " + e.name + ": " + ex.what());
            }
        }
    }
    std::set<std::int64_t> tableRoots;
    for (const SchemaEntry& e : schema) {
        if (e.type != "table" || e.rootpage <= 0) continue;
        if (e.rootpage > source_.pageCount()) {
            notes_.push_back("table " + e.name + " has its root at page " +
                             std::to_string(e.rootpage) + ", past the end of the database");
            continue;
        }
        tableRoots.insert(e.rootpage);
        Tree tree;
        tree.name = e.name;
        tree.root = static_cast<std::uint32_t>(e.rootpage);
        if (defined.count(e.name) != 0) {
            try {
                if (auto layout = layoutOf(definitions, e.name)) {
                    tree.kind = layout->withoutRowid ? BtreeKind::Index : BtreeKind::Table;
                    tree.table = static_cast<int>(tables_.size());
                    tableTree_.push_back(trees_.size());
                    tables_.push_back(std::move(*layout));
                }
            } catch (const SQLite::Exception& ex) {
                notes_.push_back("cannot read the columns of " + e.name + ": " + ex.what());
            }
        }
        trees_.push_back(std::move(tree));  // sqlite_sequence and the like: walked, not copied
    }
    for (const SchemaEntry& e : schema) {
        if (e.type != "index" || e.rootpage <= 0 || e.rootpage > source_.pageCount() ||
            tableRoots.count(e.rootpage) != 0) {
            continue;
        }
        Tree tree;
        tree.name = e.name;
        tree.kind = BtreeKind::Index;
        tree.root = static_cast<std::uint32_t>(e.rootpage);
        try {
            tree.shape = indexShape(definitions, e.name);
        } catch (const SQLite::Exception&) {
        }
        trees_.push_back(std::move(tree));
    }
}

// Tables and indexes the caller expects whose schema entries were not found: their pages are
// orphans, recognised by the shape of their rows.
void SalvageReader::addExpectedTrees(SQLite::Database& expected,
                                     const std::vector<SchemaEntry>& schema) {
    std::set<std::string> known;
    for (const SchemaEntry& e : schema) known.insert(e.name);
    SQLite::Statement objects(expected,
                              "SELECT type, name, rootpage FROM sqlite_schema WHERE rootpage > 0 "
                              "AND (type = 'index' OR (type = 'table' AND name NOT LIKE "
                              "'sqlite_%')) ORDER BY type DESC, rowid");
    while (objects.executeStep()) {
        const std::string type = objects.getColumn(0).getString();
        const std::string name = objects.getColumn(1).getString();
        if (known.count(name) != 0) continue;
        Tree tree;
        tree.name = name;
        tree.expectedRoot = static_cast<std::uint32_t>(objects.getColumn(2).getInt64());
        if (type == "table") {
            auto layout = layoutOf(expected, name);
            if (!layout) continue;
            tree.kind = layout->withoutRowid ? BtreeKind::Index : BtreeKind::Table;
            tree.table = static_cast<int>(tables_.size());
            tableTree_.push_back(trees_.size());
            tables_.push_back(std::move(*layout));
            notes_.push_back("the schema entry of table " + name +
                             " is unreadable: its rows are recognised by their columns");
        } else {
            tree.kind = BtreeKind::Index;
            tree.shape = indexShape(expected, name);
        }
        trees_.push_back(std::move(tree));
    }
}

void SalvageReader::attributeOrphans(const std::vector<OrphanGroup>& groups) {
    for (const OrphanGroup& group : groups) {
        if (group.cells == 0) continue;
        // Trees whose damaged part the group fits; those whose column count every record
        // matches exactly are preferred to those it fits only as shorter rows.
        std::vector<std::size_t> exact;
        std::vector<std::size_t> shorter;
        for (std::size_t t = 1; t < trees_.size(); ++t) {
            const Tree& tree = trees_[t];
            if (tree.kind != group.kind || (tree.root != 0 && tree.holes.empty())) continue;
            const std::vector<ColumnShape>* shape = &tree.shape;
            int alias = -1;
            bool shortRows = false;  // index entries have all their columns
            if (tree.table >= 0) {
                const TableLayout& layout = tables_[static_cast<std::size_t>(tree.table)];
                shape = &layout.shape;
                alias = layout.withoutRowid ? -1 : layout.rowidAlias;
                shortRows = true;  // rows written before a column was added
            }
            if (shape->empty() || group.recordTypes.empty()) continue;
            const bool shapeFits = std::all_of(group.recordTypes.begin(), group.recordTypes.end(),
                                               [&](const std::vector<std::uint64_t>& types) {
                                                   return fits(*shape, alias, types, !shortRows);
                                               });
            if (!shapeFits) continue;
            if (group.kind == BtreeKind::Table && tree.root != 0) {
                const bool inAHole =
                    std::any_of(tree.holes.begin(), tree.holes.end(), [&](const Hole& hole) {
                        return hole.range.contains(*group.minRowid, *group.maxRowid);
                    });
                if (!inAHole) continue;
            }
            const bool allExact = std::all_of(group.recordTypes.begin(), group.recordTypes.end(),
                                              [&](const std::vector<std::uint64_t>& types) {
                                                  return types.size() == shape->size();
                                              });
            (allExact ? exact : shorter).push_back(t);
        }
        std::vector<std::size_t> candidates = exact.empty() ? shorter : exact;
        if (candidates.size() > 1) {
            // Tables of the same shape whose schema entries were lost (the outbox and
            // received_checkins, say): the one whose root page the expected schema puts where
            // this group's root is, if exactly one.
            std::vector<std::size_t> atRoot;
            for (std::size_t t : candidates) {
                if (trees_[t].root == 0 && trees_[t].expectedRoot == group.pages.front()) {
                    atRoot.push_back(t);
                }
            }
            if (atRoot.size() == 1) candidates = atRoot;
        }
        if (candidates.size() == 1) {
            Tree& tree = trees_[candidates.front()];
            for (std::uint32_t pgno : group.pages) {
                owner_[pgno] = static_cast<int>(candidates.front());
                tree.orphanPages.push_back(pgno);
            }
            continue;
        }
        // Entries of indexes only: the new replica rebuilds its indexes from the rows.
        const bool onlyIndexes = !candidates.empty() &&
                                 std::none_of(candidates.begin(), candidates.end(),
                                              [&](std::size_t t) { return trees_[t].table >= 0; });
        if (onlyIndexes) continue;
        unattributedRows_ += group.cells;
        unattributedPages_.insert(unattributedPages_.end(), group.pages.begin(), group.pages.end());
        std::string why = "no table with damaged pages has rows like these";
        if (!candidates.empty()) {
            why = "they could belong to";
            for (std::size_t i = 0; i < candidates.size(); ++i) {
                why += (i == 0 ? " " : " or ") + trees_[candidates[i]].name;
            }
        }
        notes_.push_back(std::to_string(group.cells) + " rows on orphan pages " +
                         pageList(group.pages) + " were not copied: " + why);
    }
}

bool SalvageReader::readPayload(const Cell& cell, std::vector<std::uint8_t>& payload,
                                std::uint32_t& failedPage) {
    failedPage = 0;
    payload.assign(cell.local.begin(), cell.local.end());
    std::uint64_t remaining = cell.payloadSize - cell.local.size();
    std::uint32_t next = cell.firstOverflow;
    const std::uint32_t perPage = overflowBytesPerPage(source_.usableSize());
    for (std::uint32_t steps = 0; remaining > 0; ++steps) {
        if (next == 0 || next > source_.pageCount() || steps >= source_.pageCount()) return false;
        if (!source_.read(next, scratch_)) {
            failedPage = next;
            return false;
        }
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, perPage));
        payload.insert(payload.end(), scratch_.begin() + 4,
                       scratch_.begin() + 4 + static_cast<std::ptrdiff_t>(n));
        remaining -= n;
        next = readBigEndian32(scratch_.data());
    }
    return true;
}

void SalvageReader::visitTree(std::size_t treeIndex,
                              const std::function<void(const SalvagedRow&)>& visit) {
    Tree& tree = trees_[treeIndex];
    const TableLayout* layout =
        tree.table >= 0 ? &tables_[static_cast<std::size_t>(tree.table)] : nullptr;
    const std::uint32_t usable = source_.usableSize();
    Stats stats;
    stats.counted = true;
    std::vector<std::uint8_t> page;
    std::vector<std::uint8_t> payload;
    auto visitPage = [&](std::uint32_t pgno, bool orphan) {
        std::optional<BtreePage> btree;
        if (source_.read(pgno, page)) btree = parseBtreePage(page, pgno, usable);
        if (!btree) return;
        for (std::size_t i = 0; i < btree->cellOffsets.size(); ++i) {
            auto cell = parseCell(page, *btree, i, usable);
            if (!cell) {
                stats.lostCells += 1;
                continue;
            }
            if (!cell->hasPayload) continue;
            std::uint32_t failed = 0;
            std::optional<std::vector<Value>> values;
            if (readPayload(*cell, payload, failed)) values = decodeRecord(payload);
            if (!values) {
                stats.lostCells += 1;
                if (failed != 0) {
                    stats.damagedOverflow.push_back(failed);
                    failedOwner_[failed] = static_cast<int>(treeIndex);
                }
                continue;
            }
            SalvagedRow row;
            row.rowid = cell->rowid;
            row.fromOrphanPage = orphan;
            row.values = std::move(*values);
            if (layout != nullptr && !layout->withoutRowid && layout->rowidAlias >= 0) {
                const auto alias = static_cast<std::size_t>(layout->rowidAlias);
                if (alias < row.values.size() && row.values[alias].type == Value::Type::Null) {
                    row.values[alias].type = Value::Type::Integer;
                    row.values[alias].integer = row.rowid;
                }
            }
            stats.rows += 1;
            if (orphan) stats.rowsFromOrphans += 1;
            if (tree.kind == BtreeKind::Table) {
                stats.minRowid = std::min(stats.minRowid.value_or(row.rowid), row.rowid);
                stats.maxRowid = std::max(stats.maxRowid.value_or(row.rowid), row.rowid);
            }
            visit(row);
        }
    };
    for (std::uint32_t pgno : tree.pages) visitPage(pgno, false);
    for (std::uint32_t pgno : tree.orphanPages) visitPage(pgno, true);
    tree.stats = std::move(stats);
}

void SalvageReader::forEachRow(std::size_t table,
                               const std::function<void(const SalvagedRow&)>& visit) {
    visitTree(tableTree_.at(table), visit);
}

DamageReport SalvageReader::report() {
    DamageReport report;
    for (std::size_t i = 0; i < tables_.size(); ++i) {
        Tree& tree = trees_[tableTree_[i]];
        if (!tree.stats.counted) visitTree(tableTree_[i], [](const SalvagedRow&) {});
        TableDamage d;
        d.name = tree.name;
        d.rowsReadable = tree.stats.rows;
        d.rowsFromOrphanPages = tree.stats.rowsFromOrphans;
        d.complete =
            tree.root != 0 && tree.holes.empty() && !tree.malformed && tree.stats.lostCells == 0;
        d.damagedPages = tree.damaged;
        d.damagedPages.insert(d.damagedPages.end(), tree.stats.damagedOverflow.begin(),
                              tree.stats.damagedOverflow.end());
        std::sort(d.damagedPages.begin(), d.damagedPages.end());
        d.damagedPages.erase(std::unique(d.damagedPages.begin(), d.damagedPages.end()),
                             d.damagedPages.end());
        if (!tables_[i].withoutRowid) {
            d.minRowid = tree.stats.minRowid;
            d.maxRowid = tree.stats.maxRowid;
        }
        report.tables.push_back(std::move(d));
    }
    for (const FailedImage& f : source_.failures()) {
        DamagedPage p;
        p.file = f.walFrame != 0 ? source_.walPath() : source_.databasePath();
        p.page = f.pgno;
        p.walFrame = f.walFrame;
        p.superseded = f.superseded;
        p.missing = f.missing;
        if (!f.superseded && f.pgno >= 1 && f.pgno < failedOwner_.size()) {
            const int owner = failedOwner_[f.pgno];
            if (owner >= 0) p.owner = trees_[static_cast<std::size_t>(owner)].name;
            if (owner == kFree) p.owner = "free-page list";
        }
        report.pages.push_back(std::move(p));
    }
    report.notes = source_.notes();
    report.notes.insert(report.notes.end(), notes_.begin(), notes_.end());
    report.unattributedRows = unattributedRows_;
    report.unattributedPages = unattributedPages_;
    std::sort(report.unattributedPages.begin(), report.unattributedPages.end());
    report.schemaComplete = schemaComplete_;
    return report;
}

}  // namespace admit::replica::detail

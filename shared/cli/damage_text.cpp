#include "damage_text.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "admit/store/outbox.hpp"

namespace admit::cli {

using json = nlohmann::json;

namespace {

std::string pageNumbers(const std::vector<std::uint32_t>& pages) {
    std::string out;
    for (std::uint32_t p : pages) out += (out.empty() ? "" : ", ") + std::to_string(p);
    return out;
}

json damagedPagesJson(const replica::DamageReport& damage) {
    json pages = json::array();
    for (const auto& p : damage.pages) {
        pages.push_back({{"file", p.file},
                         {"page", p.page},
                         {"wal_frame", p.walFrame},
                         {"superseded", p.superseded},
                         {"missing", p.missing},
                         {"table", p.owner}});
    }
    return pages;
}

json tableDamageJson(const replica::TableDamage& t) {
    json out = {{"name", t.name},
                {"rows_readable", t.rowsReadable},
                {"rows_from_orphan_pages", t.rowsFromOrphanPages},
                {"complete", t.complete},
                {"damaged_pages", t.damagedPages}};
    if (t.minRowid) out["min_rowid"] = *t.minRowid;
    if (t.maxRowid) out["max_rowid"] = *t.maxRowid;
    return out;
}

json damageJson(const replica::DamageReport& damage) {
    json tables = json::array();
    for (const auto& t : damage.tables) tables.push_back(tableDamageJson(t));
    const replica::TableDamage* outbox = damage.table(store::kOutboxTable);
    return {{"damaged_pages", damagedPagesJson(damage)},
            {"tables", tables},
            {"outbox_readable", outbox ? outbox->rowsReadable : 0},
            {"outbox_complete", outbox ? outbox->complete : false},
            {"schema_complete", damage.schemaComplete},
            {"unattributed_rows", damage.unattributedRows},
            {"notes", damage.notes}};
}

std::string count(std::uint64_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

// The outbox's sequence numbers are dense from 1, so gaps below the highest one readable are
// entries lost (entries above it cannot be counted).
std::string outboxText(const replica::TableDamage& outbox) {
    std::string text = count(outbox.rowsReadable, "entry", "entries") + " readable";
    if (!outbox.maxRowid) return text;
    const std::int64_t missing = *outbox.maxRowid - static_cast<std::int64_t>(outbox.rowsReadable);
    if (missing == 0) return text + " (seq 1 to " + std::to_string(*outbox.maxRowid) + ")";
    return text + " (seq up to " + std::to_string(*outbox.maxRowid) + ", " +
           std::to_string(missing) + " of them missing)";
}

std::string tableState(const replica::TableDamage& t) {
    std::string text;
    if (t.rowsFromOrphanPages != 0) {
        text += ", " + std::to_string(t.rowsFromOrphanPages) + " of them on orphan pages";
    }
    if (t.complete) return text + ", complete";
    text += ", incomplete";
    if (!t.damagedPages.empty()) text += ": page " + pageNumbers(t.damagedPages) + " failed";
    return text;
}

// The outbox first, then every table with rows or damage.
std::string readableText(const replica::DamageReport& damage) {
    std::string text;
    if (const auto* outbox = damage.table(store::kOutboxTable)) {
        text +=
            "\n  outbox (check-ins for the server): " + outboxText(*outbox) + tableState(*outbox);
    } else {
        text += "\n  outbox (check-ins for the server): not found";
    }
    for (const auto& t : damage.tables) {
        if (t.name == store::kOutboxTable || (t.rowsReadable == 0 && t.complete)) continue;
        text += "\n  " + t.name + ": " + count(t.rowsReadable, "row", "rows") + tableState(t);
    }
    if (damage.unattributedRows != 0) {
        text += "\n  " + count(damage.unattributedRows, "row", "rows") + " on pages " +
                pageNumbers(damage.unattributedPages) + " belong to no table that can be told";
    }
    return text;
}

}  // namespace

std::string damagedCheckText(const std::string& path, const std::string& keyFile,
                             const replica::IntegrityReport& report) {
    std::string text = "replica " + path + " is damaged:";
    for (const auto& p : report.problems) text += "\n  " + p;
    text += "\nstill readable:" + readableText(report.damage);
    text += "\nto keep what is readable: admit --db " + path + " --key-file " + keyFile +
            " replica salvage --out NEW";
    return text;
}

json damagedCheckJson(const replica::IntegrityReport& report) {
    json out = damageJson(report.damage);
    out["ok"] = report.ok;
    out["problems"] = report.problems;
    out["pages_authenticated"] = report.pagesAuthenticated;
    return out;
}

std::string salvageText(const std::string& from, const std::string& to,
                        const replica::SalvageReport& report) {
    const replica::DamageReport& damage = report.damage;
    std::string text = "salvaged " + from + " into " + to + ":";
    for (const auto& copy : report.copied) {
        const replica::TableDamage* found = damage.table(copy.name);
        if (copy.rowsCopied == 0 && copy.rowsNotCopied == 0 && (!found || found->complete)) {
            continue;
        }
        text += "\n  " + copy.name + ": " + count(copy.rowsCopied, "row", "rows") + " copied";
        if (found) text += tableState(*found);
        if (copy.rowsNotCopied != 0) {
            text += "; " + std::to_string(copy.rowsNotCopied) + " not copied" +
                    (copy.error.empty() ? " (duplicates)" : ": " + copy.error);
        }
        if (copy.newSchemaRowsKept != 0) {
            text += "; " + std::to_string(copy.newSchemaRowsKept) +
                    " rows of the new schema kept where the damaged replica had none";
        }
    }
    if (const auto* outbox = damage.table(store::kOutboxTable); outbox && !outbox->complete) {
        text += "\noutbox: " + outboxText(*outbox);
    }
    if (!damage.pages.empty()) text += "\ndamaged:";
    for (const auto& p : damage.pages) {
        text += "\n  page " + std::to_string(p.page) +
                (p.walFrame != 0 ? " in " + p.file + " (frame " + std::to_string(p.walFrame) + ")"
                                 : " of " + p.file) +
                (p.missing ? " is missing" : " failed authentication") +
                (p.superseded      ? " (an older image, not in use)"
                 : p.owner.empty() ? ""
                                   : " (" + p.owner + ")");
    }
    for (const auto& note : damage.notes) text += "\n  " + note;
    for (const auto& column : report.columnsNotCopied) {
        text += "\n  column " + column + " is not in the new schema: not copied";
    }
    // Lost for certain, or only perhaps: a table whose schema entry was lost cannot be counted.
    const bool tablesComplete =
        damage.unattributedRows == 0 &&
        std::all_of(damage.tables.begin(), damage.tables.end(),
                    [](const replica::TableDamage& t) { return t.complete; }) &&
        std::all_of(report.copied.begin(), report.copied.end(),
                    [](const replica::TableCopy& t) { return t.rowsNotCopied == 0; });
    text += report.everyRowCopied() ? "\nnothing was lost"
            : tablesComplete        ? "\nevery table found is complete, but the schema was "
                                      "damaged: a table may be missing"
                                    : "\nrows were lost or may be missing (above)";
    return text;
}

json salvageJson(const std::string& from, const std::string& to,
                 const replica::SalvageReport& report) {
    const replica::DamageReport& damage = report.damage;
    json tables = json::array();
    for (const auto& copy : report.copied) {
        const replica::TableDamage* found = damage.table(copy.name);
        tables.push_back(
            {{"name", copy.name},
             {"rows_copied", copy.rowsCopied},
             {"rows_from_orphan_pages", copy.rowsFromOrphanPages},
             {"rows_not_copied", copy.rowsNotCopied},
             {"new_schema_rows_kept", copy.newSchemaRowsKept},
             {"complete", found ? found->complete : false},
             {"damaged_pages", found ? found->damagedPages : std::vector<std::uint32_t>{}},
             {"error", copy.error}});
    }
    return {{"replica", to},
            {"from", from},
            {"tables", tables},
            {"damaged_pages", damagedPagesJson(damage)},
            {"unattributed_rows", damage.unattributedRows},
            {"columns_not_copied", report.columnsNotCopied},
            {"notes", damage.notes},
            {"nothing_lost", report.everyRowCopied()}};
}

}  // namespace admit::cli

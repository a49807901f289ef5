// CSV import without a database: the RFC 4180 reader, the format told from the header row
// (pretix, Eventbrite, Admit's own) and every row mapped to Admit's terms, for the detected
// format and for each named one (--format). Properties: never crashes; a refused text names a
// line within the text; records start on increasing lines; every problem names the source and a
// line of the text and starts with the source; a row with a problem is not mapped; a mapped row
// keeps its record's line, has a name, an email and a type, and (pretix, Eventbrite) the order
// position that identifies it.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "admit/organiser/column_mapping.hpp"
#include "admit/organiser/csv_reader.hpp"
#include "admit/organiser/import_format.hpp"
#include "fuzz_check.hpp"

namespace {

using admit::organiser::ColumnMapping;
using admit::organiser::CsvRecord;
using admit::organiser::ImportFormat;
using admit::organiser::ImportProblem;

const std::string kSource = "fuzz.csv";

int lineCount(std::string_view text) {
    return 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

void checkProblem(const ImportProblem& problem, int lines) {
    ADMIT_FUZZ_CHECK(problem.source == kSource);
    ADMIT_FUZZ_CHECK(problem.line >= 0 && problem.line <= lines);
    ADMIT_FUZZ_CHECK(problem.message.starts_with(kSource));
}

void mapAll(ImportFormat format, const std::vector<CsvRecord>& records, int lines) {
    auto mapping = ColumnMapping::fromHeader(format, records.front(), kSource);
    if (!mapping.ok()) {
        checkProblem(mapping.error(), lines);
        return;
    }
    ADMIT_FUZZ_CHECK(mapping->format() == format);
    std::vector<ImportProblem> problems;
    for (std::size_t r = 1; r < records.size(); ++r) {
        const std::size_t before = problems.size();
        auto row = mapping->map(records[r], problems);
        if (!row) {
            ADMIT_FUZZ_CHECK(problems.size() > before);  // a refused row says why
            continue;
        }
        ADMIT_FUZZ_CHECK(problems.size() == before);  // a row with a problem is not mapped
        ADMIT_FUZZ_CHECK(row->line == records[r].line);
        ADMIT_FUZZ_CHECK(!row->name.empty() && !row->email.empty() && !row->ticketType.empty());
        if (format != ImportFormat::kAdmit) {
            const std::string prefix(admit::organiser::importFormatName(format));
            ADMIT_FUZZ_CHECK(row->orderPosition.starts_with(prefix + ":"));
        }
    }
    for (const auto& problem : problems) checkProblem(problem, lines);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const int lines = lineCount(text);
    auto records = admit::organiser::parseCsv(text, kSource);
    if (!records.ok()) {
        ADMIT_FUZZ_CHECK(records.error().line >= 1 && records.error().line <= lines);
        ADMIT_FUZZ_CHECK(!records.error().message.empty());
        return 0;
    }
    if (records->empty()) return 0;
    int previous = 0;
    for (const CsvRecord& record : *records) {
        ADMIT_FUZZ_CHECK(record.line > previous && record.line <= lines);
        previous = record.line;
    }
    if (auto detected = admit::organiser::detectImportFormat(records->front().fields)) {
        mapAll(*detected, *records, lines);
    }
    for (ImportFormat format :
         {ImportFormat::kAdmit, ImportFormat::kPretix, ImportFormat::kEventbrite}) {
        mapAll(format, *records, lines);
    }
    return 0;
}

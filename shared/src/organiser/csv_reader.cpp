#include "admit/organiser/csv_reader.hpp"

#include "admit/codec/utf8.hpp"

namespace admit::organiser {

namespace {

Failure<CsvError> csvError(CsvError::Kind kind, const std::string& sourceName, int line,
                           const std::string& what) {
    return fail(CsvError{kind, line, sourceName + ":" + std::to_string(line) + ": " + what});
}

}  // namespace

Result<std::vector<CsvRecord>, CsvError> parseCsv(std::string_view text,
                                                  const std::string& sourceName) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    if (auto bad = codec::findInvalidUtf8(text)) {
        int line = 1;
        for (std::size_t i = 0; i < *bad; ++i) line += text[i] == '\n';
        return csvError(CsvError::Kind::kInvalidUtf8, sourceName, line,
                        "the file is not valid UTF-8");
    }
    std::vector<CsvRecord> records;
    CsvRecord record{1, {}};
    std::string field;
    int line = 1;
    bool quoted = false;      // inside a quoted field
    bool afterQuote = false;  // a quoted field just closed: only , or a line end may follow
    bool recordStarted = false;
    auto endField = [&] {
        record.fields.push_back(std::move(field));
        field.clear();
        afterQuote = false;
    };
    auto endRecord = [&] {
        endField();
        // A line with nothing on it is not a record.
        if (!(record.fields.size() == 1 && record.fields[0].empty())) {
            records.push_back(std::move(record));
        }
        record = CsvRecord{line + 1, {}};
        recordStarted = false;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field.push_back('"');
                    ++i;
                } else {
                    quoted = false;
                    afterQuote = true;
                }
            } else {
                if (c == '\n') ++line;
                field.push_back(c);
            }
            continue;
        }
        if (c == ',') {
            endField();
            recordStarted = true;
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            continue;  // the \n ends the record
        } else if (c == '\n') {
            endRecord();
            ++line;
        } else if (afterQuote) {
            return csvError(CsvError::Kind::kMisplacedQuote, sourceName, line,
                            "field " + std::to_string(record.fields.size() + 1) +
                                ": text after a closing quote (write \"\" for a quote inside a "
                                "field)");
        } else if (c == '"') {
            if (!field.empty()) {
                return csvError(CsvError::Kind::kMisplacedQuote, sourceName, line,
                                "field " + std::to_string(record.fields.size() + 1) +
                                    ": a quote in the middle of an unquoted field");
            }
            quoted = true;
            recordStarted = true;
        } else {
            field.push_back(c);
            recordStarted = true;
        }
    }
    if (quoted) {
        return csvError(CsvError::Kind::kUnclosedQuote, sourceName, record.line,
                        "a quoted field is never closed");
    }
    if (recordStarted || !field.empty()) endRecord();
    return records;
}

}  // namespace admit::organiser

#pragma once
// An RFC 4180 CSV reader: comma-separated, fields optionally in double quotes with "" for a
// quote, quoted fields may span lines, CRLF or LF line ends, UTF-8 with an optional BOM.
// Each record remembers the line it starts on so errors can name it.

#include <string>
#include <string_view>
#include <vector>

#include "admit/base/result.hpp"

namespace admit::organiser {

struct CsvRecord {
    int line = 0;  // 1-based line where the record starts
    std::vector<std::string> fields;
};

// Why a text is not CSV; callers decide by the kind, the message names source, line and field.
struct CsvError {
    enum class Kind {
        kInvalidUtf8,
        kMisplacedQuote,  // a quote inside an unquoted field, or text after a closing quote
        kUnclosedQuote,
    };
    Kind kind = Kind::kInvalidUtf8;
    int line = 0;
    std::string message;
};

// Errors name the source (a file name, for messages), the line and what is wrong.
Result<std::vector<CsvRecord>, CsvError> parseCsv(std::string_view text,
                                                  const std::string& sourceName);

}  // namespace admit::organiser

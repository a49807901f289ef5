#pragma once
// Why an attendee list was not imported: every problem found (up to a limit), each with its kind,
// file, line and the file's own column name. Callers decide by the kind, never by the words; the
// message is for a person, one problem a line. Nothing is imported when there is any problem.

#include <cstddef>
#include <string>
#include <vector>

namespace admit::organiser {

struct ImportProblem {
    enum class Kind {
        kUnreadableFile,     // the file cannot be read
        kUnknownEvent,       // the event named does not exist
        kInvalidCsv,         // not UTF-8, or a quote out of place
        kEmptyFile,          // no header row
        kUnknownFormat,      // the header is none of the recognised formats
        kUnknownColumn,      // Admit's format: a column it does not know
        kDuplicateColumn,    // the same column twice in the header
        kMissingColumn,      // the format needs a column the header lacks
        kFieldCount,         // a row has more or fewer fields than the header
        kEmptyValue,         // a value the attendee needs is empty
        kBadEmail,           // not an email address
        kUnknownTicketType,  // not a ticket type of the event
        kBadStatus,          // not a status of the format
        kDuplicateCode,      // the same barcode on two rows
        kDuplicateRow,       // the same order position (or attendee number) on two rows
        kCodeTaken,          // the barcode already belongs to another attendee of the event
        kStorage,            // the database refused; nothing was changed
    };
    Kind kind = Kind::kStorage;
    std::string source;   // the file name given
    int line = 0;         // 1-based; 0 for the file as a whole
    std::string column;   // as the file spells it; empty when no single column is at fault
    std::string message;  // the whole line for a person: "FILE:LINE: field 'COLUMN': what"
};

struct ImportError {
    std::vector<ImportProblem> problems;  // never empty; in the order found
    std::string message;                  // every problem's message, one a line

    ImportProblem::Kind kind() const { return problems.front().kind; }
};

// Joins the problems' messages (at most `limit` of them, then how many more), and when rows were
// checked says that nothing was imported.
ImportError importError(std::vector<ImportProblem> problems, bool rowsChecked,
                        std::size_t limit = 20);

}  // namespace admit::organiser

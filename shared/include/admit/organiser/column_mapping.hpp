#pragma once
// Where an attendee list's columns go in Admit's terms, for one format and one header row: name,
// email, ticket type (by name), status, barcode (an opaque code), and for pretix and Eventbrite
// the order position that identifies the attendee across re-exports. Columns Admit has no use
// for are named in ignoredColumns(). Pure: no database; the ticket type's name is checked by the
// importer against the event.

#include <optional>
#include <string>
#include <vector>

#include "admit/base/result.hpp"
#include "admit/organiser/csv_reader.hpp"
#include "admit/organiser/import_error.hpp"
#include "admit/organiser/import_format.hpp"
#include "admit/store/attendees.hpp"

namespace admit::organiser {

// One row of any format, in Admit's terms.
struct MappedRow {
    int line = 0;
    std::string name;
    std::string email;
    std::string ticketType;        // the type's name as the file spells it
    std::string ticketTypeColumn;  // the column it came from, for messages
    store::AttendeeStatus status = store::AttendeeStatus::kApproved;
    std::string code;        // the barcode, empty when none
    std::string codeColumn;  // the column it came from, for messages
    // pretix: "pretix:ORDER/POSITION"; Eventbrite: "eventbrite:ORDER/ATTENDEE"; empty for Admit's
    // format. The importer keeps it only as a blind index.
    std::string orderPosition;
    std::string attentionNote;
};

class ColumnMapping {
  public:
    // The format's columns found in the header. Missing a column the format needs is an error
    // (kMissingColumn); so is, in Admit's own format, a column it does not know.
    static Result<ColumnMapping, ImportProblem> fromHeader(ImportFormat format,
                                                           const CsvRecord& header,
                                                           const std::string& source);

    // The row in Admit's terms, or nothing with its problems appended (each naming the line and
    // the file's column).
    std::optional<MappedRow> map(const CsvRecord& record,
                                 std::vector<ImportProblem>& problems) const;

    ImportFormat format() const { return format_; }
    // The header's columns that no field is read from, as the file spells them, in file order.
    const std::vector<std::string>& ignoredColumns() const { return ignored_; }

    // What each column means; public for the table of the format's columns in the .cpp.
    enum class Field {
        kName,       // the full name
        kFirstName,  // joined with kLastName by a space
        kLastName,
        kFallbackName,  // used when the name is empty (pretix: the invoice address name)
        kEmail,         // the attendee's own
        kOrderEmail,    // used when kEmail is empty or absent (pretix: the buyer's)
        kTicketType,
        kStatus,
        kCode,
        kOrder,
        kPosition,
        kAttentionNote,
        kCount,
    };

  private:
    ColumnMapping() = default;
    std::string value(const CsvRecord& record, Field field) const;
    const std::string& columnName(Field field) const;

    ImportFormat format_ = ImportFormat::kAdmit;
    std::string source_;
    std::size_t width_ = 0;
    std::vector<std::optional<std::size_t>> position_;  // by Field
    std::vector<std::string> spelling_;                 // by Field: the header's own spelling
    std::vector<std::string> ignored_;
};

}  // namespace admit::organiser

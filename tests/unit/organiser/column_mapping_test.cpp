#include "admit/organiser/column_mapping.hpp"

#include <gtest/gtest.h>

namespace admit::organiser {
namespace {

using Kind = ImportProblem::Kind;
using store::AttendeeStatus;

const std::vector<std::string> kPretixHeader{
    "Order code", "Position ID",   "Status",        "Email",
    "Product",    "Variation",     "Attendee name", "Attendee email",
    "Company",    "Ticket secret", "Company",       "Invoice address name"};

CsvRecord record(int line, std::vector<std::string> fields) { return {line, std::move(fields)}; }

ColumnMapping mapping(ImportFormat format, const std::vector<std::string>& header) {
    auto made = ColumnMapping::fromHeader(format, record(1, header), "x.csv");
    EXPECT_TRUE(made.ok()) << made.error().message;
    return std::move(made).value();
}

TEST(ColumnMappingTest, PretixPositionsMapToAdmitFields) {
    auto m = mapping(ImportFormat::kPretix, kPretixHeader);
    // pretix repeats "Company" (the attendee's and the invoice's); neither is read.
    EXPECT_EQ(m.ignoredColumns(), (std::vector<std::string>{"Variation", "Company", "Company"}));
    std::vector<ImportProblem> problems;
    auto row = m.map(record(2, {"ABC12", "1", "paid", "buyer@example.org", "VIP", "Large",
                                "José Ñúñez", "jose@example.org", "", "SECRET1", "", ""}),
                     problems);
    ASSERT_TRUE(row) << problems.at(0).message;
    EXPECT_EQ(row->line, 2);
    EXPECT_EQ(row->name, "José Ñúñez");
    EXPECT_EQ(row->email, "jose@example.org");
    EXPECT_EQ(row->ticketType, "VIP");
    EXPECT_EQ(row->ticketTypeColumn, "Product");
    EXPECT_EQ(row->status, AttendeeStatus::kApproved);
    EXPECT_EQ(row->code, "SECRET1");
    EXPECT_EQ(row->codeColumn, "Ticket secret");
    EXPECT_EQ(row->orderPosition, "pretix:ABC12/1");
}

TEST(ColumnMappingTest, PretixFallsBackToTheBuyersEmailAndInvoiceName) {
    auto m = mapping(ImportFormat::kPretix, kPretixHeader);
    std::vector<ImportProblem> problems;
    auto row = m.map(record(5, {"ABC12", "2", "pending", "buyer@example.org", "General", "", "", "",
                                "", "S2", "", "Ana Müller"}),
                     problems);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->name, "Ana Müller");
    EXPECT_EQ(row->email, "buyer@example.org");
    EXPECT_EQ(row->status, AttendeeStatus::kPending);
}

TEST(ColumnMappingTest, EachFormatsStatusWordsMeanAdmitStatuses) {
    auto pretix = mapping(ImportFormat::kPretix, kPretixHeader);
    auto statusOf = [&](const ColumnMapping& m, std::vector<std::string> fields, std::size_t at,
                        const std::string& word) {
        fields[at] = word;
        std::vector<ImportProblem> problems;
        auto row = m.map(record(2, fields), problems);
        return row ? std::optional<AttendeeStatus>(row->status) : std::nullopt;
    };
    std::vector<std::string> p{"A", "1", "", "b@x.org", "General", "", "N", "", "", "", "", ""};
    EXPECT_EQ(statusOf(pretix, p, 2, "Paid"), AttendeeStatus::kApproved);
    EXPECT_EQ(statusOf(pretix, p, 2, "pending"), AttendeeStatus::kPending);
    EXPECT_EQ(statusOf(pretix, p, 2, "expired"), AttendeeStatus::kCancelled);
    EXPECT_EQ(statusOf(pretix, p, 2, "canceled"), AttendeeStatus::kCancelled);
    EXPECT_EQ(statusOf(pretix, p, 2, "approved"), std::nullopt) << "Admit's word, not pretix's";

    auto eventbrite = mapping(ImportFormat::kEventbrite,
                              {"Order #", "Attendee #", "First Name", "Last Name", "Email",
                               "Ticket Type", "Attendee Status", "Barcode #"});
    std::vector<std::string> e{"5", "7", "Zoë", "Çelik", "z@x.org", "VIP", "", "123"};
    EXPECT_EQ(statusOf(eventbrite, e, 6, "Attending"), AttendeeStatus::kApproved);
    EXPECT_EQ(statusOf(eventbrite, e, 6, "Checked In"), AttendeeStatus::kApproved);
    EXPECT_EQ(statusOf(eventbrite, e, 6, "Unpaid"), AttendeeStatus::kPending);
    EXPECT_EQ(statusOf(eventbrite, e, 6, "Not Attending"), AttendeeStatus::kCancelled);
    EXPECT_EQ(statusOf(eventbrite, e, 6, "Refunded"), AttendeeStatus::kCancelled);
    EXPECT_EQ(statusOf(eventbrite, e, 6, "Transferred"), AttendeeStatus::kCancelled);
    EXPECT_EQ(statusOf(eventbrite, e, 6, ""), std::nullopt);
}

TEST(ColumnMappingTest, EventbriteJoinsFirstAndLastName) {
    auto m = mapping(ImportFormat::kEventbrite,
                     {"Order #", "Order Date", "First Name", "Last Name", "Email", "Ticket Type",
                      "Attendee #", "Barcode #", "Attendee Status", "Job Title"});
    EXPECT_EQ(m.ignoredColumns(), (std::vector<std::string>{"Order Date", "Job Title"}));
    std::vector<ImportProblem> problems;
    auto row = m.map(record(3, {"5123", "2026-05-02", "花子", "田中", "h@example.jp",
                                "General Admission", "7012", "51237012001", "Attending", ""}),
                     problems);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->name, "花子 田中");
    EXPECT_EQ(row->code, "51237012001");
    EXPECT_EQ(row->orderPosition, "eventbrite:5123/7012");
}

TEST(ColumnMappingTest, AMissingColumnIsNamedAsTheExportSpellsIt) {
    auto made = ColumnMapping::fromHeader(
        ImportFormat::kEventbrite,
        record(1, {"Order #", "Attendee #", "First Name", "Last Name", "Email", "Ticket Type"}),
        "eb.csv");
    ASSERT_FALSE(made.ok());
    EXPECT_EQ(made.error().kind, Kind::kMissingColumn);
    EXPECT_EQ(made.error().column, "Attendee Status");
    EXPECT_EQ(made.error().line, 1);
    EXPECT_EQ(
        made.error().message,
        "eb.csv:1: the header has no 'Attendee Status' column (the eventbrite format needs it)");
}

TEST(ColumnMappingTest, AdmitsOwnFormatRefusesUnknownAndRepeatedColumns) {
    auto unknown = ColumnMapping::fromHeader(
        ImportFormat::kAdmit, record(1, {"name", "email", "ticket_type", "status", "colour"}),
        "a.csv");
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().kind, Kind::kUnknownColumn);
    EXPECT_EQ(unknown.error().column, "colour");
    auto twice = ColumnMapping::fromHeader(
        ImportFormat::kPretix,
        record(1, {"Order code", "Position ID", "Status", "Email", "Product", "Attendee name",
                   "Ticket secret", "ticket secret"}),
        "p.csv");
    ASSERT_FALSE(twice.ok());
    EXPECT_EQ(twice.error().kind, Kind::kDuplicateColumn);
    EXPECT_EQ(twice.error().message, "p.csv:1: column 'ticket secret' appears twice");
}

TEST(ColumnMappingTest, BadRowsAreReportedByKindLineAndColumn) {
    auto m = mapping(ImportFormat::kPretix, kPretixHeader);
    std::vector<ImportProblem> problems;
    EXPECT_FALSE(m.map(record(4, {"A", "1", "paid"}), problems));
    EXPECT_FALSE(m.map(
        record(6, {"", "1", "refunded", "not-an-address", "General", "", "", "", "", "", "", ""}),
        problems));
    ASSERT_EQ(problems.size(), 5u);
    EXPECT_EQ(problems[0].kind, Kind::kFieldCount);
    EXPECT_EQ(problems[0].message, "x.csv:4: has 3 fields, the header has 12");
    EXPECT_EQ(problems[1].kind, Kind::kEmptyValue);
    EXPECT_EQ(problems[1].column, "Attendee name");
    EXPECT_EQ(problems[2].kind, Kind::kBadEmail);
    EXPECT_EQ(problems[2].column, "Email");
    EXPECT_EQ(problems[3].kind, Kind::kBadStatus);
    EXPECT_EQ(problems[3].line, 6);
    EXPECT_EQ(problems[3].message,
              "x.csv:6: field 'Status': 'refunded' is not a pretix order status (paid, pending, "
              "expired, canceled)");
    EXPECT_EQ(problems[4].kind, Kind::kEmptyValue);
    EXPECT_EQ(problems[4].column, "Order code");
}

}  // namespace
}  // namespace admit::organiser

#include "admit/organiser/report_export.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "admit/organiser/csv_reader.hpp"
#include "admit/organiser/ticket_admin.hpp"
#include "admit/rules/checkin_engine.hpp"
#include "organiser_fixture.hpp"

namespace admit::organiser {
namespace {

class ReportExportTest : public OrganiserFixture {
  protected:
    void SetUp() override {
        OrganiserFixture::SetUp();
        // A name a spreadsheet would take for a formula; a reason with a comma.
        db->exec("UPDATE attendees SET name = '=SUM(A1)' WHERE id = " + std::to_string(bobId));
        ASSERT_TRUE(
            rules::CheckInEngine(*db)
                .scan(adaTicket.text, {eventId, "A", store::Direction::kEntry, "vic", 40'000})
                .ok());
        ASSERT_TRUE(
            TicketAdmin(*db, eventId)
                .block({TicketSelector::By::kRef, adaTicket.ticketRef}, "Copied, twice", olga)
                .ok());
    }
    std::string report(ExportKind kind, ExportFormat format) {
        auto text = exportReport(*db, eventId, kind, format);
        EXPECT_TRUE(text.ok()) << text.error().message;
        return text.ok() ? *text : "";
    }
};

TEST_F(ReportExportTest, CsvHasTheDocumentedColumnsAndOneRowPerRecord) {
    for (ExportKind kind : {ExportKind::kCheckIns, ExportKind::kAttendees, ExportKind::kAudit}) {
        auto rows = parseCsv(report(kind, ExportFormat::kCsv), "report.csv");
        ASSERT_TRUE(rows.ok()) << rows.error().message;
        ASSERT_FALSE(rows->empty());
        EXPECT_EQ((*rows)[0].fields, exportColumns(kind));
        for (const auto& row : *rows) EXPECT_EQ(row.fields.size(), exportColumns(kind).size());
    }
    auto checkins = *parseCsv(report(ExportKind::kCheckIns, ExportFormat::kCsv), "c.csv");
    ASSERT_EQ(checkins.size(), 2U);
    const auto& c = checkins[1].fields;
    EXPECT_EQ(c[1], "1970-01-01T00:00:40.000Z");
    EXPECT_EQ(c[3], "checkin");
    EXPECT_EQ(c[5], adaTicket.ticketRef);
    EXPECT_EQ(c[7], "Ada");
    EXPECT_EQ(c[8], "General");
    EXPECT_EQ(c[9], "A");
    EXPECT_EQ(c[11], "vic");
    auto attendees = *parseCsv(report(ExportKind::kAttendees, ExportFormat::kCsv), "a.csv");
    ASSERT_EQ(attendees.size(), 3U);
    EXPECT_EQ(attendees[1].fields[1], "Ada");
    EXPECT_EQ(attendees[1].fields[8], adaTicket.ticketRef) << "blocked";
    EXPECT_EQ(attendees[1].fields[9], "1");
    EXPECT_EQ(attendees[2].fields[1], "'=SUM(A1)") << "no formula reaches a spreadsheet";
    auto audit = *parseCsv(report(ExportKind::kAudit, ExportFormat::kCsv), "audit.csv");
    EXPECT_EQ(audit.back().fields[2], "ticket.blocked");
    EXPECT_EQ(audit.back().fields[3], "olga");
}

TEST_F(ReportExportTest, JsonHasTheSameKeys) {
    for (ExportKind kind : {ExportKind::kCheckIns, ExportKind::kAttendees, ExportKind::kAudit}) {
        auto rows = nlohmann::json::parse(report(kind, ExportFormat::kJson));
        ASSERT_TRUE(rows.is_array());
        ASSERT_FALSE(rows.empty());
        for (const auto& row : rows) {
            std::vector<std::string> keys;
            for (const auto& [key, value] : row.items()) keys.push_back(key);
            auto expected = exportColumns(kind);
            std::sort(expected.begin(), expected.end());
            std::sort(keys.begin(), keys.end());
            EXPECT_EQ(keys, expected);
        }
    }
    auto attendees = nlohmann::json::parse(report(ExportKind::kAttendees, ExportFormat::kJson));
    EXPECT_EQ(attendees[0]["entries"], 1);
    EXPECT_EQ(attendees[0]["inside"], true);
}

TEST_F(ReportExportTest, BadNamesAndUnknownEvents) {
    EXPECT_FALSE(parseExportFormat("xml").ok());
    EXPECT_EQ(parseExportKind("people").error().message,
              "the report must be checkins, attendees or audit, not 'people'");
    auto unknown = exportReport(*db, "nope", ExportKind::kCheckIns, ExportFormat::kCsv);
    EXPECT_EQ(unknown.error().kind, AdminError::Kind::kNotFound);
}

}  // namespace
}  // namespace admit::organiser

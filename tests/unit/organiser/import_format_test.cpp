#include "admit/organiser/import_format.hpp"

#include <gtest/gtest.h>

namespace admit::organiser {
namespace {

TEST(ImportFormatTest, NamesRoundTrip) {
    for (auto format : {ImportFormat::kAdmit, ImportFormat::kPretix, ImportFormat::kEventbrite}) {
        EXPECT_EQ(parseImportFormat(importFormatName(format)), format);
    }
    EXPECT_EQ(importFormatName(ImportFormat::kEventbrite), "eventbrite");
    EXPECT_FALSE(parseImportFormat("Pretix").has_value()) << "names are exact, as --format takes";
    EXPECT_FALSE(parseImportFormat("csv").has_value());
}

TEST(ImportFormatTest, TellsEachExportByItsOwnColumns) {
    EXPECT_EQ(detectImportFormat({"name", "email", "ticket_type", "status"}), ImportFormat::kAdmit);
    EXPECT_EQ(detectImportFormat({"Name", " EMAIL "}), ImportFormat::kAdmit);
    // pretix and Eventbrite both carry an "Email" (and pretix a "Status") column, which are also
    // Admit's: their own columns decide first.
    EXPECT_EQ(detectImportFormat({"Event slug", "Order code", "Position ID", "Status", "Email"}),
              ImportFormat::kPretix);
    EXPECT_EQ(detectImportFormat({"order code", "position id"}), ImportFormat::kPretix);
    EXPECT_EQ(detectImportFormat({"Order #", "First Name", "Email", "Attendee #", "Barcode #"}),
              ImportFormat::kEventbrite);
}

TEST(ImportFormatTest, AHeaderOfNoFormatIsNone) {
    EXPECT_FALSE(detectImportFormat({"Vorname", "Nachname", "E-Mail"}).has_value());
    EXPECT_FALSE(detectImportFormat({}).has_value());
    // One of pretix's two columns is not enough.
    EXPECT_FALSE(detectImportFormat({"Order code", "Product"}).has_value());
    EXPECT_EQ(recognisedFormatsSentence(),
              "the header row is none of the recognised formats: Admit's own (name, email, "
              "ticket_type, status), pretix's order positions export (Order code, Position ID) or "
              "Eventbrite's attendee report (Order #, Attendee #); choose one with --format "
              "admit|pretix|eventbrite");
}

}  // namespace
}  // namespace admit::organiser

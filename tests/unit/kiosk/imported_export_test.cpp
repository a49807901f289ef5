// End to end: an Eventbrite attendee report imported by the organiser, the replica exported for
// the kiosk, and the kiosk admitting the attendee whose barcode is held up (an opaque code, told
// from its text alone) while turning away a refunded one.

#include <filesystem>
#include <fstream>
#include <sstream>

#include "admit/kiosk/kiosk_database.hpp"
#include "admit/organiser/attendee_import.hpp"
#include "admit/organiser/event_admin.hpp"
#include "admit/organiser/event_editor.hpp"
#include "admit/store/events.hpp"
#include "admit/store/store.hpp"
#include "kiosk_fixture.hpp"

namespace admit::kiosk::testing {
namespace {

class ImportedExportTest : public KioskTest {
  protected:
    // Imports the sample report into the demo's organiser database and gives the kiosk a fresh
    // replica of the event with it.
    void importAndExport() {
        auto organiser =
            store::openPlainDatabase(demo_.organiserDatabase.string(), store::OpenMode::kExisting);
        ASSERT_TRUE(organiser.ok()) << organiser.error().message;
        const std::string& eventId = demo_.event.eventId;
        organiser::EventEditor editor(*organiser, eventId);
        for (const char* type : {"General Admission", "VIP"}) {
            if (!store::Events(*organiser).findTicketTypeByName(eventId, type)) {
                ASSERT_TRUE(editor.addTicketType(type, {"olga", nowMs_->load()}).ok()) << type;
            }
        }
        std::ifstream in(
            std::string(ADMIT_SOURCE_DIR) + "/tests/data/eventbrite-attendee-report.csv",
            std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        auto imported = organiser::importAttendees(*organiser, eventId, text.str(),
                                                   "eventbrite.csv", "olga", nowMs_->load());
        ASSERT_TRUE(imported.ok()) << imported.error().message;
        ASSERT_EQ(imported->format, organiser::ImportFormat::kEventbrite);
        ASSERT_EQ(imported->inserted, 5);

        for (const char* suffix : {"", "-wal", "-shm"}) {
            std::filesystem::remove(demo_.replica.string() + suffix);
        }
        auto replica = openKioskDatabase({demo_.replica, demo_.keyFile});
        ASSERT_TRUE(replica.ok()) << replica.error().message;
        auto exported = organiser::exportReplica(*organiser, eventId, *replica);
        ASSERT_TRUE(exported.ok()) << exported.error().message;
    }
};

TEST_F(ImportedExportTest, AnEventbriteBarcodeAdmitsItsAttendeeAtTheKiosk) {
    importAndExport();
    start(options());
    untilOpen();
    ShownVerdict zoe = scanCode("51234567897012345678001");
    EXPECT_TRUE(zoe.accepted()) << zoe.code << ": " << zoe.reason << " " << zoe.detail;
    EXPECT_EQ(zoe.name, "Zoë Çelik");
    EXPECT_EQ(zoe.ticketType, "General Admission");
    ShownVerdict refunded = scanCode("51234567917012345681001");
    EXPECT_FALSE(refunded.accepted()) << "Mateusz's order was refunded";
    EXPECT_EQ(refunded.name, "Mateusz Wójcik");
    ShownVerdict unknown = scanCode("51234567997012345699001");
    EXPECT_FALSE(unknown.accepted());
    EXPECT_EQ(unknown.code, "unknown_ticket");
}

}  // namespace
}  // namespace admit::kiosk::testing

// Runs the real `admit` binary as an organiser would and checks what it prints, its exit
// codes and the files it writes (ticket PNGs are read back with ZXing).

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#define ZX_USE_UTF8 1  // text() as UTF-8 std::string (zxing-cpp 1.4 transition switch)
#include <ZXing/ReadBarcode.h>
#include <gtest/gtest.h>
#include <stb_image.h>
#include <nlohmann/json.hpp>

#include "admit/store/checkin_log.hpp"
#include "admit/store/hybrid_logical_clock.hpp"
#include "admit/store/store.hpp"
#include "cli_run.hpp"
#include "temp_dir.hpp"

namespace {

using admit::testing::admit;
using admit::testing::CliRun;

std::string readQrPng(const std::string& path) {
    int w = 0, h = 0, channels = 0;
    unsigned char* pixels = stbi_load(path.c_str(), &w, &h, &channels, 1);
    if (!pixels) return "";
    ZXing::DecodeHints hints;
    hints.setFormats(ZXing::BarcodeFormat::QRCode);
    auto result = ZXing::ReadBarcode({pixels, w, h, ZXing::ImageFormat::Lum}, hints);
    stbi_image_free(pixels);
    return result.isValid() ? result.text() : "";
}

class AdmitCli : public ::testing::Test {
  protected:
    void SetUp() override {
        db = "--db " + dir.file("org.db") + " ";
        CliRun created = admit(db + "--json event create --name 'Door Test' --types General,VIP");
        ASSERT_EQ(created.exitCode, 0) << created.out;
        eventId = nlohmann::json::parse(created.out)["event_id"];
        std::ofstream(dir.file("people.csv"))
            << "name,email,ticket_type,status,attention_note\n"
               "Ada Lovelace,ada@example.org,General,approved,\n"
               "Grace Hopper,grace@navy.mil,VIP,approved,Step-free access\n";
        ASSERT_EQ(admit(db + "import --event " + eventId + " " + dir.file("people.csv")).exitCode,
                  0);
    }
    admit::testing::TempDir dir;
    std::string db;
    std::string eventId;
};

TEST_F(AdmitCli, IssuedTicketPngsScanBackAndCheckIn) {
    CliRun issued = admit(db + "tickets --event " + eventId + " --out " + dir.file("out"));
    ASSERT_EQ(issued.exitCode, 0) << issued.out;
    std::ifstream csv(dir.file("out/tickets.csv"));
    std::string header, line;
    std::getline(csv, header);
    EXPECT_EQ(header, "name,email,ticket_type,ticket_file,ticket_text\r");
    std::getline(csv, line);
    line.pop_back();  // \r
    std::vector<std::string> fields;
    std::stringstream split(line);
    for (std::string f; std::getline(split, f, ',');) fields.push_back(f);
    ASSERT_EQ(fields.size(), 5u) << line;
    EXPECT_EQ(fields[0], "Ada Lovelace");
    EXPECT_EQ(readQrPng(dir.file("out/" + fields[3])), fields[4]);

    CliRun first = admit(db + "checkin --event " + eventId + " --gate B '" + fields[4] + "'");
    EXPECT_EQ(first.exitCode, 0) << first.out;
    EXPECT_EQ(first.out, "ACCEPTED entry: Ada Lovelace (General)\n");
    CliRun second = admit(db + "--json checkin --event " + eventId + " '" + fields[4] + "'");
    EXPECT_EQ(second.exitCode, 3) << second.out;
    auto verdict = nlohmann::json::parse(second.out);
    EXPECT_EQ(verdict["reason"], "already_checked_in");
    EXPECT_EQ(verdict["previous"]["gate"], "B");
}

TEST_F(AdmitCli, SearchCheckInAndStats) {
    CliRun found = admit(db + "checkin --event " + eventId + " --search grace");
    EXPECT_EQ(found.exitCode, 0) << found.out;
    EXPECT_NE(found.out.find("ATTENTION: Step-free access"), std::string::npos) << found.out;
    CliRun ambiguous = admit(db + "checkin --event " + eventId + " --search example");
    EXPECT_EQ(ambiguous.exitCode, 0) << "only Ada matches 'example'";
    CliRun stats = admit(db + "--json stats --event " + eventId);
    ASSERT_EQ(stats.exitCode, 0);
    auto s = nlohmann::json::parse(stats.out);
    EXPECT_EQ(s["checked_in"], 2);
    EXPECT_EQ(s["expected"], 2);
}

// `admit stats` reads the figures the kiosk's dashboard does (store::AttendanceTally): they
// equal the recompute from the whole log, read here through the library.
TEST_F(AdmitCli, StatsEqualTheRecomputeAndSearchFoldsAccents) {
    CliRun grace =
        admit(db + "checkin --event " + eventId + " --gate North --search 'GRÂCE HÖPPER'");
    EXPECT_EQ(grace.exitCode, 0) << grace.out;
    CliRun ada = admit(db + "checkin --event " + eventId + " --gate South --search lovelace");
    EXPECT_EQ(ada.exitCode, 0) << ada.out;
    CliRun stats = admit(db + "--json stats --event " + eventId);
    ASSERT_EQ(stats.exitCode, 0) << stats.out;
    auto s = nlohmann::json::parse(stats.out);

    auto opened =
        admit::store::openPlainDatabase(dir.file("org.db"), admit::store::OpenMode::kExisting);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    admit::store::HybridLogicalClock clock(*opened);
    admit::store::AttendanceStats r = admit::store::CheckInLog(*opened, clock).stats(eventId);
    EXPECT_EQ(r.checkedIn, 2);
    EXPECT_EQ(s["checked_in"], r.checkedIn);
    EXPECT_EQ(s["expected"], r.expected);
    EXPECT_EQ(s["inside_now"], r.insideNow);
    EXPECT_EQ(s["entries"], r.entries);
    EXPECT_EQ(s["exits"], r.exits);
    ASSERT_EQ(s["by_gate"].size(), r.byGate.size());
    for (std::size_t i = 0; i < r.byGate.size(); ++i) {
        EXPECT_EQ(s["by_gate"][i]["gate"], r.byGate[i].label);
        EXPECT_EQ(s["by_gate"][i]["entries"], r.byGate[i].checkedIn);
    }
    ASSERT_EQ(s["by_ticket_type"].size(), r.byTicketType.size());
    for (std::size_t i = 0; i < r.byTicketType.size(); ++i) {
        EXPECT_EQ(s["by_ticket_type"][i]["type"], r.byTicketType[i].label);
        EXPECT_EQ(s["by_ticket_type"][i]["checked_in"], r.byTicketType[i].checkedIn);
        EXPECT_EQ(s["by_ticket_type"][i]["expected"], r.byTicketType[i].expected);
    }
    EXPECT_EQ(s["duplicates"].size(), r.duplicates.size());
}

TEST_F(AdmitCli, ErrorsAreClearAndNonZero) {
    CliRun badCsv = admit(db + "import --event " + eventId + " " + dir.file("missing.csv"));
    EXPECT_EQ(badCsv.exitCode, 1);
    EXPECT_EQ(badCsv.out, "admit: cannot read " + dir.file("missing.csv") + "\n");
    CliRun noDb = admit("--db " + dir.file("none.db") + " event list");
    EXPECT_EQ(noDb.exitCode, 1);
    EXPECT_NE(noDb.out.find("does not exist"), std::string::npos);
    CliRun typo = admit(db + "event list --evnt x");
    EXPECT_EQ(typo.exitCode, 2);
    EXPECT_EQ(typo.out.rfind("admit: unknown option --evnt\n", 0), 0u);
}

TEST_F(AdmitCli, OperatorPinNeverEchoedAndEncryptedReplicaWorks) {
    CliRun added =
        admit(db + "operator add --name olga --role organiser --event " + eventId, "482916");
    EXPECT_EQ(added.exitCode, 0) << added.out;
    EXPECT_EQ(added.out.find("482916"), std::string::npos);
    CliRun exported = admit(db + "export-replica --event " + eventId + " --out " +
                            dir.file("kiosk.db") + " --out-key-file " + dir.file("kiosk.key"));
    ASSERT_EQ(exported.exitCode, 0) << exported.out;
    EXPECT_EQ(std::filesystem::status(dir.file("kiosk.key")).permissions() &
                  std::filesystem::perms::group_all,
              std::filesystem::perms::none);
    std::string replica = "--db " + dir.file("kiosk.db") + " --key-file " + dir.file("kiosk.key");
    CliRun check = admit(replica + " replica check");
    EXPECT_EQ(check.exitCode, 0) << check.out;
    CliRun search = admit(replica + " checkin --event " + eventId + " --search ada");
    EXPECT_EQ(search.exitCode, 0) << search.out;
    // A wrong key is refused clearly, without printing any key.
    CliRun other = admit("--db " + dir.file("other.db") + " --key-file " + dir.file("other.key") +
                         " replica create");
    ASSERT_EQ(other.exitCode, 0) << other.out;
    CliRun wrongKey = admit("--db " + dir.file("kiosk.db") + " --key-file " +
                            dir.file("other.key") + " replica open");
    EXPECT_EQ(wrongKey.exitCode, 1);
    EXPECT_NE(wrongKey.out.find("key does not match"), std::string::npos) << wrongKey.out;
}

}  // namespace

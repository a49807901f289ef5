#include "admit/sync/protocol/messages.hpp"

#include <gtest/gtest.h>

#include "admit/store/uuid.hpp"

namespace admit::sync {
namespace {

constexpr const char* kEvent = "0190a8c4-5e3b-7c2d-9f00-1a2b3c4d5e6f";

CheckInRecord sampleCheckIn() {
    CheckInRecord r;
    r.checkIn.id = store::newUuidV7(1'700'000'000'000);
    r.checkIn.eventId = kEvent;
    r.checkIn.ticketRef = "00112233445566778899aabbccddeeff";
    r.checkIn.attendeeId = 42;
    r.checkIn.deviceId = store::newUuidV7(1'600'000'000'000);
    r.checkIn.gate = "Gate B";
    r.checkIn.direction = store::Direction::kExit;
    r.checkIn.hlc = (1'700'000'000'000LL << 16) | 3;
    r.checkIn.wallTimeMs = 1'700'000'000'000;
    r.checkIn.operatorName = "sam";
    return r;
}

TEST(MessagesTest, CheckInRecordsRoundTrip) {
    CheckInRecord accepted = sampleCheckIn();
    auto parsed = parseCheckInRecord(toJson(accepted));
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(*parsed, accepted);

    CheckInRecord annulment = sampleCheckIn();
    annulment.checkIn.attendeeId.reset();
    annulment.annulment = true;
    annulment.annuls = accepted.checkIn.id;
    auto parsedAnnulment = parseCheckInRecord(toJson(annulment));
    ASSERT_TRUE(parsedAnnulment.ok()) << parsedAnnulment.error().message;
    EXPECT_EQ(*parsedAnnulment, annulment);
}

TEST(MessagesTest, CheckInRecordErrorsNameTheField) {
    std::string good = toJson(sampleCheckIn());
    auto withField = [&](const std::string& field, const std::string& value) {
        std::string text = good;
        auto at = text.find("\"" + field + "\":");
        EXPECT_NE(at, std::string::npos) << field;
        auto valueStart = at + field.size() + 3;
        auto valueEnd = text.find_first_of(",}", valueStart);
        return text.replace(valueStart, valueEnd - valueStart, value);
    };
    EXPECT_EQ(parseCheckInRecord(withField("direction", "\"sideways\"")).error().message,
              "direction must be \"entry\" or \"exit\"");
    EXPECT_EQ(parseCheckInRecord(withField("id", "\"x\"")).error().message, "id is not a UUID");
    EXPECT_EQ(parseCheckInRecord(withField("hlc", "-1")).error().message, "hlc is out of range");
    EXPECT_EQ(parseCheckInRecord(withField("hlc", "\"7\"")).error().message,
              "hlc must be an integer");
    EXPECT_EQ(parseCheckInRecord(withField("verdict", "\"annulled\"")).error().message,
              "missing field annuls");
    EXPECT_EQ(parseCheckInRecord("{\"id\": ").error().message, "the check-in is not valid JSON");
    EXPECT_EQ(parseCheckInRecord("{}").error().message, "missing field id");
}

store::DeniedScan sampleDenial() {
    store::DeniedScan d;
    d.id = store::newUuidV7(1'700'000'000'000);
    d.eventId = kEvent;
    d.ticketRef = "00112233445566778899aabbccddeeff";
    d.deviceId = store::newUuidV7(1'600'000'000'000);
    d.gate = "Gate B";
    d.direction = store::Direction::kExit;
    d.hlc = (1'700'000'000'000LL << 16) | 3;
    d.wallTimeMs = 1'700'000'000'000;
    d.operatorName = "sam";
    d.reason = "not_checked_in";
    d.detail = "José was never inside";
    return d;
}

TEST(MessagesTest, DeniedScansRoundTripFromTheOutboxPayload) {
    store::DeniedScan denial = sampleDenial();
    auto parsed = parseDeniedScan(store::deniedScanPayload(denial));
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(*parsed, denial);
    // A code that named no ticket (a malformed one) has no ticket ref.
    denial.ticketRef.clear();
    EXPECT_EQ(*parseDeniedScan(store::deniedScanPayload(denial)), denial);
}

TEST(MessagesTest, DeniedScanErrorsNameTheField) {
    auto with = [](auto change) {
        store::DeniedScan d = sampleDenial();
        change(d);
        return parseDeniedScan(store::deniedScanPayload(d)).error().message;
    };
    EXPECT_EQ(with([](auto& d) { d.id = "x"; }), "id is not a UUID");
    EXPECT_EQ(with([](auto& d) { d.eventId = "x"; }), "event_id is not a UUID");
    EXPECT_EQ(with([](auto& d) { d.deviceId = "x"; }), "device_id is not a UUID");
    EXPECT_EQ(with([](auto& d) { d.hlc = 0; }), "hlc is out of range");
    EXPECT_EQ(with([](auto& d) { d.reason = ""; }), "reason must not be empty");
    EXPECT_EQ(with([](auto& d) { d.reason = "Revoked!"; }),
              "reason must be lower-case letters and '_'");
    EXPECT_EQ(with([](auto& d) { d.detail = std::string(1001, 'x'); }),
              "detail is longer than 1000 bytes");
    EXPECT_EQ(with([](auto& d) { d.gate = "A\nB"; }), "gate must not contain control characters");
    EXPECT_EQ(parseDeniedScan("[]").error().message, "the denial must be an object");
    EXPECT_EQ(parseDeniedScan("{}").error().message, "missing field id");
}

// Each field reader names the field and the type it wants, never the value it got.
TEST(MessagesTest, AFieldOfTheWrongTypeIsNamedWithTheTypeItMustBe) {
    const std::string version = "{\"protocol\":" + std::to_string(kProtocolVersion);
    EXPECT_EQ(parseEnrolResponse(version + ",\"device_token\":7}").error().message,
              "device_token must be a string");
    EXPECT_EQ(parseUploadRequest(version + ",\"device_id\":\"" + store::newUuidV7(1) +
                                 "\",\"gate\":\"Main\",\"entries\":{}}")
                  .error()
                  .message,
              "entries must be an array");
    EXPECT_EQ(parseDownloadResponse(version + ",\"checkins\":[],\"next\":0,\"more\":\"no\"}")
                  .error()
                  .message,
              "more must be true or false");
    EXPECT_EQ(parseDownloadResponse(version + ",\"checkins\":\"x\"}").error().message,
              "checkins must be an array");
}

TEST(MessagesTest, UploadRoundTripsAndKeepsPayloadsVerbatim) {
    UploadRequest request{store::newUuidV7(1), "Main", {}};
    std::string record = toJson(sampleCheckIn());
    request.entries.push_back({7, "checkin", "r1", 11, record});
    request.entries.push_back({9, "checkin", "r2", 12, "not json at all"});
    auto parsed = parseUploadRequest(toJson(request));
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    ASSERT_EQ(parsed->entries.size(), 2u);
    EXPECT_EQ(parsed->entries[0].seq, 7);
    auto sent = parseCheckInRecord(parsed->entries[0].payload);
    ASSERT_TRUE(sent.ok()) << sent.error().message;
    EXPECT_EQ(*sent, *parseCheckInRecord(record));
    EXPECT_EQ(parsed->entries[1].payload, "not json at all");
    EXPECT_EQ(parsed->deviceId, request.deviceId);
    EXPECT_EQ(parsed->gate, "Main");
}

TEST(MessagesTest, UploadErrorsNameTheEntryAndItsSeq) {
    UploadRequest request{store::newUuidV7(1), "Main", {}};
    request.entries.push_back({7, "checkin", "r1", 11, "{}"});
    request.entries.push_back({5, "checkin", "r2", 12, "{}"});
    EXPECT_EQ(parseUploadRequest(toJson(request)).error().message,
              "entries[1] (seq 5): seq must increase");
    std::string body =
        toJson(UploadRequest{store::newUuidV7(1), "Main", {{3, "checkin", "r", 1, "{}"}}});
    body.replace(body.find("\"hlc\":1"), 7, "\"hlc\":true");
    EXPECT_EQ(parseUploadRequest(body).error().message,
              "entries[0] (seq 3).hlc must be an integer");

    UploadRequest tooMany{store::newUuidV7(1), "Main", {}};
    for (std::int64_t i = 1; i <= static_cast<std::int64_t>(kMaxUploadEntries) + 1; ++i) {
        tooMany.entries.push_back({i, "checkin", "r", 1, "{}"});
    }
    EXPECT_EQ(parseUploadRequest(toJson(tooMany)).error().message,
              "entries holds more than 500 entries");
}

TEST(MessagesTest, ProtocolVersionIsChecked) {
    EXPECT_EQ(parseUploadResponse("{\"protocol\": 1}").error().message,
              "upload response: protocol version is not " + std::to_string(kProtocolVersion) +
                  "; update Admit");
    EXPECT_EQ(messageProtocol(R"({"protocol": 1, "entries": []})"), 1);
    EXPECT_EQ(messageProtocol(R"({"entries": []})"), std::nullopt);
    EXPECT_EQ(messageProtocol("{"), std::nullopt);
    EXPECT_EQ(parseUploadResponse("[]").error().message, "upload response is not a JSON object");
    EXPECT_EQ(parseUploadResponse("{}").error().message, "upload response: missing field protocol");
}

TEST(MessagesTest, EnrolmentErrorsNeverQuoteTheToken) {
    EnrolRequest request{kEvent, "s3cret-token-value-123", store::newUuidV7(1), "kiosk-1"};
    auto parsed = parseEnrolRequest(toJson(request));
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->enrolmentToken, "s3cret-token-value-123");
    request.eventId = "not-an-event";
    auto bad = parseEnrolRequest(toJson(request));
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message, "event_id is not a UUID");
    request.eventId = kEvent;
    request.enrolmentToken = std::string(300, 'k');
    bad = parseEnrolRequest(toJson(request));
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message, "enrolment_token is longer than 255 bytes");
    auto response = parseEnrolResponse(toJson(EnrolResponse{"device-token-xyz", "Fest"}));
    ASSERT_TRUE(response.ok());
    EXPECT_EQ(response->deviceToken, "device-token-xyz");
}

TEST(MessagesTest, DownloadAndDevicesRoundTrip) {
    DownloadResponse download{{sampleCheckIn()}, 17, true, std::nullopt, ""};
    auto parsed = parseDownloadResponse(toJson(download));
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->checkins, download.checkins);
    EXPECT_EQ(parsed->next, 17);
    EXPECT_TRUE(parsed->more);
    EXPECT_EQ(parsed->deviceAcknowledgedThrough, std::nullopt);
    download.deviceAcknowledgedThrough = 41;
    auto withFigure = parseDownloadResponse(toJson(download));
    ASSERT_TRUE(withFigure.ok()) << withFigure.error().message;
    EXPECT_EQ(withFigure->deviceAcknowledgedThrough, 41);
    download.deviceAcknowledgedThrough = -1;
    EXPECT_FALSE(parseDownloadResponse(toJson(download)).ok());
    download.deviceAcknowledgedThrough.reset();
    // The roster version of a waiting download's answer: absent from an older server's.
    EXPECT_EQ(parsed->rosterVersion, std::nullopt);
    download.rosterVersion = 57;
    auto waited = parseDownloadResponse(toJson(download));
    ASSERT_TRUE(waited.ok()) << waited.error().message;
    EXPECT_EQ(waited->rosterVersion, 57);
    download.rosterVersion = -3;
    EXPECT_EQ(parseDownloadResponse(toJson(download)).error().message,
              "roster_version is out of range");
    download.rosterVersion.reset();

    std::string broken = toJson(download);
    broken.replace(broken.find("\"exit\""), 6, "\"in\"");
    EXPECT_EQ(parseDownloadResponse(broken).error().message,
              "checkins[0].direction must be \"entry\" or \"exit\"");

    DevicesResponse devices{{{"d1", "Kiosk 1", "Main", 5, 9, 3, "0.2.0", 4, -300'000},
                             {"d2", "Kiosk 2", "", 6, {}, 0, "", {}, {}}}};
    auto parsedDevices = parseDevicesResponse(toJson(devices));
    ASSERT_TRUE(parsedDevices.ok()) << parsedDevices.error().message;
    EXPECT_EQ(parsedDevices->devices, devices.devices);
    // A server from before the heartbeat sends none of its figures.
    auto older = parseDevicesResponse(
        "{\"protocol\":" + std::to_string(kProtocolVersion) +
        R"(,"devices":[{"device_id":"d1","name":"K","gate":"","enrolled_at":1,)"
        R"("last_sync_at":null,"checkins":0}]})");
    ASSERT_TRUE(older.ok()) << older.error().message;
    EXPECT_EQ(older->devices[0].appVersion, "");
    EXPECT_FALSE(older->devices[0].clockOffsetMs);
}

TEST(MessagesTest, ErrorBodies) {
    EXPECT_EQ(parseErrorSentence(errorJson("unknown event")), "unknown event");
    EXPECT_FALSE(parseErrorSentence("<html>502</html>"));
    EXPECT_EQ(checkinsPath(kEvent), std::string("/v1/events/") + kEvent + "/checkins");
}

}  // namespace
}  // namespace admit::sync

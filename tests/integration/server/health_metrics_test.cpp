// /healthz and /metrics on the real admit-server: what they count after known traffic, the
// exposition accepted by Prometheus's own checker (promtool), and no secret in either.

#include <cstdio>
#include <fstream>
#include <regex>
#include <string>

#include <nlohmann/json.hpp>

#include "admit_server_fixture.hpp"

namespace admit::sync {
namespace {

using testing::RawConnection;
using testing::rawRequest;

class HealthAndMetrics : public AdmitServerFixture {
  protected:
    std::optional<testing::RawResponse> get(const std::string& target,
                                            std::vector<std::string> headers = {}) {
        RawConnection connection(port);
        headers.push_back("Connection: close");
        if (!connection.send(rawRequest("GET", target, headers))) return std::nullopt;
        return connection.readResponse();
    }

    // The value of the sample with exactly this name and labels, or -1.
    static double sample(const std::string& text, const std::string& series) {
        std::size_t at = 0;
        while ((at = text.find(series + " ", at)) != std::string::npos) {
            if (at == 0 || text[at - 1] == '\n') return std::stod(text.substr(at + series.size()));
            at += series.size();
        }
        return -1;
    }
};

TEST_F(HealthAndMetrics, HealthSaysOkWithoutFigures) {
    startServer();
    auto health = get("/healthz");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200) << health->body;
    auto body = nlohmann::json::parse(health->body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << health->body;
    EXPECT_EQ(body, (nlohmann::json{{"ok", true}, {"database", "ok"}, {"disk", "ok"}}));
    auto posted = [&] {
        RawConnection connection(port);
        connection.send(rawRequest("POST", "/healthz", {"Connection: close"}, "{}"));
        return connection.readResponse();
    }();
    ASSERT_TRUE(posted);
    EXPECT_EQ(posted->status, 405);
}

TEST_F(HealthAndMetrics, MetricsCountWhatHappenedAndPassPromtool) {
    startServer();                // one enrolment (200)
    ASSERT_TRUE(kioskRequest());  // devices 200
    ASSERT_TRUE(kioskRequest());
    auto wrongToken = get(devicesPath(eventId), {"Authorization: Bearer not-a-token"});
    ASSERT_TRUE(wrongToken);
    EXPECT_EQ(wrongToken->status, 401);
    auto nowhere = get("/nowhere");
    ASSERT_TRUE(nowhere);
    EXPECT_EQ(nowhere->status, 404);
    // A check-in stored, so the database's figures are not all zero.
    auto batches = checkInBatches(3, 10);
    {
        RawConnection connection(port);
        ASSERT_TRUE(connection.send(
            rawRequest("POST", checkinsPath(eventId),
                       {"Content-Type: application/json", authorization(), "Connection: close"},
                       toJson(batches[0]))));
        auto uploaded = connection.readResponse();
        ASSERT_TRUE(uploaded);
        ASSERT_EQ(uploaded->status, 200) << uploaded->body;
    }

    auto metrics = get("/metrics");
    ASSERT_TRUE(metrics);
    ASSERT_EQ(metrics->status, 200) << metrics->body;
    EXPECT_EQ(metrics->headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
    const std::string& text = metrics->body;
    EXPECT_EQ(sample(text, R"(admit_requests_total{route="enrol",status="200"})"), 1) << text;
    EXPECT_EQ(sample(text, R"(admit_requests_total{route="devices",status="200"})"), 2) << text;
    EXPECT_EQ(sample(text, R"(admit_requests_total{route="devices",status="401"})"), 1) << text;
    EXPECT_EQ(sample(text, R"(admit_requests_total{route="other",status="404"})"), 1) << text;
    EXPECT_EQ(sample(text, R"(admit_requests_total{route="upload",status="200"})"), 1) << text;
    EXPECT_EQ(sample(text, "admit_authentication_refusals_total"), 1) << text;
    EXPECT_EQ(sample(text, R"(admit_request_duration_seconds_count{route="devices"})"), 3) << text;
    EXPECT_EQ(sample(text, R"(admit_request_duration_seconds_bucket{route="devices",le="+Inf"})"),
              3)
        << text;
    EXPECT_EQ(sample(text, "admit_checkins_stored{event=\"" + eventId + "\"}"), 3) << text;
    EXPECT_EQ(sample(text, "admit_devices{event=\"" + eventId + "\"}"), 1) << text;
    EXPECT_GE(sample(text, "admit_roster_version{event=\"" + eventId + "\"}"), 1) << text;
    EXPECT_EQ(sample(text, "admit_quarantined_entries"), 0) << text;
    const double age = sample(text, "admit_device_last_sync_age_seconds{event=\"" + eventId +
                                        "\",device=\"" + deviceId + "\"}");
    EXPECT_GE(age, 0) << text;
    EXPECT_LT(age, 60) << text;
    // This request itself is open while the figures are read.
    EXPECT_GE(sample(text, "admit_open_connections"), 1) << text;
    EXPECT_EQ(text.find(deviceToken), std::string::npos) << "a device token in /metrics";
    for (const auto& token : enrolmentTokens) EXPECT_EQ(text.find(token), std::string::npos);

    // Prometheus's own checker reads the exposition from standard input; a lint problem is a
    // line on its output and a non-zero exit.
    const std::string file = dir.file("metrics.txt");
    std::ofstream(file) << text;
    FILE* pipe = ::popen(("promtool check metrics < '" + file + "' 2>&1").c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string out;
    char buffer[512];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    const int status = ::pclose(pipe);
    ASSERT_TRUE(WIFEXITED(status)) << out;
    ASSERT_NE(WEXITSTATUS(status), 127)
        << "promtool is missing (scripts/install-deps.sh installs it)";
    EXPECT_EQ(WEXITSTATUS(status), 0) << out << "\n" << text;

    // The second scrape counts the first.
    auto again = get("/metrics");
    ASSERT_TRUE(again);
    EXPECT_EQ(sample(again->body, R"(admit_requests_total{route="metrics",status="200"})"), 1);
}

}  // namespace
}  // namespace admit::sync

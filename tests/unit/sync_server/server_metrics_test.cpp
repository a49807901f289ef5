// ServerMetrics: counts by route and status, a cumulative latency histogram, and label values
// escaped as the exposition format wants.

#include "server_metrics.hpp"

#include <gtest/gtest.h>

#include <string>

namespace admit::sync {
namespace {

using namespace std::chrono_literals;

bool hasLine(const std::string& text, const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

TEST(ServerMetrics, CountsByRouteAndStatus) {
    ServerMetrics metrics;
    metrics.count({"upload", 200, 3ms});
    metrics.count({"upload", 200, 4ms});
    metrics.count({"upload", 400, 1ms});
    metrics.count({"devices", 401, 1ms});
    metrics.count({"roster", 403, 1ms});
    const std::string text = metrics.render({}, {}, 0);
    EXPECT_TRUE(hasLine(text, R"(admit_requests_total{route="upload",status="200"} 2)")) << text;
    EXPECT_TRUE(hasLine(text, R"(admit_requests_total{route="upload",status="400"} 1)")) << text;
    EXPECT_TRUE(hasLine(text, "admit_authentication_refusals_total 2")) << text;
}

TEST(ServerMetrics, LatencyBucketsAreCumulative) {
    ServerMetrics metrics;
    metrics.count({"roster", 200, 500us});   // <= 0.001
    metrics.count({"roster", 200, 20ms});    // <= 0.025
    metrics.count({"roster", 200, 3000ms});  // over every bound
    const std::string text = metrics.render({}, {}, 0);
    EXPECT_TRUE(
        hasLine(text, R"(admit_request_duration_seconds_bucket{route="roster",le="0.001"} 1)"))
        << text;
    EXPECT_TRUE(
        hasLine(text, R"(admit_request_duration_seconds_bucket{route="roster",le="0.01"} 1)"))
        << text;
    EXPECT_TRUE(
        hasLine(text, R"(admit_request_duration_seconds_bucket{route="roster",le="0.025"} 2)"))
        << text;
    EXPECT_TRUE(
        hasLine(text, R"(admit_request_duration_seconds_bucket{route="roster",le="2.5"} 2)"))
        << text;
    EXPECT_TRUE(
        hasLine(text, R"(admit_request_duration_seconds_bucket{route="roster",le="+Inf"} 3)"))
        << text;
    EXPECT_TRUE(hasLine(text, R"(admit_request_duration_seconds_count{route="roster"} 3)")) << text;
    EXPECT_TRUE(hasLine(text, R"(admit_request_duration_seconds_sum{route="roster"} 3.0205)"))
        << text;
}

TEST(ServerMetrics, StoreAndConnectionFigures) {
    ServerMetrics metrics;
    StoreFigures store;
    store.events.push_back({"ev-1", 12, 2, 7});
    store.devices.push_back({"ev-1", "dev-a", 10'000});
    store.devices.push_back({"ev-1", "dev-b", 0});  // never synced: no age
    store.quarantined = 5;
    ConnectionFigures connections{3, 1, 2, 4, 6, 7, 9, 11};
    const std::string text = metrics.render(connections, store, 12'500);
    EXPECT_TRUE(hasLine(text, R"(admit_checkins_stored{event="ev-1"} 12)")) << text;
    EXPECT_TRUE(hasLine(text, R"(admit_devices{event="ev-1"} 2)")) << text;
    EXPECT_TRUE(hasLine(text, R"(admit_roster_version{event="ev-1"} 7)")) << text;
    EXPECT_TRUE(hasLine(text, "admit_quarantined_entries 5")) << text;
    EXPECT_TRUE(
        hasLine(text, R"(admit_device_last_sync_age_seconds{event="ev-1",device="dev-a"} 2.5)"))
        << text;
    EXPECT_EQ(text.find("dev-b"), std::string::npos) << text;
    EXPECT_TRUE(hasLine(text, "admit_open_connections 3")) << text;
    EXPECT_TRUE(hasLine(text, "admit_waiting_downloads 9")) << text;
    EXPECT_TRUE(hasLine(text, "admit_waits_refused_total 11")) << text;
    EXPECT_TRUE(hasLine(text, R"(admit_connections_dropped_total{reason="closed_at_cap"} 1)"));
    EXPECT_TRUE(hasLine(text, R"(admit_connections_dropped_total{reason="refused_at_cap"} 2)"));
    EXPECT_TRUE(hasLine(text, R"(admit_connections_dropped_total{reason="deadline"} 4)"));
    EXPECT_TRUE(hasLine(text, R"(admit_connections_dropped_total{reason="busy"} 6)"));
    EXPECT_TRUE(
        hasLine(text, R"(admit_connections_dropped_total{reason="tls_handshake_failed"} 7)"));
}

TEST(ServerMetrics, LabelValuesAreEscaped) {
    EXPECT_EQ(prometheusLabel("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    ServerMetrics metrics;
    StoreFigures store;
    store.events.push_back({"odd\"id", 1, 0, 1});
    const std::string text = metrics.render({}, store, 0);
    EXPECT_TRUE(hasLine(text, R"(admit_checkins_stored{event="odd\"id"} 1)")) << text;
}

}  // namespace
}  // namespace admit::sync

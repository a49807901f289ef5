#include "server_metrics.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace admit::sync {

namespace {

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.9g", value);
    return text;
}

void header(std::ostringstream& out, const char* name, const char* type, const char* help) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

}  // namespace

std::string prometheusLabel(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char ch : value) {
        if (ch == '\\') {
            out += "\\\\";
        } else if (ch == '"') {
            out += "\\\"";
        } else if (ch == '\n') {
            out += "\\n";
        } else {
            out += ch;
        }
    }
    return out;
}

void ServerMetrics::count(const AnsweredRequest& answered) {
    const double seconds = std::chrono::duration<double>(answered.latency).count();
    std::lock_guard lock(mutex_);
    ++requests_[{std::string(answered.route), answered.status}];
    Latency& l = latency_[std::string(answered.route)];
    auto bucket = std::lower_bound(kLatencyBuckets.begin(), kLatencyBuckets.end(), seconds);
    if (bucket != kLatencyBuckets.end())
        ++l.buckets[static_cast<std::size_t>(bucket - kLatencyBuckets.begin())];
    ++l.count;
    l.sumSeconds += seconds;
}

std::string ServerMetrics::render(const ConnectionFigures& connections, const StoreFigures& store,
                                  std::int64_t nowMs) const {
    std::ostringstream out;
    {
        std::lock_guard lock(mutex_);
        header(out, "admit_requests_total", "counter", "Requests answered, by route and status.");
        for (const auto& [key, n] : requests_) {
            out << "admit_requests_total{route=\"" << prometheusLabel(key.first) << "\",status=\""
                << key.second << "\"} " << n << '\n';
        }
        header(out, "admit_authentication_refusals_total", "counter",
               "Requests refused for a missing, unknown or revoked token (401 and 403).");
        std::uint64_t refused = 0;
        for (const auto& [key, n] : requests_) {
            if (key.second == 401 || key.second == 403) refused += n;
        }
        out << "admit_authentication_refusals_total " << refused << '\n';
        header(out, "admit_request_duration_seconds", "histogram",
               "Time from a request's head to its answer written, by route.");
        for (const auto& [route, l] : latency_) {
            const std::string label = "route=\"" + prometheusLabel(route) + "\"";
            std::uint64_t cumulative = 0;
            for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
                cumulative += l.buckets[i];
                out << "admit_request_duration_seconds_bucket{" << label << ",le=\""
                    << number(kLatencyBuckets[i]) << "\"} " << cumulative << '\n';
            }
            out << "admit_request_duration_seconds_bucket{" << label << ",le=\"+Inf\"} " << l.count
                << '\n';
            out << "admit_request_duration_seconds_sum{" << label << "} " << number(l.sumSeconds)
                << '\n';
            out << "admit_request_duration_seconds_count{" << label << "} " << l.count << '\n';
        }
    }
    header(out, "admit_open_connections", "gauge", "Connections open now.");
    out << "admit_open_connections " << connections.open << '\n';
    header(out, "admit_connections_dropped_total", "counter",
           "Connections the server closed or refused to protect itself, by reason.");
    out << "admit_connections_dropped_total{reason=\"closed_at_cap\"} " << connections.closedAtCap
        << '\n';
    out << "admit_connections_dropped_total{reason=\"refused_at_cap\"} " << connections.refusedAtCap
        << '\n';
    out << "admit_connections_dropped_total{reason=\"deadline\"} " << connections.cutOffAtDeadline
        << '\n';
    out << "admit_connections_dropped_total{reason=\"busy\"} " << connections.answeredBusy << '\n';
    out << "admit_connections_dropped_total{reason=\"tls_handshake_failed\"} "
        << connections.handshakeFailures << '\n';

    header(out, "admit_waiting_downloads", "gauge", "Downloads waiting for news now.");
    out << "admit_waiting_downloads " << connections.parked << '\n';
    header(out, "admit_waits_refused_total", "counter",
           "Waiting downloads refused at the server's caps (429 too_many_waiting).");
    out << "admit_waits_refused_total " << connections.parkRefused << '\n';

    header(out, "admit_checkins_stored", "gauge", "Check-ins the server holds, by event.");
    for (const auto& e : store.events) {
        out << "admit_checkins_stored{event=\"" << prometheusLabel(e.eventId) << "\"} "
            << e.checkIns << '\n';
    }
    header(out, "admit_quarantined_entries", "gauge",
           "Uploaded entries kept aside because they could not be stored.");
    out << "admit_quarantined_entries " << store.quarantined << '\n';
    header(out, "admit_devices", "gauge", "Enrolled devices, by event.");
    for (const auto& e : store.events) {
        out << "admit_devices{event=\"" << prometheusLabel(e.eventId) << "\"} " << e.devices
            << '\n';
    }
    header(out, "admit_roster_version", "gauge",
           "The roster version kiosks converge to, by event.");
    for (const auto& e : store.events) {
        out << "admit_roster_version{event=\"" << prometheusLabel(e.eventId) << "\"} "
            << e.rosterVersion << '\n';
    }
    header(out, "admit_device_last_sync_age_seconds", "gauge",
           "Seconds since each device's last authenticated request (absent: never synced).");
    for (const auto& d : store.devices) {
        if (d.lastSyncAtMs <= 0) continue;
        out << "admit_device_last_sync_age_seconds{event=\"" << prometheusLabel(d.eventId)
            << "\",device=\"" << prometheusLabel(d.deviceId) << "\"} "
            << number(static_cast<double>(std::max<std::int64_t>(0, nowMs - d.lastSyncAtMs)) /
                      1000.0)
            << '\n';
    }
    return out.str();
}

}  // namespace admit::sync

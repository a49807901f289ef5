// Importing a 100,000-row attendee list (docs/performance.md, "Importing attendee lists"): the
// same people as Admit's own CSV, as pretix's order positions export and as Eventbrite's attendee
// report, each into a fresh encrypted organiser database, interleaved round by round so the three
// share the machine's state. The exports are made from the sample files in tests/data: their
// header and their first row's every column (quoted commas and line breaks, non-ASCII names),
// with each row's order, name, email and barcode made unique; a BOM and CRLF line ends.
//
// Per format: the first import (every row inserted, with its barcode's blind index and audit
// entry), then the same file again (every row unchanged), median of the rounds, and the ratio to
// Admit's own format in the same run.
//
// Usage: admit_import_bench [rows=100000] [rounds=3]

#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "admit/organiser/attendee_import.hpp"
#include "admit/organiser/csv_reader.hpp"
#include "admit/organiser/event_admin.hpp"
#include "admit/replica/replica.hpp"
#include "admit/replica/replica_key.hpp"
#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"
#include "bench_timing.hpp"

namespace {

using namespace admit;
namespace fs = std::filesystem;

[[noreturn]] void die(const std::string& message) {
    std::fprintf(stderr, "%s\n", message.c_str());
    std::exit(1);
}

std::string csvField(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
    }
    return out + "\"";
}

void appendRow(std::string& out, const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i) out.push_back(',');
        out += csvField(fields[i]);
    }
    out += "\r\n";
}

// A 32-character secret, as pretix's default generator makes them, unique for `i`.
std::string secretFor(std::uint64_t i) {
    static const char kAlphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
    std::string out;
    std::uint64_t x = i * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL;
    for (int k = 0; k < 32; ++k) {
        x ^= x >> 29;
        x *= 0xBF58476D1CE4E5B9ULL;
        x ^= x >> 32;
        out.push_back(kAlphabet[x % 31]);
    }
    return out;
}

struct Sample {
    std::vector<std::string> header;
    std::vector<std::string> firstRow;
    std::map<std::string, std::size_t> column;
};

Sample loadSample(const std::string& name) {
    std::string path = std::string(ADMIT_SOURCE_DIR) + "/tests/data/" + name;
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    auto records = organiser::parseCsv(text.str(), path);
    if (!records || records->size() < 2) die("cannot read the sample " + path);
    Sample sample{(*records)[0].fields, (*records)[1].fields, {}};
    for (std::size_t i = 0; i < sample.header.size(); ++i) {
        sample.column.emplace(sample.header[i], i);  // the first of a repeated name
    }
    return sample;
}

std::string makeAdmit(int rows) {
    std::string out = "\xEF\xBB\xBFname,email,ticket_type,status,external_code\r\n";
    for (int i = 0; i < rows; ++i) {
        std::string n = std::to_string(i);
        appendRow(out, {"Attendee Müller " + n, "a" + n + "@example.org", i % 2 ? "VIP" : "General",
                        "approved", secretFor(static_cast<std::uint64_t>(i))});
    }
    return out;
}

std::string makeFromSample(const Sample& sample, int rows,
                           const std::map<std::string, std::string (*)(int)>& vary) {
    std::string out = "\xEF\xBB\xBF";
    appendRow(out, sample.header);
    std::vector<std::string> row = sample.firstRow;
    std::vector<std::pair<std::size_t, std::string (*)(int)>> at;
    for (const auto& [name, make] : vary) {
        auto found = sample.column.find(name);
        if (found == sample.column.end()) die("the sample has no column " + name);
        at.emplace_back(found->second, make);
    }
    for (int i = 0; i < rows; ++i) {
        for (const auto& [index, make] : at) row[index] = make(i);
        appendRow(out, row);
    }
    return out;
}

std::string makePretix(int rows) {
    static const Sample sample = loadSample("pretix-order-positions.csv");
    // Two positions an order, as a buyer with a friend.
    return makeFromSample(
        sample, rows,
        {{"Order code", [](int i) { return "P" + std::to_string(i / 2); }},
         {"Position ID", [](int i) { return std::to_string(i % 2 + 1); }},
         {"Product", [](int i) { return std::string(i % 2 ? "VIP" : "General"); }},
         {"Attendee name", [](int i) { return "Attendee Müller " + std::to_string(i); }},
         {"Attendee email", [](int i) { return "a" + std::to_string(i) + "@example.org"; }},
         {"Ticket secret", [](int i) { return secretFor(static_cast<std::uint64_t>(i)); }}});
}

std::string makeEventbrite(int rows) {
    static const Sample sample = loadSample("eventbrite-attendee-report.csv");
    return makeFromSample(
        sample, rows,
        {{"Order #", [](int i) { return std::to_string(5'100'000'000LL + i / 2); }},
         {"Attendee #", [](int i) { return std::to_string(7'000'000'000LL + i); }},
         {"First Name", [](int i) { return "Attendee " + std::to_string(i); }},
         {"Last Name", [](int) { return std::string("Müller"); }},
         {"Email", [](int i) { return "a" + std::to_string(i) + "@example.org"; }},
         {"Ticket Type", [](int i) { return std::string(i % 2 ? "VIP" : "General Admission"); }},
         {"Barcode #", [](int i) { return secretFor(static_cast<std::uint64_t>(i)); }}});
}

struct Run {
    double firstMs = 0;
    double againMs = 0;
};

Run importTwice(const fs::path& dir, const std::string& csv, organiser::ImportFormat format,
                int rows) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    auto key = replica::ReplicaKey::generate();
    auto db = replica::openReplica(dir / "org.db", key, replica::OpenMode::kCreate);
    if (!db) die(db.error().message);
    store::applyConnectionSettings(*db);
    if (auto migrated = store::migrate(*db); !migrated) die(migrated.error().message);
    auto event = organiser::createEvent(
        *db, {"Bench Fest", store::ReentryPolicy::kSingle, {"General", "VIP", "General Admission"}},
        0);
    if (!event) die(event.error().message);
    Run run;
    for (double* slot : {&run.firstMs, &run.againMs}) {
        bool ok = false;
        *slot = bench::timeMs([&] {
            // Told from the header, as `admit import` does without --format.
            auto summary =
                organiser::importAttendees(*db, event->id, csv, "bench.csv", "bench", 1000);
            if (!summary) die(summary.error().message);
            ok = summary->format == format &&
                 (slot == &run.firstMs ? summary->inserted == rows : summary->unchanged == rows);
        });
        if (!ok) die("the import did not insert, then leave unchanged, every row");
    }
    return run;
}

double median(std::vector<double> values) { return bench::percentile(std::move(values), 0.5); }

}  // namespace

int main(int argc, char** argv) {
    int rows = argc > 1 ? std::atoi(argv[1]) : 100'000;
    int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
    if (rows < 1 || rounds < 1) die("usage: admit_import_bench [rows=100000] [rounds=3]");
    struct Format {
        const char* name;
        organiser::ImportFormat format;
        std::string csv;
        std::vector<double> first;
        std::vector<double> again;
    };
    std::vector<Format> formats{
        {"admit", organiser::ImportFormat::kAdmit, makeAdmit(rows), {}, {}},
        {"pretix", organiser::ImportFormat::kPretix, makePretix(rows), {}, {}},
        {"eventbrite", organiser::ImportFormat::kEventbrite, makeEventbrite(rows), {}, {}},
    };
    fs::path dir = fs::temp_directory_path() / ("admit-import-bench-" + std::to_string(getpid()));
    for (int round = 0; round < rounds; ++round) {
        for (Format& f : formats) {
            Run run = importTwice(dir / f.name, f.csv, f.format, rows);
            f.first.push_back(run.firstMs);
            f.again.push_back(run.againMs);
        }
    }
    fs::remove_all(dir);
    double admitFirst = median(formats[0].first);
    double admitAgain = median(formats[0].again);
    std::printf("import of %d rows, encrypted organiser database, median of %d rounds\n", rows,
                rounds);
    std::printf("%-11s %9s %9s %12s %8s %12s %8s\n", "format", "file MB", "columns", "first (ms)",
                "ratio", "again (ms)", "ratio");
    for (const Format& f : formats) {
        auto header = f.csv.substr(0, f.csv.find("\r\n"));
        auto columns = organiser::parseCsv(header, "header");
        double first = median(f.first);
        double again = median(f.again);
        std::printf("%-11s %9.1f %9zu %12.0f %8.2f %12.0f %8.2f\n", f.name,
                    static_cast<double>(f.csv.size()) / 1e6,
                    columns ? columns->front().fields.size() : 0, first, first / admitFirst, again,
                    again / admitAgain);
    }
    return 0;
}

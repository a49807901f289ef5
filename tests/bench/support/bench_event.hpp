#pragma once
// The benchmarks' event: an organiser database in `dir` with one event of `attendeeCount`
// approved attendees, each with a signed ticket (the 100,000-attendee figures in
// docs/performance.md). Exits with a message if the database cannot be made.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Transaction.h>

#include "admit/organiser/event_admin.hpp"
#include "admit/store/attendees.hpp"
#include "admit/store/store.hpp"

namespace admit::bench {

struct BenchEvent {
    SQLite::Database org;
    std::string eventId;
    std::vector<std::string> tickets;  // the first `keepTickets` ticket texts
};

inline BenchEvent makeBenchEvent(const std::filesystem::path& dir, int attendeeCount,
                                 int keepTickets = 0) {
    auto org = store::openPlainDatabase((dir / "org.db").string(), store::OpenMode::kCreate);
    if (!org) {
        std::fprintf(stderr, "%s\n", org.error().message.c_str());
        std::exit(1);
    }
    auto event = organiser::createEvent(*org, {"Bench Fest"}, 0);
    if (!event) {
        std::fprintf(stderr, "%s\n", event.error().message.c_str());
        std::exit(1);
    }
    std::vector<std::string> tickets;
    {
        SQLite::Transaction t(*org);
        store::Attendees attendees(*org);
        for (int i = 0; i < attendeeCount; ++i) {
            std::string n = std::to_string(i);
            store::Attendee a{0,
                              event->id,
                              n,
                              "Attendee " + n,
                              "a" + n + "@example.org",
                              1,
                              store::AttendeeStatus::kApproved,
                              ""};
            attendees.upsert(a);
            auto issued = organiser::issueTicket(*org, event->id, a.id);
            if (i < keepTickets) tickets.push_back(issued->text);
        }
        t.commit();
    }
    return {std::move(*org), event->id, std::move(tickets)};
}

}  // namespace admit::bench

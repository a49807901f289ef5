#pragma once
// A kiosk's replica as the store writes it, for tests that damage one on purpose: one event,
// attendees, and check-ins made on this device (each writes its check-in, outbox entry and audit
// entry, as at the door). Also what those tests need: the pages of a table (SQLite's dbstat),
// the page number of each WAL frame, and every table's contents for comparison.

#include <sqlite3.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "admit/base/bytes.hpp"
#include "admit/replica/replica.hpp"
#include "admit/store/attendees.hpp"
#include "admit/store/checkin_log.hpp"
#include "admit/store/events.hpp"
#include "admit/store/hybrid_logical_clock.hpp"
#include "admit/store/schema.hpp"
#include "admit/store/store.hpp"

namespace admit::testing {

inline constexpr const char* kKioskEvent = "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b";
inline constexpr std::size_t kKioskPageSize = 4096;
inline constexpr std::size_t kWalHeaderSize = 32;
inline constexpr std::size_t kWalFrameSize = kKioskPageSize + 24;

// A new replica with the store's schema and one event with two ticket types.
inline SQLite::Database createKioskReplica(const std::filesystem::path& path,
                                           const replica::ReplicaKey& key) {
    auto opened = replica::openReplica(path, key, replica::OpenMode::kCreate);
    if (!opened) throw std::runtime_error(opened.error().message);
    SQLite::Database db = std::move(*opened);
    store::applyConnectionSettings(db);
    if (auto migrated = store::migrate(db); !migrated) {
        throw std::runtime_error(migrated.error().message);
    }
    store::Events events(db);
    events.create({kKioskEvent, "Door Test", store::ReentryPolicy::kSingle, Bytes(32, 7), 0});
    events.addTicketType(kKioskEvent, {1, "General"});
    events.addTicketType(kKioskEvent, {2, "VIP"});
    return db;
}

// Attendees first .. first + count - 1, in one transaction.
inline void addAttendees(SQLite::Database& db, int first, int count) {
    SQLite::Transaction transaction(db);
    store::Attendees attendees(db);
    for (int i = first; i < first + count; ++i) {
        store::Attendee a;
        a.eventId = kKioskEvent;
        a.importKey = "row-" + std::to_string(i);
        a.name = "Attendee Number " + std::to_string(i);
        a.email = "attendee" + std::to_string(i) + "@example.org";
        a.ticketType = static_cast<std::uint16_t>(1 + i % 2);
        attendees.upsert(a);
    }
    transaction.commit();
}

// Check-ins of attendees first .. first + count - 1 (ids from 1), in one transaction.
inline void addCheckIns(SQLite::Database& db, int first, int count) {
    store::HybridLogicalClock clock(db);
    store::CheckInLog log(db, clock);
    SQLite::Transaction transaction(db);
    for (int i = first; i < first + count; ++i) {
        log.append({kKioskEvent, "ticket-" + std::to_string(i), std::int64_t{i}, "Main",
                    store::Direction::kEntry, "vic"},
                   1'700'000'000'000 + std::int64_t{i} * 1000);
    }
    transaction.commit();
}

// Keeps every later commit in the WAL when the connection closes, as on a kiosk that was
// switched off or crashed.
inline void keepWalOnClose(SQLite::Database& db) {
    sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    db.exec("PRAGMA wal_autocheckpoint=0");
}

struct PageInfo {
    std::uint32_t pgno = 0;
    std::string type;  // "internal", "leaf" or "overflow"
    int cells = 0;
};

// The pages of a table's or index's b-tree as SQLite reads them now (WAL included).
inline std::vector<PageInfo> pagesOf(SQLite::Database& db, const std::string& name) {
    std::vector<PageInfo> pages;
    SQLite::Statement query(db,
                            "SELECT pageno, pagetype, ncell FROM dbstat WHERE name = ? ORDER BY "
                            "path");
    query.bind(1, name);
    while (query.executeStep()) {
        pages.push_back({static_cast<std::uint32_t>(query.getColumn(0).getInt64()),
                         query.getColumn(1).getString(), query.getColumn(2).getInt()});
    }
    return pages;
}

inline std::vector<PageInfo> pagesOfType(SQLite::Database& db, const std::string& name,
                                         const std::string& type) {
    std::vector<PageInfo> out;
    for (const PageInfo& p : pagesOf(db, name)) {
        if (p.type == type) out.push_back(p);
    }
    return out;
}

inline std::size_t pageOffset(std::uint32_t pgno) { return (pgno - 1) * kKioskPageSize; }
inline std::size_t frameBodyOffset(std::size_t frame) {
    return kWalHeaderSize + (frame - 1) * kWalFrameSize + 24;
}

// The page number in each frame header of a WAL (frame 1 first).
inline std::vector<std::uint32_t> walFramePages(const std::filesystem::path& wal) {
    std::ifstream in(wal, std::ios::binary);
    const std::vector<char> bytes{std::istreambuf_iterator<char>(in),
                                  std::istreambuf_iterator<char>()};
    std::vector<std::uint32_t> pages;
    for (std::size_t off = kWalHeaderSize; off + kWalFrameSize <= bytes.size();
         off += kWalFrameSize) {
        std::uint32_t pgno = 0;
        for (std::size_t i = 0; i < 4; ++i) {
            pgno = (pgno << 8) | static_cast<std::uint8_t>(bytes[off + i]);
        }
        pages.push_back(pgno);
    }
    return pages;
}

// Every table's rows as text (the rowid first where there is one), sorted, by table name.
inline std::map<std::string, std::vector<std::string>> tableContents(SQLite::Database& db) {
    std::map<std::string, std::vector<std::string>> contents;
    std::vector<std::pair<std::string, bool>> tables;
    {
        SQLite::Statement list(db,
                               "SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND "
                               "type = 'table' AND name NOT LIKE 'sqlite_%'");
        while (list.executeStep()) {
            tables.emplace_back(list.getColumn(0).getString(), list.getColumn(1).getInt() != 0);
        }
    }
    for (const auto& [table, withoutRowid] : tables) {
        std::string select = withoutRowid ? "''" : "rowid";
        SQLite::Statement columns(db, "SELECT name FROM pragma_table_info(?) ORDER BY cid");
        columns.bind(1, table);
        while (columns.executeStep()) {
            select += " || '|' || quote(\"" + columns.getColumn(0).getString() + "\")";
        }
        std::vector<std::string>& rows = contents[table];
        SQLite::Statement all(db, "SELECT " + select + " FROM \"" + table + "\"");
        while (all.executeStep()) rows.push_back(all.getColumn(0).getString());
        std::sort(rows.begin(), rows.end());
    }
    return contents;
}

}  // namespace admit::testing

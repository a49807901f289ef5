#pragma once
// Databases in a temp dir for store tests.

#include <memory>

#include <gtest/gtest.h>

#include "admit/store/events.hpp"
#include "admit/store/store.hpp"
#include "temp_dir.hpp"

namespace admit::testing {

// A migrated, empty database.
class DatabaseFixture : public ::testing::Test {
  protected:
    void SetUp() override {
        auto opened = store::openPlainDatabase(dir.file("a.db"), store::OpenMode::kCreate);
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        db = std::make_unique<SQLite::Database>(std::move(*opened));
    }

    TempDir dir;
    std::unique_ptr<SQLite::Database> db;
};

// The same with one event ("Test Fest") and two ticket types.
class StoreFixture : public DatabaseFixture {
  public:
    static constexpr const char* kEvent = "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b";

  protected:
    void SetUp() override {
        DatabaseFixture::SetUp();
        store::Events events(*db);
        events.create({kEvent, "Test Fest", store::ReentryPolicy::kSingle, Bytes(32, 7), 0});
        events.addTicketType(kEvent, {1, "General"});
        events.addTicketType(kEvent, {2, "VIP"});
    }
};

}  // namespace admit::testing

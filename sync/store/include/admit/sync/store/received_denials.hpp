#pragma once
// Kiosks' denied scans the server has stored (docs/sync.md, "Denials"): the only owner of the
// `received_denials` table. Each denial itself is an audit entry under the kiosk's device id;
// this table makes a retried upload idempotent.

#include <cstdint>
#include <optional>
#include <string>

#include <SQLiteCpp/Database.h>

#include "admit/store/denied_scan.hpp"

namespace admit::sync {

class ReceivedDenials {
  public:
    explicit ReceivedDenials(SQLite::Database& db) : db_(db) {}

    // The payload stored under this denial id (store::deniedScanPayload), if any.
    std::optional<std::string> findPayload(const std::string& denialId);
    // Records the denial and appends its audit entry under its device's id, with the device's
    // wall time and `serverHlc`, the server's clock having received the denial's (the audit
    // log's clock values are its own: a kiosk's far-ahead clock must not become the server's
    // when it resumes). Call in the transaction of the upload.
    void add(const store::DeniedScan& denial, store::HlcTime serverHlc, std::int64_t nowMs);

  private:
    SQLite::Database& db_;
};

}  // namespace admit::sync

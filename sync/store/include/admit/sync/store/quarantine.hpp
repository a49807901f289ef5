#pragma once
// Uploaded entries the server could not store (docs/sync.md, "Quarantine"): kept verbatim with
// the reason, so nothing a kiosk sent is lost and the organiser can see it (`admit quarantine
// list|show`). Bounded per device, so a kiosk (or a stolen device token) cannot grow it without
// end, and indexed, so a retried batch is found without scanning. The only owner of the
// `sync_quarantine` table.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

namespace admit::sync {

struct QuarantinedEntry {
    std::int64_t seq = 0;
    std::string deviceId;
    std::int64_t receivedAtMs = 0;
    std::string reason;
    std::string entry;  // the upload entry as JSON text
};

class Quarantine {
  public:
    static constexpr std::int64_t kMaxEntriesPerDevice = 10'000;

    enum class Added {
        kAdded,
        kAlreadyHeld,  // the same device sent the same entry before (a retried batch)
        kFull,         // the device holds maxEntriesPerDevice already: nothing was added
    };

    // One object per request: it counts the device's entries once, then keeps count.
    explicit Quarantine(SQLite::Database& db,
                        std::int64_t maxEntriesPerDevice = kMaxEntriesPerDevice)
        : db_(db), maxEntriesPerDevice_(maxEntriesPerDevice) {}

    Added add(const std::string& deviceId, const std::string& reason, const std::string& entry,
              std::int64_t nowMs);
    std::int64_t countForDevice(const std::string& deviceId);

    // The entries of the event's devices, newest first, at most `limit`; and how many in all.
    std::vector<QuarantinedEntry> listForEvent(const std::string& eventId, std::int64_t limit);
    std::int64_t countForEvent(const std::string& eventId);
    // One entry of the event's devices.
    std::optional<QuarantinedEntry> find(const std::string& eventId, std::int64_t seq);

    // Removes the event's entries: all of them, one device's, or the one numbered `seq`, and
    // appends one audit entry ("quarantine.cleared": what was asked and how many went) in the
    // same transaction, if any went. Removing a full device's entries lets that kiosk upload again.
    // Returns how many were removed.
    struct ClearScope {
        std::optional<std::string> deviceId;
        std::optional<std::int64_t> seq;
    };
    std::int64_t clear(const std::string& eventId, const ClearScope& scope,
                       const std::string& operatorName, std::int64_t nowMs);

    std::int64_t maxEntriesPerDevice() const { return maxEntriesPerDevice_; }

  private:
    SQLite::Database& db_;
    std::int64_t maxEntriesPerDevice_;
    std::string countedDevice_;
    std::int64_t counted_ = 0;
};

}  // namespace admit::sync

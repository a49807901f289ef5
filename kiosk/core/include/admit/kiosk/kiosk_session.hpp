#pragma once
// What the kiosk is doing now: the event it checks tickets for, its gate and direction, and who
// is signed in. The one owner of these; the UI thread, the database worker and the sync thread
// each read a copy (snapshot()) when they need one. It is written on the database worker, in
// order with the jobs queued before (a gate changed on the screen applies to the scans after
// it); KioskState shows the copy taken at the last drain(), updated at once by the intents.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "admit/store/checkin_log.hpp"
#include "admit/store/operators.hpp"

namespace admit::kiosk {

struct EventSummary {
    std::string id;
    std::string name;
};

struct SessionSnapshot {
    std::optional<EventSummary> event;
    std::string gate;
    store::Direction direction = store::Direction::kEntry;
    std::optional<store::Operator> signedIn;

    std::string eventId() const { return event ? event->id : std::string(); }
    bool organiserSignedIn() const { return signedIn && signedIn->role == store::Role::kOrganiser; }
};

// Thread-safe: every member may be called from any thread.
class KioskSession {
  public:
    SessionSnapshot snapshot() const;
    // Bumped by every change: a reader can tell its copy is out of date.
    std::uint64_t version() const;

    void setEvent(std::optional<EventSummary> event);
    void setGate(std::string gate);
    void setDirection(store::Direction direction);
    void signIn(store::Operator person);
    void signOut();

  private:
    mutable std::mutex mutex_;
    SessionSnapshot now_;
    std::uint64_t version_ = 0;
};

}  // namespace admit::kiosk

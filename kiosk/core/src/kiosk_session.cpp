#include "admit/kiosk/kiosk_session.hpp"

#include <utility>

namespace admit::kiosk {

SessionSnapshot KioskSession::snapshot() const {
    std::lock_guard lock(mutex_);
    return now_;
}

std::uint64_t KioskSession::version() const {
    std::lock_guard lock(mutex_);
    return version_;
}

void KioskSession::setEvent(std::optional<EventSummary> event) {
    std::lock_guard lock(mutex_);
    now_.event = std::move(event);
    ++version_;
}

void KioskSession::setGate(std::string gate) {
    std::lock_guard lock(mutex_);
    now_.gate = std::move(gate);
    ++version_;
}

void KioskSession::setDirection(store::Direction direction) {
    std::lock_guard lock(mutex_);
    now_.direction = direction;
    ++version_;
}

void KioskSession::signIn(store::Operator person) {
    std::lock_guard lock(mutex_);
    now_.signedIn = std::move(person);
    ++version_;
}

void KioskSession::signOut() {
    std::lock_guard lock(mutex_);
    now_.signedIn.reset();
    ++version_;
}

}  // namespace admit::kiosk

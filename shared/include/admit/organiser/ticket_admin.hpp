#pragma once
// The organiser's changes to tickets: revoke (refunded, withdrawn), block (stopped at the door:
// copied, reported stolen), unblock, and reissue (a new code, the old one revoked). Each change
// is one transaction with its audit entry; the revoked and blocked lists are roster tables, so
// kiosks learn the change, and its reason, on their next sync round.

#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "admit/organiser/admin_error.hpp"
#include "admit/organiser/event_admin.hpp"
#include "admit/store/attendees.hpp"

namespace admit::organiser {

// How the organiser names the ticket(s): the text in the code (a signed ticket or an external
// barcode), the ticket ref (hex, as `admit attendee show` prints it), or an attendee (every
// ticket of theirs that the change concerns).
struct TicketSelector {
    enum class By { kText, kRef, kAttendee };
    By by = By::kRef;
    std::string value;
};

// A ticket and whether it is on the revoked or blocked list (with the reason given).
struct TicketState {
    store::TicketRecord ticket;
    std::optional<std::string> revokedReason;
    std::optional<std::string> blockedReason;
};

struct ReissuedTicket {
    std::string oldRef;
    IssuedTicket issued;  // the new code
};

class TicketAdmin {
  public:
    TicketAdmin(SQLite::Database& db, std::string eventId);

    // The tickets named (an attendee's: all of them, in ref order).
    AdminResult<std::vector<TicketState>> find(const TicketSelector& selector);
    // The reason must not be empty: the kiosk shows it. Revoking or blocking again replaces
    // the reason. Returns the tickets changed.
    AdminResult<std::vector<TicketState>> revoke(const TicketSelector& selector,
                                                 const std::string& reason, const Actor& actor);
    AdminResult<std::vector<TicketState>> block(const TicketSelector& selector,
                                                const std::string& reason, const Actor& actor);
    // Refused (kConflict) when none of the tickets named is blocked.
    AdminResult<std::vector<TicketState>> unblock(const TicketSelector& selector,
                                                  const Actor& actor);
    // One signed ticket (an attendee's current one): a new ticket id is signed and stored, the
    // old ref revoked with `reason` ("Reissued" when empty). An attendee whose codes are all
    // revoked gets a new one (oldRef empty); a revoked code named by text or ref is refused.
    AdminResult<ReissuedTicket> reissue(const TicketSelector& selector, const std::string& reason,
                                        const Actor& actor);

  private:
    AdminResult<std::vector<TicketState>> listChange(const TicketSelector& selector,
                                                     store::CodeList list,
                                                     const std::string& reason, const Actor& actor);
    TicketState stateOf(const store::TicketRecord& ticket);

    SQLite::Database& db_;
    std::string eventId_;
};

}  // namespace admit::organiser

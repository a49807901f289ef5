#pragma once
// Why the check-in engine could give no verdict (or undo nothing). Callers decide by the kind,
// never by the message, which is for people.

#include <string>

namespace admit::rules {

struct CheckInError {
    enum class Kind {
        kNothingToUndo,  // undoLast: no effective check-in on this device
        kNotFound,       // the event or the attendee is not in this database
        kDamaged,        // the replica is damaged (replica::replicaFailure): re-sync it
        kStorage,        // the database refused (locked, full, I/O): nothing recorded, try again
    };
    Kind kind = Kind::kStorage;
    std::string message;  // a sentence naming what failed
};

}  // namespace admit::rules

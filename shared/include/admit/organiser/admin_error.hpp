#pragma once
// Why an organiser's change was refused. Callers decide by the kind (the CLI's exit code), never
// by the message, which is one sentence for a person naming what is wrong.

#include <cstdint>
#include <string>

#include "admit/base/result.hpp"

namespace admit::organiser {

struct AdminError {
    enum class Kind {
        kNotFound,  // the event, attendee, ticket, type or operator named does not exist
        kInvalid,   // a value is not acceptable (an empty reason, an unknown status, a bad PIN)
        kConflict,  // the change cannot apply to the current state (unblocking a ticket not
                    // blocked)
        kStorage,   // the database refused; nothing was changed
    };
    Kind kind = Kind::kStorage;
    std::string message;
};

template <class T>
using AdminResult = Result<T, AdminError>;

inline Failure<AdminError> notFound(std::string message) {
    return fail(AdminError{AdminError::Kind::kNotFound, std::move(message)});
}
inline Failure<AdminError> invalid(std::string message) {
    return fail(AdminError{AdminError::Kind::kInvalid, std::move(message)});
}
inline Failure<AdminError> conflict(std::string message) {
    return fail(AdminError{AdminError::Kind::kConflict, std::move(message)});
}

// Who makes a change and when: every change is an audit entry with this name.
struct Actor {
    std::string operatorName;
    std::int64_t nowMs = 0;
};

}  // namespace admit::organiser

#pragma once
// One organiser change, one IMMEDIATE transaction: kept only when `change` succeeds; a database
// failure is a kStorage error naming what was being done, and nothing is kept.

#include <string>
#include <type_traits>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Transaction.h>

#include "admit/organiser/admin_error.hpp"

namespace admit::organiser {

// `change` returns an AdminResult<T> or a Status<AdminError>; so does this.
template <class Change>
std::invoke_result_t<Change&> inAdminTransaction(SQLite::Database& db, const std::string& doing,
                                                 Change&& change) {
    try {
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        auto result = change();
        if (result) transaction.commit();
        return result;
    } catch (const SQLite::Exception& e) {
        return fail(AdminError{AdminError::Kind::kStorage,
                               "could not " + doing + ": " + e.what() + "; nothing was changed"});
    }
}

}  // namespace admit::organiser

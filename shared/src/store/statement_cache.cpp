#include "admit/store/statement_cache.hpp"

#include <utility>

namespace admit::store {

StatementCache::Lease::Lease(SQLite::Statement* cached, bool* inUse)
    : statement_(cached), inUse_(inUse) {
    *inUse_ = true;
}

StatementCache::Lease::Lease(std::unique_ptr<SQLite::Statement> unshared)
    : statement_(unshared.get()), unshared_(std::move(unshared)) {}

StatementCache::Lease::Lease(Lease&& other) noexcept
    : statement_(std::exchange(other.statement_, nullptr)),
      inUse_(std::exchange(other.inUse_, nullptr)),
      unshared_(std::move(other.unshared_)) {}

StatementCache::Lease::~Lease() {
    if (statement_ == nullptr || unshared_) return;
    // tryReset() returns the error of the last step, which the caller has already seen.
    statement_->tryReset();
    try {
        statement_->clearBindings();
    } catch (const SQLite::Exception&) {
        // Clearing bindings fails only on a misuse SQLite reports elsewhere; the next bind
        // replaces every value anyway.
    }
    *inUse_ = false;
}

StatementCache::Lease StatementCache::prepare(std::string_view sql) {
    auto found = entries_.find(std::string(sql));
    if (found == entries_.end()) {
        auto statement = std::make_unique<SQLite::Statement>(db_, std::string(sql));
        found = entries_.emplace(std::string(sql), Entry{std::move(statement), false}).first;
    }
    Entry& entry = found->second;
    if (entry.inUse) {
        // The same SQL leased twice at once (a nested call): give the inner caller its own.
        return Lease(std::make_unique<SQLite::Statement>(db_, std::string(sql)));
    }
    return Lease(entry.statement.get(), &entry.inUse);
}

std::string jsonIdList(const std::vector<std::int64_t>& ids) {
    std::string out = "[";
    for (std::int64_t id : ids) {
        if (out.size() > 1) out += ',';
        out += std::to_string(id);
    }
    return out + "]";
}

}  // namespace admit::store

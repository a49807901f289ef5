// The sync backend of a build without admit_sync_client: never enrolled, every call refused.

#include "admit/kiosk/strings.hpp"
#include "admit/kiosk/sync_backend.hpp"

namespace admit::kiosk {
namespace {

class NoBackend final : public SyncBackend {
  public:
    bool available() const override { return false; }
    sync::SyncState readState(SQLite::Database&) override { return {}; }
    void saveEnrolment(SQLite::Database&, const sync::ServerAddress&, const std::string&) override {
    }
    Result<sync::EnrolResponse, sync::SyncError> enrol(const sync::ServerAddress&,
                                                       const sync::EnrolRequest&) override {
        return fail(
            sync::SyncError{sync::SyncError::Kind::kLocal, "enrol", text::noSyncClient(), {}});
    }
    Result<sync::RoundReport, sync::SyncError> runRound(const sync::ServerAddress&,
                                                        SQLite::Database&, const std::string&,
                                                        const std::string&, std::int64_t) override {
        return fail(
            sync::SyncError{sync::SyncError::Kind::kLocal, "upload", text::noSyncClient(), {}});
    }
};

}  // namespace

std::shared_ptr<SyncBackend> makeSyncClientBackend() { return std::make_shared<NoBackend>(); }

}  // namespace admit::kiosk

// The sync backend over the real client library (built only when admit_sync_client exists).

#include "admit/kiosk/sync_backend.hpp"

namespace admit::kiosk {
namespace {

class ClientBackend final : public SyncBackend {
  public:
    bool available() const override { return true; }
    sync::SyncState readState(SQLite::Database& replica) override {
        return sync::readSyncState(replica);
    }
    void saveEnrolment(SQLite::Database& replica, const sync::ServerAddress& server,
                       const std::string& deviceToken) override {
        sync::saveEnrolment(replica, server, deviceToken);
    }
    Result<sync::EnrolResponse, sync::SyncError> enrol(const sync::ServerAddress& server,
                                                       const sync::EnrolRequest& request) override {
        return sync::SyncClient(server).enrol(request);
    }
    Result<sync::RoundReport, sync::SyncError> runRound(const sync::ServerAddress& server,
                                                        SQLite::Database& replica,
                                                        const std::string& eventId,
                                                        const std::string& gate,
                                                        std::int64_t nowMs) override {
        return sync::SyncClient(server).runRound(replica, eventId, gate, nowMs);
    }
    std::optional<sync::WaitRequest> prepareWait(SQLite::Database& replica,
                                                 const std::string& eventId) override {
        return sync::SyncClient::prepareWait(replica, eventId);
    }
    Result<sync::WaitOutcome, sync::SyncError> waitForNews(
        const sync::ServerAddress& server, const sync::WaitRequest& request) override {
        return sync::SyncClient(server).waitForNews(request);
    }
};

}  // namespace

std::shared_ptr<SyncBackend> makeSyncClientBackend() { return std::make_shared<ClientBackend>(); }

}  // namespace admit::kiosk

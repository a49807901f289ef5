#pragma once
// The server's TLS identity (docs/sync.md, "TLS"): its certificate chain and private key, read
// once at start-up (server_certificate.hpp says how the files are checked).

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "admit/sync/server/server_certificate.hpp"

namespace admit::sync {

class TlsContext {
  public:
    // Reads a PEM certificate (chain, leaf first) and its PEM private key (unencrypted, mode
    // 0600 or 0640).
    static Result<std::shared_ptr<TlsContext>, TlsSetupError> load(
        const std::filesystem::path& certificateFile, const std::filesystem::path& keyFile);

    ~TlsContext();
    TlsContext(const TlsContext&) = delete;
    TlsContext& operator=(const TlsContext&) = delete;

    // The SHA-256 of the certificate's public key (its DER SubjectPublicKeyInfo), the pin the
    // online set-up code carries.
    const std::array<std::uint8_t, 32>& publicKeySha256() const;

    struct Impl;
    Impl& impl() { return *impl_; }

  private:
    explicit TlsContext(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace admit::sync

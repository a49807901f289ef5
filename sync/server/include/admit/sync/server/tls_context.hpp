#pragma once
// The server's TLS identity (docs/sync.md, "TLS"): its certificate chain and private key, read
// once at start-up. Errors name the file and what is wrong with it; the key's contents never
// reach an error, a log or the command line.

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "admit/base/result.hpp"

namespace admit::sync {

enum class TlsSetupFailure {
    kCertificateUnreadable,  // missing, not a regular file, no permission
    kCertificateInvalid,     // not a PEM certificate (chain)
    kKeyUnreadable,          // missing, not a regular file, no permission
    kKeyTooOpen,             // others may read it, or group or others may write it
    kKeyEncrypted,           // protected by a passphrase (nobody is there to type it)
    kKeyInvalid,             // not a PEM private key
    kKeyMismatch,            // the key is not the certificate's
};

struct TlsSetupError {
    TlsSetupFailure failure;
    std::string message;  // names the file; never the key's contents
};

// The SHA-256 of the public key (DER SubjectPublicKeyInfo) of the first certificate in a PEM
// file: what `admit setup-code --tls-cert` puts in the set-up code.
Result<std::array<std::uint8_t, 32>, TlsSetupError> certificatePublicKeySha256(
    const std::filesystem::path& certificateFile);

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

#pragma once
// The server's certificate and key files (docs/sync.md, "TLS"): read and checked, with errors
// that name the file and what is wrong with it (the key's contents never reach an error, a log or
// the command line); and the pin of the certificate's public key. OpenSSL only, no network: the
// organiser's `admit setup-code --tls-cert` uses it without linking the server.

#include <array>
#include <cstdint>
#include <filesystem>
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

}  // namespace admit::sync

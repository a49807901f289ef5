#pragma once
// PEM files for the server's TLS identity, shared by server_certificate.cpp and tls_context.cpp:
// OpenSSL handles with their owners, and the checked reading of a certificate or key file.

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "admit/sync/server/server_certificate.hpp"

namespace admit::sync::pem {

struct BioDeleter {
    void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Deleter {
    void operator()(X509* x) const { X509_free(x); }
};
struct KeyDeleter {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Bio = std::unique_ptr<BIO, BioDeleter>;
using Certificate = std::unique_ptr<X509, X509Deleter>;
using PrivateKey = std::unique_ptr<EVP_PKEY, KeyDeleter>;

// Zeroed when it goes: the key file's text.
struct SecretText {
    std::string text;
    ~SecretText() { OPENSSL_cleanse(text.data(), text.size()); }
};

// The file's bytes, or why not: missing, not a regular file, too large, and for a key
// (`isKey`) readable or writable by others.
Result<std::string, TlsSetupError> readPemFile(const std::filesystem::path& path, bool isKey);
Bio memoryBio(const std::string& text);
// The first certificate of a PEM text read from `path` (named in errors).
Result<Certificate, TlsSetupError> firstCertificate(const std::string& pem,
                                                    const std::filesystem::path& path);
// The SHA-256 of the certificate's DER SubjectPublicKeyInfo.
Result<std::array<std::uint8_t, 32>, TlsSetupError> publicKeySha256Of(
    X509* certificate, const std::filesystem::path& path);

}  // namespace admit::sync::pem

#include "admit/sync/server/server_certificate.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "pem_files.hpp"

namespace admit::sync {
namespace {

// The most a certificate chain or key file may hold: real ones are a few KiB.
constexpr off_t kMaxPemBytes = 1 << 20;

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

std::string modeText(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

}  // namespace

namespace pem {

Result<std::string, TlsSetupError> readPemFile(const std::filesystem::path& path, bool isKey) {
    const std::string what = isKey ? "the TLS key file " : "the TLS certificate file ";
    const auto unreadable =
        isKey ? TlsSetupFailure::kKeyUnreadable : TlsSetupFailure::kCertificateUnreadable;
    Fd file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (file.fd < 0) {
        const int err = errno;
        std::string why = err == ENOENT   ? "does not exist"
                          : err == EACCES ? "cannot be read by this user (permission denied)"
                                          : std::string("cannot be opened: ") + std::strerror(err);
        return fail(TlsSetupError{unreadable, what + path.string() + " " + why});
    }
    struct stat st {};
    if (::fstat(file.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        return fail(TlsSetupError{unreadable, what + path.string() + " is not a regular file"});
    }
    if (isKey && (st.st_mode & (S_IRWXO | S_IWGRP)) != 0) {
        return fail(
            TlsSetupError{TlsSetupFailure::kKeyTooOpen,
                          what + path.string() + " can be read or changed by other users (mode " +
                              modeText(st.st_mode) + "); it must be 0600 or 0640 (chmod 600)"});
    }
    if (st.st_size > kMaxPemBytes) {
        return fail(TlsSetupError{
            isKey ? TlsSetupFailure::kKeyInvalid : TlsSetupFailure::kCertificateInvalid,
            what + path.string() + " is larger than 1 MiB; it is not a PEM file"});
    }
    std::string text(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::read(file.fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            OPENSSL_cleanse(text.data(), text.size());
            return fail(TlsSetupError{unreadable, what + path.string() + " could not be read"});
        }
        done += static_cast<std::size_t>(n);
    }
    return text;
}

Bio memoryBio(const std::string& text) {
    return Bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

Result<std::array<std::uint8_t, 32>, TlsSetupError> publicKeySha256Of(
    X509* certificate, const std::filesystem::path& path) {
    unsigned char* der = nullptr;
    const int length = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(certificate), &der);
    if (length <= 0) {
        return fail(TlsSetupError{
            TlsSetupFailure::kCertificateInvalid,
            "the TLS certificate file " + path.string() + " holds no readable public key"});
    }
    std::array<std::uint8_t, 32> digest{};
    unsigned int digestLength = 0;
    const bool hashed = EVP_Digest(der, static_cast<std::size_t>(length), digest.data(),
                                   &digestLength, EVP_sha256(), nullptr) == 1;
    OPENSSL_free(der);
    if (!hashed || digestLength != digest.size()) {
        return fail(TlsSetupError{TlsSetupFailure::kCertificateInvalid,
                                  "cannot hash the public key of " + path.string()});
    }
    return digest;
}

Result<Certificate, TlsSetupError> firstCertificate(const std::string& pem,
                                                    const std::filesystem::path& path) {
    Bio bio = memoryBio(pem);
    Certificate leaf(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    ERR_clear_error();
    if (!leaf) {
        return fail(
            TlsSetupError{TlsSetupFailure::kCertificateInvalid,
                          "the TLS certificate file " + path.string() +
                              " holds no PEM certificate (\"-----BEGIN CERTIFICATE-----\")"});
    }
    return leaf;
}

}  // namespace pem

Result<std::array<std::uint8_t, 32>, TlsSetupError> certificatePublicKeySha256(
    const std::filesystem::path& certificateFile) {
    auto pem = pem::readPemFile(certificateFile, false);
    if (!pem) return fail(pem.error());
    auto leaf = pem::firstCertificate(*pem, certificateFile);
    if (!leaf) return fail(leaf.error());
    return pem::publicKeySha256Of(leaf->get(), certificateFile);
}

}  // namespace admit::sync

#include "admit/sync/server/tls_context.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tls_context_impl.hpp"

namespace admit::sync {
namespace {

// The most a certificate chain or key file may hold: real ones are a few KiB.
constexpr off_t kMaxPemBytes = 1 << 20;

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

// The file's bytes, or why not. `what` is "TLS certificate file" or "TLS key file".
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

// The first certificate of a PEM text.
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

// Never asks anybody for a passphrase: an encrypted key fails to load.
int noPassphrase(char*, int, int, void*) { return -1; }

}  // namespace

Result<std::array<std::uint8_t, 32>, TlsSetupError> certificatePublicKeySha256(
    const std::filesystem::path& certificateFile) {
    auto pem = readPemFile(certificateFile, false);
    if (!pem) return fail(pem.error());
    auto leaf = firstCertificate(*pem, certificateFile);
    if (!leaf) return fail(leaf.error());
    return publicKeySha256Of(leaf->get(), certificateFile);
}

TlsContext::TlsContext(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsContext::~TlsContext() = default;

const std::array<std::uint8_t, 32>& TlsContext::publicKeySha256() const {
    return impl_->publicKeySha256;
}

Result<std::shared_ptr<TlsContext>, TlsSetupError> TlsContext::load(
    const std::filesystem::path& certificateFile, const std::filesystem::path& keyFile) {
    auto certificatePem = readPemFile(certificateFile, false);
    if (!certificatePem) return fail(certificatePem.error());
    auto leaf = firstCertificate(*certificatePem, certificateFile);
    if (!leaf) return fail(leaf.error());
    auto pin = publicKeySha256Of(leaf->get(), certificateFile);
    if (!pin) return fail(pin.error());
    auto keyPem = readPemFile(keyFile, true);
    if (!keyPem) return fail(keyPem.error());
    SecretText keyText{std::move(*keyPem)};

    // Read here rather than by Asio, so an encrypted key is told apart from a malformed one
    // and OpenSSL's own messages (which never hold the key, but say little) stay out.
    PrivateKey key;
    {
        Bio bio = memoryBio(keyText.text);
        key.reset(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassphrase, nullptr)
                      : nullptr);
    }
    if (!key) {
        const bool encrypted =
            keyText.text.find("ENCRYPTED") != std::string::npos;  // PEM labels, not key bytes
        ERR_clear_error();
        if (encrypted) {
            return fail(TlsSetupError{TlsSetupFailure::kKeyEncrypted,
                                      "the TLS key file " + keyFile.string() +
                                          " is protected by a passphrase; admit-server needs it "
                                          "unencrypted (openssl pkey -in KEY -out PLAIN_KEY)"});
        }
        return fail(
            TlsSetupError{TlsSetupFailure::kKeyInvalid,
                          "the TLS key file " + keyFile.string() +
                              " holds no PEM private key (\"-----BEGIN PRIVATE KEY-----\")"});
    }

    auto impl = std::make_unique<Impl>();
    SSL_CTX* ctx = impl->context.native_handle();
    // TLS 1.2 and 1.3 only; no renegotiation (a client could make the server redo handshakes
    // on one connection), no compression.
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(
        ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    // An idle connection keeps no TLS buffers (16 KiB or more each).
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_default_passwd_cb(ctx, noPassphrase);
    boost::system::error_code ec;
    impl->context.use_certificate_chain(
        boost::asio::buffer(certificatePem->data(), certificatePem->size()), ec);
    if (ec) {
        ERR_clear_error();
        return fail(TlsSetupError{TlsSetupFailure::kCertificateInvalid,
                                  "the TLS certificate file " + certificateFile.string() +
                                      " is not a valid PEM certificate chain"});
    }
    if (SSL_CTX_use_PrivateKey(ctx, key.get()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
        ERR_clear_error();
        return fail(TlsSetupError{TlsSetupFailure::kKeyMismatch,
                                  "the TLS key file " + keyFile.string() +
                                      " does not hold the private key of the certificate in " +
                                      certificateFile.string()});
    }
    impl->publicKeySha256 = *pin;
    return std::shared_ptr<TlsContext>(new TlsContext(std::move(impl)));
}

}  // namespace admit::sync

#include "admit/sync/server/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "pem_files.hpp"
#include "tls_context_impl.hpp"

namespace admit::sync {
namespace {

// Never asks anybody for a passphrase: an encrypted key fails to load.
int noPassphrase(char*, int, int, void*) { return -1; }

}  // namespace

TlsContext::TlsContext(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsContext::~TlsContext() = default;

const std::array<std::uint8_t, 32>& TlsContext::publicKeySha256() const {
    return impl_->publicKeySha256;
}

Result<std::shared_ptr<TlsContext>, TlsSetupError> TlsContext::load(
    const std::filesystem::path& certificateFile, const std::filesystem::path& keyFile) {
    auto certificatePem = pem::readPemFile(certificateFile, false);
    if (!certificatePem) return fail(certificatePem.error());
    auto leaf = pem::firstCertificate(*certificatePem, certificateFile);
    if (!leaf) return fail(leaf.error());
    auto pin = pem::publicKeySha256Of(leaf->get(), certificateFile);
    if (!pin) return fail(pin.error());
    auto keyPem = pem::readPemFile(keyFile, true);
    if (!keyPem) return fail(keyPem.error());
    pem::SecretText keyText{std::move(*keyPem)};

    // Read here rather than by Asio, so an encrypted key is told apart from a malformed one
    // and OpenSSL's own messages (which never hold the key, but say little) stay out.
    pem::PrivateKey key;
    {
        pem::Bio bio = pem::memoryBio(keyText.text);
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

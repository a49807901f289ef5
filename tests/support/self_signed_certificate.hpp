#pragma once
// A self-signed TLS certificate for 127.0.0.1, made at test time with OpenSSL's API (no files
// checked in, nothing downloaded): the PEM certificate, its PEM key (unencrypted) and the
// SHA-256 of its DER SubjectPublicKeyInfo (what the kiosk pins).

#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace admit::testing {

struct SelfSignedCertificate {
    std::string certificatePem;
    std::string keyPem;
    std::array<std::uint8_t, 32> publicKeySha256{};

    // An ECDSA P-256 key (or RSA-2048 with `rsa`), valid from now for a day, CN and
    // subjectAltName 127.0.0.1.
    static SelfSignedCertificate make(bool rsa = false) {
        std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
            rsa ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256"), EVP_PKEY_free);
        std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
        if (!key || !cert) throw std::runtime_error("cannot make a key or certificate");
        X509_set_version(cert.get(), 2);
        ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
        X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
        X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
        X509_set_pubkey(cert.get(), key.get());
        X509_NAME* name = X509_get_subject_name(cert.get());
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
        X509_set_issuer_name(cert.get(), name);
        X509V3_CTX ctx;
        X509V3_set_ctx_nodb(&ctx);
        X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
        if (X509_EXTENSION* san =
                X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1")) {
            X509_add_ext(cert.get(), san, -1);
            X509_EXTENSION_free(san);
        }
        if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
            throw std::runtime_error("cannot sign the certificate");
        }
        SelfSignedCertificate out;
        out.certificatePem = pem([&](BIO* bio) { return PEM_write_bio_X509(bio, cert.get()); });
        out.keyPem = pem([&](BIO* bio) {
            return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
        });
        unsigned char* der = nullptr;
        int length = i2d_PUBKEY(key.get(), &der);
        unsigned int digestLength = 0;
        EVP_Digest(der, static_cast<std::size_t>(length), out.publicKeySha256.data(), &digestLength,
                   EVP_sha256(), nullptr);
        OPENSSL_free(der);
        return out;
    }

  private:
    template <class Write>
    static std::string pem(Write write) {
        std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
        if (!bio || write(bio.get()) != 1) throw std::runtime_error("cannot write PEM");
        char* data = nullptr;
        long size = BIO_get_mem_data(bio.get(), &data);
        return std::string(data, static_cast<std::size_t>(size));
    }
};

}  // namespace admit::testing

#pragma once
// The first bytes a TLS client sends, a real ClientHello made by OpenSSL into memory, for tests
// and benchmarks that play a client dribbling its handshake (SlowClients' `opening`).

#include <memory>
#include <string>

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace admit::testing {

inline std::string tlsClientHello() {
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()),
                                                          SSL_CTX_free);
    std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
    BIO* in = BIO_new(BIO_s_mem());
    BIO* out = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl.get(), in, out);  // owned by ssl from here
    SSL_set_connect_state(ssl.get());
    SSL_do_handshake(ssl.get());  // wants to read: the ClientHello is in `out`
    ERR_clear_error();
    char* data = nullptr;
    long size = BIO_get_mem_data(out, &data);
    return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace admit::testing

#pragma once
// TlsContext's inside, for the HTTP layer (which makes one TLS stream per connection from it).

#include "admit/sync/server/tls_context.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/ssl/context.hpp>
#pragma GCC diagnostic pop

namespace admit::sync {

struct TlsContext::Impl {
    boost::asio::ssl::context context{boost::asio::ssl::context::tls_server};
    std::array<std::uint8_t, 32> publicKeySha256{};
};

}  // namespace admit::sync

#pragma once
// gzip (RFC 1952) for the server's answers, with zlib. Request bodies are never inflated: the
// server refuses a compressed request (http_server.hpp).

#include <string>
#include <string_view>

namespace admit::sync {

// `text` gzipped at zlib's default level.
std::string gzipCompress(std::string_view text);

}  // namespace admit::sync

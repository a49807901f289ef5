#pragma once
// gzip (RFC 1952) for the server's answers, with zlib. Request bodies are never inflated: the
// server refuses a compressed request (http_server.hpp).

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace admit::sync {

// `text` gzipped at zlib's default level.
std::string gzipCompress(std::string_view text);

// gzip as the text comes, piece by piece (a body too large to hold whole): the compressed bytes
// go to `out` as zlib produces them. Throws std::runtime_error if zlib fails.
class GzipStream {
  public:
    explicit GzipStream(std::function<void(std::string_view)> out);
    ~GzipStream();
    GzipStream(const GzipStream&) = delete;
    GzipStream& operator=(const GzipStream&) = delete;

    void write(std::string_view text);
    // The end of the text: the rest and gzip's trailer go out.
    void finish();

  private:
    void run(std::string_view text, int flush);

    struct State;
    std::unique_ptr<State> state_;
    std::function<void(std::string_view)> out_;
};

}  // namespace admit::sync

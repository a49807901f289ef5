#include "gzip.hpp"

#include <zlib.h>

#include <memory>
#include <stdexcept>

namespace admit::sync {

std::string gzipCompress(std::string_view text) {
    z_stream z{};
    // 15 window bits, +16 for a gzip header and trailer instead of zlib's.
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
        throw std::runtime_error("zlib could not start compressing");
    }
    std::string out(deflateBound(&z, static_cast<uLong>(text.size())), '\0');
    // zlib's interface takes a non-const pointer but does not write through next_in.
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    z.avail_in = static_cast<uInt>(text.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    int status = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (status != Z_STREAM_END) throw std::runtime_error("zlib could not compress an answer");
    return out;
}

struct GzipStream::State {
    z_stream z{};
    std::string chunk = std::string(64 * 1024, '\0');
};

GzipStream::GzipStream(std::function<void(std::string_view)> out)
    : state_(std::make_unique<State>()), out_(std::move(out)) {
    if (deflateInit2(&state_->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::runtime_error("zlib could not start compressing");
    }
}

GzipStream::~GzipStream() { deflateEnd(&state_->z); }

void GzipStream::write(std::string_view text) { run(text, Z_NO_FLUSH); }

void GzipStream::finish() { run({}, Z_FINISH); }

void GzipStream::run(std::string_view text, int flush) {
    z_stream& z = state_->z;
    // zlib's interface takes a non-const pointer but does not write through next_in.
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    z.avail_in = static_cast<uInt>(text.size());
    for (;;) {
        z.next_out = reinterpret_cast<Bytef*>(state_->chunk.data());
        z.avail_out = static_cast<uInt>(state_->chunk.size());
        const int status = deflate(&z, flush);
        if (status == Z_STREAM_ERROR) throw std::runtime_error("zlib could not compress an answer");
        const std::size_t produced = state_->chunk.size() - z.avail_out;
        if (produced > 0) out_(std::string_view(state_->chunk.data(), produced));
        if (flush == Z_FINISH ? status == Z_STREAM_END : z.avail_out != 0) break;
    }
}

}  // namespace admit::sync

#include "gzip.hpp"

#include <zlib.h>

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

}  // namespace admit::sync

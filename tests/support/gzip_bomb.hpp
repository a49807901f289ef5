#pragma once
// A gzip body of `size` zero bytes: a small request that inflates a thousandfold, for the
// server's hostile-network tests and benchmark (issue 12: bodies must never be inflated).
// Needs zlib (ZLIB::ZLIB).

#include <zlib.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

namespace admit::testing {

inline std::string gzipOfZeros(std::size_t size) {
    z_stream z{};
    if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) return {};
    std::string zeros(1 << 20, '\0');
    std::string out;
    std::vector<char> buffer(1 << 16);
    std::size_t left = size;
    int flush = Z_NO_FLUSH;
    while (flush != Z_FINISH) {
        std::size_t take = std::min(left, zeros.size());
        left -= take;
        flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
        z.next_in = reinterpret_cast<Bytef*>(zeros.data());
        z.avail_in = static_cast<uInt>(take);
        do {
            z.next_out = reinterpret_cast<Bytef*>(buffer.data());
            z.avail_out = static_cast<uInt>(buffer.size());
            deflate(&z, flush);
            out.append(buffer.data(), buffer.size() - z.avail_out);
        } while (z.avail_out == 0);
    }
    deflateEnd(&z);
    return out;
}

}  // namespace admit::testing

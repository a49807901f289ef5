#pragma once
// WAL frames this connection wrote, kept with their plaintext so that reading one back needs no
// decryption: a checkpoint reads the newest frame of each page from the WAL to copy it into the
// database. Internal to admit_replica.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "admit/base/bytes.hpp"
#include "page_cipher.hpp"

namespace admit::replica::detail {

// Salts of a WAL generation (WAL header bytes 16..23).
using WalSalts = std::array<std::uint8_t, 8>;

class WrittenFrames {
  public:
    // Frames past this index are not kept: 1,024 frames (8 MiB with 4 KiB pages, stored and
    // plain) cover the log SQLite's default autocheckpoint (1,000 pages) lets grow.
    static constexpr std::size_t kMaxFrames = 1024;

    // Notes that frame `index` was written as `header` + `storedBody` (encrypted, as on disk)
    // in generation `salts`, from `plain`.
    void remember(std::size_t index, ByteView header, ByteView storedBody, const WalSalts& salts,
                  ByteView plain);

    // If the frame read from disk (`header` + `storedBody`) is the one remembered at `index`
    // for generation `salts`, copies its plaintext into `out` and returns true. It matches if
    // its page number, commit size, generation and every byte of its stored body are the ones
    // written: then it decrypts to the remembered plaintext, so decrypting it would only cost
    // time. Anything else (another writer, a damaged byte) is left to authentication.
    bool recall(std::size_t index, ByteView header, ByteView storedBody, const WalSalts& salts,
                std::span<std::uint8_t> out) const;

    // A new log generation: nothing remembered can be read again.
    void forget();

  private:
    struct Frame {
        bool valid = false;
        std::array<std::uint8_t, 8> pageAndCommit{};  // frame header bytes 0..7
        WalSalts salts{};
        std::vector<std::uint8_t> stored;
        std::vector<std::uint8_t> plain;
    };
    std::vector<Frame> frames_;
};

}  // namespace admit::replica::detail

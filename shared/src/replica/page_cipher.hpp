#pragma once
// Page encryption for the encrypted replica: XChaCha20-Poly1305 over each page, with the nonce,
// the tag and the WAL frame fields in the page's 52 reserved bytes. Internal to admit_replica.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "admit/base/bytes.hpp"

namespace admit::replica::detail {

inline constexpr std::size_t kNonceBytes = 24;
inline constexpr std::size_t kTagBytes = 16;
inline constexpr std::size_t kFrameFieldBytes = 12;  // WAL commit size and generation salts
// At the end of every page: nonce, tag, then the frame fields the page was sealed with.
inline constexpr int kReserveBytes = 52;
// Format 1 (until 2026-11-21) reserved 40 bytes and bound the file kind instead of storing the
// frame fields; it is recognised only to say so.
inline constexpr int kFormat1ReserveBytes = 40;
inline constexpr std::size_t kSaltBytes = 8;
inline constexpr std::size_t kKeyCheckBytes = 8;
// Page 1 keeps bytes 0..23 readable: salt (0..7), key check (8..15) and SQLite's own 16..23
// (page size, format versions, reserve) so SQLite can learn the page size before decrypting.
inline constexpr std::size_t kPlainHeaderBytes = 24;
inline constexpr std::size_t kWalFrameHeaderBytes = 24;
inline constexpr std::size_t kWalHeaderBytes = 32;

// Which file a page image is read from or written to. A WAL body carries the frame fields it was
// sealed with and must match its frame; a database page accepts any (a checkpoint copies a WAL
// body into the database as it is).
enum class FileKind : std::uint8_t { Database, Wal };

using Salt = std::array<std::uint8_t, kSaltBytes>;
using KeyCheck = std::array<std::uint8_t, kKeyCheckBytes>;

// Subkeys derived from the 32-byte replica key, held in guarded, locked memory.
class KeyMaterial {
  public:
    explicit KeyMaterial(ByteView replicaKey);
    ~KeyMaterial();
    KeyMaterial(const KeyMaterial&) = delete;
    KeyMaterial& operator=(const KeyMaterial&) = delete;

    const std::uint8_t* pageKey() const { return secret_; }
    KeyCheck keyCheck() const;

  private:
    std::uint8_t* secret_;  // 32-byte page key then the key check value
};

struct PageHeader {
    Salt salt{};
    KeyCheck keyCheck{};
    std::uint32_t pageSize = 0;
    int reserve = 0;
};

enum class HeaderStatus { Encrypted, PlainSqlite, OlderFormat, Invalid };

// Reads the readable first 24 bytes of page 1 as stored on disk.
HeaderStatus parsePageHeader(ByteView first24, PageHeader& out);

// Where a page image lives: bound into the AEAD additional data.
struct PageBinding {
    FileKind kind = FileKind::Database;
    std::uint32_t pgno = 0;
    Salt salt{};
    // WAL only: the frame's commit size and its log generation's salts (kFrameFieldBytes).
    // Stored in the reserve and bound; a database page written directly stores zeros.
    ByteView frameFields{};
};

// Encrypts a plaintext page image (as SQLite wrote it) into `out` (same size). For page 1 the
// SQLite magic is replaced by the salt and key check. Returns false if the page cannot be
// encrypted (wrong size, or page 1 without the reserved bytes we need).
bool encryptPage(const KeyMaterial& keys, const PageBinding& binding, ByteView plain,
                 std::span<std::uint8_t> out);

// Authenticates and decrypts `stored` into `out` (same size; may alias). On success page 1's
// magic is restored and the reserved bytes are zeroed, as SQLite expects to see them.
bool decryptPage(const KeyMaterial& keys, const PageBinding& binding, ByteView stored,
                 std::span<std::uint8_t> out);

bool isValidPageSize(std::uint32_t size);

std::uint32_t readBigEndian32(const std::uint8_t* p);

}  // namespace admit::replica::detail

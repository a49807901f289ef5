#include "page_cipher.hpp"

#include <sodium.h>

#include <cstring>
#include <new>
#include <stdexcept>

#include "admit/base/sodium.hpp"

namespace admit::replica::detail {

namespace {

constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "admitrep";
constexpr std::uint64_t kPageKeyId = 1;
constexpr std::uint64_t kKeyCheckId = 2;
constexpr std::size_t kKeyCheckDerived = crypto_kdf_BYTES_MIN;  // 16; we keep 8
constexpr std::size_t kSecretSize = 32 + kKeyCheckDerived;
constexpr std::uint8_t kFormatVersion = 2;
constexpr char kSqliteMagic[16] = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f',
                                   'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};

static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == kNonceBytes);
static_assert(crypto_aead_xchacha20poly1305_ietf_ABYTES == kTagBytes);
static_assert(kNonceBytes + kTagBytes + kFrameFieldBytes == kReserveBytes);
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == 32);

// version, pgno, salt, page-1 header fields (8), stored frame fields
constexpr std::size_t kMaxAdBytes = 1 + 4 + kSaltBytes + 8 + kFrameFieldBytes;

// Where the reserve's parts sit in a page of `size` bytes.
std::size_t nonceOffset(std::size_t size) { return size - static_cast<std::size_t>(kReserveBytes); }
std::size_t tagOffset(std::size_t size) { return nonceOffset(size) + kNonceBytes; }
std::size_t fieldsOffset(std::size_t size) { return tagOffset(size) + kTagBytes; }

// The file kind is not bound: a WAL body is a valid image of its page in the database too, so a
// checkpoint can copy it without decrypting and encrypting again. The frame fields stored with
// it keep it from being replayed into another frame or log generation.
std::size_t buildAd(const PageBinding& binding, ByteView stored, std::uint8_t* ad) {
    std::size_t n = 0;
    ad[n++] = kFormatVersion;
    for (int shift = 0; shift < 32; shift += 8) {
        ad[n++] = static_cast<std::uint8_t>(binding.pgno >> shift);
    }
    std::memcpy(ad + n, binding.salt.data(), kSaltBytes);
    n += kSaltBytes;
    if (binding.pgno == 1) {
        // SQLite's readable header fields (page size, versions, reserve) cannot be altered.
        std::memcpy(ad + n, stored.data() + 16, 8);
        n += 8;
    }
    std::memcpy(ad + n, stored.data() + fieldsOffset(stored.size()), kFrameFieldBytes);
    n += kFrameFieldBytes;
    return n;
}

std::size_t encryptedOffset(std::uint32_t pgno) { return pgno == 1 ? kPlainHeaderBytes : 0; }

}  // namespace

KeyMaterial::KeyMaterial(ByteView replicaKey) {
    ensureSodium();
    secret_ = static_cast<std::uint8_t*>(sodium_malloc(kSecretSize));
    if (secret_ == nullptr) throw std::bad_alloc();
    if (replicaKey.size() != crypto_kdf_KEYBYTES ||
        crypto_kdf_derive_from_key(secret_, 32, kPageKeyId, kKdfContext, replicaKey.data()) != 0 ||
        crypto_kdf_derive_from_key(secret_ + 32, kKeyCheckDerived, kKeyCheckId, kKdfContext,
                                   replicaKey.data()) != 0) {
        sodium_free(secret_);
        throw std::invalid_argument("replica key must be 32 bytes");
    }
    sodium_mprotect_readonly(secret_);
}

KeyMaterial::~KeyMaterial() { sodium_free(secret_); }  // zeroes before freeing

KeyCheck KeyMaterial::keyCheck() const {
    KeyCheck out{};
    std::memcpy(out.data(), secret_ + 32, out.size());
    return out;
}

std::uint32_t readBigEndian32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
}

bool isValidPageSize(std::uint32_t size) {
    return size >= 512 && size <= 65536 && (size & (size - 1)) == 0;
}

HeaderStatus parsePageHeader(ByteView first24, PageHeader& out) {
    if (first24.size() < kPlainHeaderBytes) return HeaderStatus::Invalid;
    if (std::memcmp(first24.data(), kSqliteMagic, sizeof kSqliteMagic) == 0) {
        return HeaderStatus::PlainSqlite;
    }
    std::memcpy(out.salt.data(), first24.data(), kSaltBytes);
    std::memcpy(out.keyCheck.data(), first24.data() + kSaltBytes, kKeyCheckBytes);
    std::uint32_t size = (std::uint32_t{first24[16]} << 8) | first24[17];
    if (size == 1) size = 65536;
    out.pageSize = size;
    out.reserve = first24[20];
    if (!isValidPageSize(size)) return HeaderStatus::Invalid;
    if (out.reserve == kFormat1ReserveBytes) return HeaderStatus::OlderFormat;
    if (out.reserve != kReserveBytes) return HeaderStatus::Invalid;
    return HeaderStatus::Encrypted;
}

bool encryptPage(const KeyMaterial& keys, const PageBinding& binding, ByteView plain,
                 std::span<std::uint8_t> out) {
    const std::size_t size = plain.size();
    if (out.size() != size || !isValidPageSize(static_cast<std::uint32_t>(size)) ||
        binding.pgno == 0) {
        return false;
    }
    if (binding.kind == FileKind::Wal && binding.frameFields.size() != kFrameFieldBytes) {
        return false;
    }
    const std::size_t start = encryptedOffset(binding.pgno);
    const std::size_t end = nonceOffset(size);
    if (out.data() != plain.data()) std::memcpy(out.data(), plain.data(), size);
    if (binding.pgno == 1) {
        // Refuse a page 1 that does not carry our reserve: its reserved bytes would be data.
        if (std::memcmp(out.data(), kSqliteMagic, sizeof kSqliteMagic) != 0 ||
            out[20] != kReserveBytes) {
            return false;
        }
    }
    if (binding.pgno == 1) {
        std::memcpy(out.data(), binding.salt.data(), kSaltBytes);
        const KeyCheck check = keys.keyCheck();
        std::memcpy(out.data() + kSaltBytes, check.data(), kKeyCheckBytes);
    }
    std::uint8_t* fields = out.data() + fieldsOffset(size);
    if (binding.kind == FileKind::Wal) {
        std::memcpy(fields, binding.frameFields.data(), kFrameFieldBytes);
    } else {
        std::memset(fields, 0, kFrameFieldBytes);
    }
    std::uint8_t ad[kMaxAdBytes];
    const std::size_t adLen = buildAd(binding, ByteView(out.data(), size), ad);
    std::uint8_t* nonce = out.data() + nonceOffset(size);
    std::uint8_t* tag = out.data() + tagOffset(size);
    randombytes_buf(nonce, kNonceBytes);  // fresh per write; never derived from the page number
    crypto_aead_xchacha20poly1305_ietf_encrypt_detached(out.data() + start, tag, nullptr,
                                                        out.data() + start, end - start, ad, adLen,
                                                        nullptr, nonce, keys.pageKey());
    return true;
}

bool decryptPage(const KeyMaterial& keys, const PageBinding& binding, ByteView stored,
                 std::span<std::uint8_t> out) {
    const std::size_t size = stored.size();
    if (out.size() != size || !isValidPageSize(static_cast<std::uint32_t>(size)) ||
        binding.pgno == 0) {
        return false;
    }
    const std::size_t start = encryptedOffset(binding.pgno);
    const std::size_t end = nonceOffset(size);
    if (binding.kind == FileKind::Wal &&
        (binding.frameFields.size() != kFrameFieldBytes ||
         std::memcmp(stored.data() + fieldsOffset(size), binding.frameFields.data(),
                     kFrameFieldBytes) != 0)) {
        return false;  // sealed for another frame or log generation
    }
    std::uint8_t ad[kMaxAdBytes];
    const std::size_t adLen = buildAd(binding, stored, ad);
    std::uint8_t nonce[kNonceBytes];
    std::uint8_t tag[kTagBytes];
    std::memcpy(nonce, stored.data() + nonceOffset(size), kNonceBytes);
    std::memcpy(tag, stored.data() + tagOffset(size), kTagBytes);
    if (out.data() != stored.data()) std::memcpy(out.data(), stored.data(), start);
    if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
            out.data() + start, nullptr, stored.data() + start, end - start, tag, ad, adLen, nonce,
            keys.pageKey()) != 0) {
        return false;
    }
    if (binding.pgno == 1) {
        std::memcpy(out.data(), kSqliteMagic, sizeof kSqliteMagic);
        if (out.data() != stored.data()) std::memcpy(out.data() + 16, stored.data() + 16, 8);
    }
    // SQLite must always see zeroed reserved bytes: WAL checksums are computed over them.
    std::memset(out.data() + end, 0, static_cast<std::size_t>(kReserveBytes));
    return true;
}

}  // namespace admit::replica::detail

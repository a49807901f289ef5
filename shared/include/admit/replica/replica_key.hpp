#pragma once
// The replica key: 32 random bytes in guarded, locked memory, zeroed when destroyed. It cannot be
// copied or printed; it comes from a key file (mode 0600) or a systemd credential, never from
// the command line.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string_view>

#include "admit/base/bytes.hpp"
#include "admit/base/result.hpp"
#include "admit/replica/replica_error.hpp"

namespace admit::replica {

class ReplicaKey {
  public:
    static constexpr std::size_t kSize = 32;

    // A fresh key from the operating system's CSPRNG.
    static ReplicaKey generate();
    // Copies exactly kSize bytes (e.g. from a provisioning channel); the caller wipes its copy.
    static Result<ReplicaKey, ReplicaError> fromBytes(ByteView bytes);

    ReplicaKey(ReplicaKey&& other) noexcept;
    ReplicaKey& operator=(ReplicaKey&& other) noexcept;
    ReplicaKey(const ReplicaKey&) = delete;
    ReplicaKey& operator=(const ReplicaKey&) = delete;
    ~ReplicaKey();

    // The raw key for the cipher. Never log, print or persist it except through writeKeyFile.
    ByteView secretBytes() const;
    // Constant-time comparison.
    bool sameAs(const ReplicaKey& other) const;

    friend std::ostream& operator<<(std::ostream&, const ReplicaKey&) = delete;

  private:
    explicit ReplicaKey(std::uint8_t* bytes) : bytes_(bytes) {}
    std::uint8_t* bytes_;  // sodium_malloc: guard pages, mlock, zeroed on free
};

// Reads a key file holding exactly 32 raw bytes. Refuses a file that group or others can access,
// that is not a regular file, or has the wrong size; errors name the file, never the key.
Result<ReplicaKey, ReplicaError> loadKeyFile(const std::filesystem::path& path);

// Reads the systemd credential `name` from $CREDENTIALS_DIRECTORY (LoadCredential= /
// SetCredentialEncrypted=), with the same checks as loadKeyFile.
Result<ReplicaKey, ReplicaError> loadKeyFromCredential(std::string_view name);

// Creates `path` with mode 0600 and writes the key, synced to disk. Never overwrites: an
// existing file is an AlreadyExists error.
Status<ReplicaError> writeKeyFile(const std::filesystem::path& path, const ReplicaKey& key);

}  // namespace admit::replica

// ReplicaKey: generation, key files, systemd credentials.

#include "admit/replica/replica_key.hpp"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "test_support.hpp"

namespace admit::replica {
namespace {

using testing::readAll;
using testing::TempDir;
using testing::writeAll;

mode_t modeOf(const std::filesystem::path& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0);
    return st.st_mode & 07777;
}

TEST(ReplicaKey, GeneratesDistinctRandomKeys) {
    const ReplicaKey a = ReplicaKey::generate();
    const ReplicaKey b = ReplicaKey::generate();
    EXPECT_EQ(a.secretBytes().size(), 32u);
    EXPECT_FALSE(a.sameAs(b));
    EXPECT_TRUE(a.sameAs(a));
}

TEST(ReplicaKey, MovesWithoutCopying) {
    ReplicaKey a = ReplicaKey::generate();
    const std::vector<std::uint8_t> bytes(a.secretBytes().begin(), a.secretBytes().end());
    ReplicaKey b = std::move(a);
    EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), b.secretBytes().begin()));
}

TEST(ReplicaKey, FromBytesNeedsExactly32) {
    const std::vector<std::uint8_t> short16(16, 7);
    auto bad = ReplicaKey::fromBytes(short16);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().kind, ReplicaErrorKind::BadKeyFile);
    const std::vector<std::uint8_t> good(32, 7);
    ASSERT_TRUE(ReplicaKey::fromBytes(good).ok());
}

TEST(ReplicaKeyFile, WritesMode0600AndReadsBack) {
    TempDir dir;
    const auto path = dir / "replica.key";
    const ReplicaKey key = ReplicaKey::generate();
    ASSERT_TRUE(writeKeyFile(path, key).ok());
    EXPECT_EQ(modeOf(path), 0600u);
    EXPECT_EQ(std::filesystem::file_size(path), 32u);
    auto loaded = loadKeyFile(path);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_TRUE(loaded->sameAs(key));
}

TEST(ReplicaKeyFile, NeverOverwritesAnExistingFile) {
    TempDir dir;
    const auto path = dir / "replica.key";
    const ReplicaKey first = ReplicaKey::generate();
    ASSERT_TRUE(writeKeyFile(path, first).ok());
    auto again = writeKeyFile(path, ReplicaKey::generate());
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().kind, ReplicaErrorKind::AlreadyExists);
    EXPECT_NE(again.error().message.find(path.string()), std::string::npos);
    auto loaded = loadKeyFile(path);
    ASSERT_TRUE(loaded.ok());
    EXPECT_TRUE(loaded->sameAs(first));
}

TEST(ReplicaKeyFile, RefusesFilesOthersCanRead) {
    TempDir dir;
    const auto path = dir / "replica.key";
    const ReplicaKey key = ReplicaKey::generate();
    ASSERT_TRUE(writeKeyFile(path, key).ok());
    for (mode_t mode : {0640u, 0604u, 0660u, 0644u}) {
        ASSERT_EQ(::chmod(path.c_str(), mode), 0);
        auto loaded = loadKeyFile(path);
        ASSERT_FALSE(loaded.ok()) << std::oct << mode;
        EXPECT_EQ(loaded.error().kind, ReplicaErrorKind::BadKeyFile);
        EXPECT_NE(loaded.error().message.find(path.string()), std::string::npos);
        EXPECT_NE(loaded.error().message.find("0600"), std::string::npos);
    }
    ASSERT_EQ(::chmod(path.c_str(), 0400), 0);
    EXPECT_TRUE(loadKeyFile(path).ok());
}

TEST(ReplicaKeyFile, RefusesWrongSizeWithoutRevealingContent) {
    TempDir dir;
    const auto path = dir / "replica.key";
    writeAll(path, std::vector<std::uint8_t>{'s', 'e', 'c', 'r', 'e', 't', 'k', 'e', 'y'});
    ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
    auto loaded = loadKeyFile(path);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error().kind, ReplicaErrorKind::BadKeyFile);
    EXPECT_NE(loaded.error().message.find(path.string()), std::string::npos);
    EXPECT_NE(loaded.error().message.find("32 bytes"), std::string::npos);
    EXPECT_EQ(loaded.error().message.find("secretkey"), std::string::npos);
}

TEST(ReplicaKeyFile, MissingFileIsNotFound) {
    TempDir dir;
    auto loaded = loadKeyFile(dir / "absent.key");
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error().kind, ReplicaErrorKind::NotFound);
    EXPECT_NE(loaded.error().message.find("absent.key"), std::string::npos);
}

TEST(ReplicaKeyFile, RefusesSymlinks) {
    TempDir dir;
    const ReplicaKey key = ReplicaKey::generate();
    ASSERT_TRUE(writeKeyFile(dir / "real.key", key).ok());
    std::filesystem::create_symlink(dir / "real.key", dir / "link.key");
    EXPECT_FALSE(loadKeyFile(dir / "link.key").ok());
}

class CredentialsDirectory {
  public:
    explicit CredentialsDirectory(const std::filesystem::path& dir) {
        if (const char* old = std::getenv("CREDENTIALS_DIRECTORY")) old_ = old;
        ::setenv("CREDENTIALS_DIRECTORY", dir.c_str(), 1);
    }
    ~CredentialsDirectory() {
        if (old_.empty()) {
            ::unsetenv("CREDENTIALS_DIRECTORY");
        } else {
            ::setenv("CREDENTIALS_DIRECTORY", old_.c_str(), 1);
        }
    }
    CredentialsDirectory(const CredentialsDirectory&) = delete;
    CredentialsDirectory& operator=(const CredentialsDirectory&) = delete;

  private:
    std::string old_;
};

TEST(ReplicaKeyCredential, ReadsFromCredentialsDirectory) {
    TempDir dir;
    const ReplicaKey key = ReplicaKey::generate();
    ASSERT_TRUE(writeKeyFile(dir / "replica-key", key).ok());
    CredentialsDirectory env(dir.path());
    auto loaded = loadKeyFromCredential("replica-key");
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_TRUE(loaded->sameAs(key));
    EXPECT_FALSE(loadKeyFromCredential("../replica-key").ok());
    EXPECT_FALSE(loadKeyFromCredential("").ok());
    auto missing = loadKeyFromCredential("other");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().kind, ReplicaErrorKind::NotFound);
}

TEST(ReplicaKeyCredential, NeedsCredentialsDirectory) {
    const char* old = std::getenv("CREDENTIALS_DIRECTORY");
    const std::string saved = old != nullptr ? old : "";
    ::unsetenv("CREDENTIALS_DIRECTORY");
    auto loaded = loadKeyFromCredential("replica-key");
    if (!saved.empty()) ::setenv("CREDENTIALS_DIRECTORY", saved.c_str(), 1);
    ASSERT_FALSE(loaded.ok());
    EXPECT_NE(loaded.error().message.find("CREDENTIALS_DIRECTORY"), std::string::npos);
}

}  // namespace
}  // namespace admit::replica

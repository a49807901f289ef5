#include "body_file.hpp"

#include <zlib.h>

#include <string>

#include <gtest/gtest.h>

#include "gzip.hpp"
#include "temp_dir.hpp"

namespace admit::sync {
namespace {

std::string someText(std::size_t size) {
    std::string text;
    for (std::size_t i = 0; text.size() < size; ++i)
        text += "row " + std::to_string(i * 7919) + ",";
    text.resize(size);
    return text;
}

std::string readAll(const BodyFile& file, std::size_t pieceBytes) {
    std::string out;
    std::string piece(pieceBytes, '\0');
    for (std::uint64_t offset = 0;;) {
        auto read = file.readAt(offset, piece.data(), piece.size());
        EXPECT_TRUE(read.ok());
        if (!read || *read == 0) break;
        out.append(piece.data(), *read);
        offset += *read;
    }
    return out;
}

std::string gunzip(const std::string& compressed) {
    z_stream z{};
    EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
    std::string out(1 << 22, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
    z.avail_in = static_cast<uInt>(compressed.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
    out.resize(z.total_out);
    inflateEnd(&z);
    return out;
}

TEST(BodyFileTest, WhatIsAppendedInPiecesIsReadBackInOtherPieces) {
    testing::TempDir dir;
    auto file = BodyFile::create(dir.path().string());
    ASSERT_TRUE(file.ok()) << file.error().message;
    const std::string text = someText(300 * 1024 + 17);
    for (std::size_t at = 0; at < text.size(); at += 1000) {
        ASSERT_TRUE((*file)->append(std::string_view(text).substr(at, 1000)).ok());
    }
    ASSERT_TRUE((*file)->finish().ok());
    EXPECT_EQ((*file)->size(), text.size());
    EXPECT_EQ(readAll(**file, 64 * 1024), text);
    EXPECT_EQ(readAll(**file, 333), text);
    char byte = 0;
    auto past = (*file)->readAt(text.size(), &byte, 1);
    ASSERT_TRUE(past.ok());
    EXPECT_EQ(*past, 0u) << "the end reads as nothing";
}

TEST(BodyFileTest, TheFileHasNoNameInItsDirectory) {
    testing::TempDir dir;
    auto file = BodyFile::create(dir.path().string());
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE((*file)->append("secret roster").ok());
    ASSERT_TRUE((*file)->finish().ok());
    EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "nothing is left behind by a crash";
}

TEST(BodyFileTest, ADirectoryThatDoesNotExistIsAnError) {
    auto file = BodyFile::create("/nonexistent/admit-dir");
    ASSERT_FALSE(file.ok());
    EXPECT_NE(file.error().message.find("/nonexistent/admit-dir"), std::string::npos);
}

TEST(GzipStreamTest, TextGzippedInPiecesInflatesToTheText) {
    const std::string text = someText(1 << 20);
    std::string compressed;
    std::size_t outputs = 0;
    GzipStream gzip([&](std::string_view piece) {
        compressed.append(piece);
        ++outputs;
    });
    for (std::size_t at = 0; at < text.size(); at += 4096) {
        gzip.write(std::string_view(text).substr(at, 4096));
    }
    gzip.finish();
    EXPECT_LT(compressed.size(), text.size() / 2);
    EXPECT_GT(outputs, 1u) << "compressed bytes go out as they come";
    EXPECT_EQ(gunzip(compressed), text);
    EXPECT_EQ(gunzip(gzipCompress(text)), text);
}

}  // namespace
}  // namespace admit::sync

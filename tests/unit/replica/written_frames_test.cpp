// WrittenFrames: a WAL frame this connection wrote is recognised only byte for byte.

#include "written_frames.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace admit::replica::detail {
namespace {

constexpr std::size_t kPage = 4096;

struct Frame {
    std::array<std::uint8_t, kWalFrameHeaderBytes> header{};
    std::vector<std::uint8_t> stored = std::vector<std::uint8_t>(kPage);
    std::vector<std::uint8_t> plain = std::vector<std::uint8_t>(kPage);
};

Frame makeFrame(std::uint8_t seed) {
    Frame f;
    f.header[3] = seed;  // page number
    f.header[7] = 2;     // commit size
    for (std::size_t i = 0; i < kPage; ++i) {
        f.stored[i] = static_cast<std::uint8_t>(seed * 31 + i * 7);
        f.plain[i] = static_cast<std::uint8_t>(seed + i);
    }
    return f;
}

const WalSalts kSalts = {1, 2, 3, 4, 5, 6, 7, 8};

bool recall(const WrittenFrames& frames, std::size_t index, const Frame& f, const WalSalts& salts,
            std::vector<std::uint8_t>& out) {
    out.assign(kPage, 0xee);
    return frames.recall(index, f.header, f.stored, salts, out);
}

TEST(WrittenFrames, RecallsTheRememberedPlaintextWithZeroedReserve) {
    WrittenFrames frames;
    const Frame f = makeFrame(9);
    frames.remember(3, f.header, f.stored, kSalts, f.plain);
    std::vector<std::uint8_t> out;
    ASSERT_TRUE(recall(frames, 3, f, kSalts, out));
    const auto reserveStart = kPage - static_cast<std::size_t>(kReserveBytes);
    EXPECT_TRUE(std::equal(f.plain.begin(), f.plain.begin() + reserveStart, out.begin()));
    EXPECT_TRUE(std::all_of(out.begin() + reserveStart, out.end(), [](auto b) { return b == 0; }));
}

TEST(WrittenFrames, AnyOtherFrameIsNotRecalled) {
    WrittenFrames frames;
    const Frame f = makeFrame(9);
    frames.remember(3, f.header, f.stored, kSalts, f.plain);
    std::vector<std::uint8_t> out;
    EXPECT_FALSE(recall(frames, 2, f, kSalts, out)) << "another index";
    EXPECT_FALSE(recall(frames, 4, f, kSalts, out)) << "an index never written";
    WalSalts otherSalts = kSalts;
    otherSalts[7] ^= 1;
    EXPECT_FALSE(recall(frames, 3, f, otherSalts, out)) << "another log generation";
    for (std::size_t byte : {0u, 3u, 4u, 7u}) {
        Frame changed = f;
        changed.header[byte] ^= 1;
        EXPECT_FALSE(recall(frames, 3, changed, kSalts, out)) << "header byte " << byte;
    }
    for (std::size_t byte : {std::size_t{0}, kPage / 2, kPage - 52, kPage - 1}) {
        Frame changed = f;
        changed.stored[byte] ^= 1;
        EXPECT_FALSE(recall(frames, 3, changed, kSalts, out)) << "stored byte " << byte;
    }
    EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](auto b) { return b == 0xee; }))
        << "a miss leaves the output alone";
    Frame checksums = f;  // SQLite rewrites salts and checksums of a frame in place
    std::fill(checksums.header.begin() + 8, checksums.header.end(), std::uint8_t{0x5a});
    EXPECT_TRUE(recall(frames, 3, checksums, kSalts, out));
}

TEST(WrittenFrames, ARewriteReplacesTheFrameAndANewGenerationForgetsAll) {
    WrittenFrames frames;
    const Frame first = makeFrame(9);
    const Frame second = makeFrame(10);
    frames.remember(0, first.header, first.stored, kSalts, first.plain);
    frames.remember(0, second.header, second.stored, kSalts, second.plain);
    std::vector<std::uint8_t> out;
    EXPECT_FALSE(recall(frames, 0, first, kSalts, out));
    EXPECT_TRUE(recall(frames, 0, second, kSalts, out));
    frames.forget();
    EXPECT_FALSE(recall(frames, 0, second, kSalts, out));
}

TEST(WrittenFrames, KeepsNoFramePastTheLimit) {
    WrittenFrames frames;
    const Frame f = makeFrame(1);
    frames.remember(WrittenFrames::kMaxFrames - 1, f.header, f.stored, kSalts, f.plain);
    frames.remember(WrittenFrames::kMaxFrames, f.header, f.stored, kSalts, f.plain);
    std::vector<std::uint8_t> out;
    EXPECT_TRUE(recall(frames, WrittenFrames::kMaxFrames - 1, f, kSalts, out));
    EXPECT_FALSE(recall(frames, WrittenFrames::kMaxFrames, f, kSalts, out));
}

}  // namespace
}  // namespace admit::replica::detail

// The committed verdict sounds are the generator's output, and each sound is distinct.

#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "admit/kiosk/sounds.hpp"

namespace admit::kiosk {
namespace {

std::vector<std::uint8_t> readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(Sounds, CommittedAssetsMatchTheGenerator) {
    std::filesystem::path assets = std::filesystem::path(ADMIT_SOURCE_DIR) / "assets";
    for (Sound s : {Sound::kAccepted, Sound::kDenied, Sound::kAttention}) {
        auto committed = readFile(assets / soundFileName(s));
        EXPECT_EQ(committed, encodeWav(synthesise(s))) << soundFileName(s);
    }
}

TEST(Sounds, WavRoundTripsAndRejectsOtherFormats) {
    auto samples = synthesise(Sound::kDenied);
    auto decoded = decodeWav(encodeWav(samples));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, samples);
    auto bytes = encodeWav(samples);
    bytes[22] = 2;  // stereo
    EXPECT_FALSE(decodeWav(bytes));
    EXPECT_FALSE(decodeWav({'R', 'I', 'F', 'F'}));
}

TEST(Sounds, EachVerdictKindHasItsOwnSound) {
    EXPECT_EQ(soundFor(VerdictKind::kAccepted), Sound::kAccepted);
    EXPECT_EQ(soundFor(VerdictKind::kDenied), Sound::kDenied);
    EXPECT_EQ(soundFor(VerdictKind::kAttention), Sound::kAttention);
    EXPECT_NE(synthesise(Sound::kAccepted), synthesise(Sound::kDenied));
    EXPECT_NE(synthesise(Sound::kAccepted), synthesise(Sound::kAttention));
    EXPECT_NE(synthesise(Sound::kDenied), synthesise(Sound::kAttention));
}

TEST(Sounds, PlayingWithoutADeviceNeitherBlocksNorThrows) {
    // Under CI there is usually no sound card: play() must return and the player must stop.
    SoundPlayer player(std::filesystem::path(ADMIT_SOURCE_DIR) / "assets");
    player.play(Sound::kAccepted);
    player.play(Sound::kDenied);
    SUCCEED();
}

}  // namespace
}  // namespace admit::kiosk

#pragma once
// The three verdict sounds: synthesised (so they can be regenerated and checked), stored as small
// WAV files in assets/, and played through ALSA on a worker thread. Playing never blocks the
// caller, and a missing sound device only means silence (reported once on stderr, never shown).

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "admit/base/result.hpp"
#include "admit/kiosk/shown_verdict.hpp"

namespace admit::kiosk {

enum class Sound { kAccepted, kDenied, kAttention };

inline constexpr unsigned kSoundRate = 22050;  // mono, signed 16-bit

// Which sound a verdict plays.
Sound soundFor(VerdictKind kind);
// "accepted.wav", "denied.wav", "attention.wav".
const char* soundFileName(Sound sound);

// The sound's samples, computed (deterministic).
std::vector<std::int16_t> synthesise(Sound sound);
// A RIFF/WAVE file of the samples; and back (only the format written here is accepted).
std::vector<std::uint8_t> encodeWav(const std::vector<std::int16_t>& samples);
Result<std::vector<std::int16_t>> decodeWav(const std::vector<std::uint8_t>& bytes);
// Writes the three files into `folder`.
Status<> writeSoundFiles(const std::filesystem::path& folder);

class SoundPlayer {
  public:
    // Loads the WAVs from `assets`, falling back to synthesising any that is missing.
    explicit SoundPlayer(const std::filesystem::path& assets);
    ~SoundPlayer();  // stops and joins
    SoundPlayer(const SoundPlayer&) = delete;
    SoundPlayer& operator=(const SoundPlayer&) = delete;

    // Queues the sound (a newer request replaces one not yet started); returns at once.
    void play(Sound sound);

  private:
    void run(std::stop_token stop);

    std::vector<std::int16_t> samples_[3];
    std::mutex mutex_;
    std::condition_variable_any wake_;
    std::optional<Sound> next_;
    std::jthread thread_;
};

}  // namespace admit::kiosk

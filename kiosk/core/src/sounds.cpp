#include "admit/kiosk/sounds.hpp"

#include <alsa/asoundlib.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <fstream>
#include <iostream>
#include <iterator>
#include <numbers>

namespace admit::kiosk {
namespace {

struct Note {
    double hz;
    double seconds;
    double gap;
    bool harsh;  // add odd harmonics: a buzz rather than a chime
};

std::vector<Note> notesOf(Sound sound) {
    switch (sound) {
        case Sound::kAccepted:
            return {{880.0, 0.11, 0.02, false}, {1318.5, 0.18, 0.0, false}};
        case Sound::kDenied:
            return {{196.0, 0.22, 0.06, true}, {185.0, 0.30, 0.0, true}};
        case Sound::kAttention:
            return {
                {740.0, 0.10, 0.07, false}, {740.0, 0.10, 0.07, false}, {740.0, 0.10, 0.0, false}};
    }
    return {};
}

void put16(std::vector<std::uint8_t>& out, std::uint32_t value) {
    out.push_back(static_cast<std::uint8_t>(value & 0xffU));
    out.push_back(static_cast<std::uint8_t>((value >> 8) & 0xffU));
}
void put32(std::vector<std::uint8_t>& out, std::uint32_t value) {
    put16(out, value & 0xffffU);
    put16(out, value >> 16);
}
std::uint32_t get32(const std::vector<std::uint8_t>& in, std::size_t at) {
    return static_cast<std::uint32_t>(in[at]) | (static_cast<std::uint32_t>(in[at + 1]) << 8) |
           (static_cast<std::uint32_t>(in[at + 2]) << 16) |
           (static_cast<std::uint32_t>(in[at + 3]) << 24);
}

// ALSA prints to stderr by default (e.g. "cannot find card"); the kiosk says it once itself.
extern "C" void quietAlsa(const char*, int, const char*, int, const char*, ...) {}

}  // namespace

Sound soundFor(VerdictKind kind) {
    switch (kind) {
        case VerdictKind::kAccepted:
        case VerdictKind::kSetup:
            return Sound::kAccepted;
        case VerdictKind::kDenied:
        case VerdictKind::kError:
            return Sound::kDenied;
        case VerdictKind::kAttention:
        case VerdictKind::kInfo:
            return Sound::kAttention;
    }
    return Sound::kAttention;
}

const char* soundFileName(Sound sound) {
    switch (sound) {
        case Sound::kAccepted:
            return "accepted.wav";
        case Sound::kDenied:
            return "denied.wav";
        case Sound::kAttention:
            return "attention.wav";
    }
    return "attention.wav";
}

std::vector<std::int16_t> synthesise(Sound sound) {
    std::vector<std::int16_t> samples;
    const double rate = kSoundRate;
    for (const Note& note : notesOf(sound)) {
        auto count = static_cast<std::size_t>(note.seconds * rate);
        for (std::size_t i = 0; i < count; ++i) {
            double t = static_cast<double>(i) / rate;
            double phase = 2.0 * std::numbers::pi * note.hz * t;
            double v = std::sin(phase);
            if (note.harsh)
                v = 0.6 * v + 0.25 * std::sin(3.0 * phase) + 0.15 * std::sin(5.0 * phase);
            // 8 ms attack and release: no clicks.
            double edge = std::min({1.0, t / 0.008, (note.seconds - t) / 0.008});
            samples.push_back(static_cast<std::int16_t>(std::lround(v * edge * 0.6 * 32767.0)));
        }
        samples.insert(samples.end(), static_cast<std::size_t>(note.gap * rate), 0);
    }
    return samples;
}

std::vector<std::uint8_t> encodeWav(const std::vector<std::int16_t>& samples) {
    auto dataBytes = static_cast<std::uint32_t>(samples.size() * 2);
    std::vector<std::uint8_t> out{'R', 'I', 'F', 'F'};
    put32(out, 36 + dataBytes);
    out.insert(out.end(), {'W', 'A', 'V', 'E', 'f', 'm', 't', ' '});
    put32(out, 16);
    put16(out, 1);  // PCM
    put16(out, 1);  // mono
    put32(out, kSoundRate);
    put32(out, kSoundRate * 2);
    put16(out, 2);
    put16(out, 16);
    out.insert(out.end(), {'d', 'a', 't', 'a'});
    put32(out, dataBytes);
    for (std::int16_t s : samples) put16(out, static_cast<std::uint16_t>(s));
    return out;
}

Result<std::vector<std::int16_t>> decodeWav(const std::vector<std::uint8_t>& bytes) {
    auto header = encodeWav({});
    if (bytes.size() < header.size() || (bytes.size() - header.size()) % 2 != 0) {
        return fail("not a 16-bit WAV file");
    }
    // Everything but the two size fields must match what encodeWav writes.
    for (std::size_t i = 0; i < header.size(); ++i) {
        bool sizeField = (i >= 4 && i < 8) || i >= 40;
        if (!sizeField && bytes[i] != header[i]) return fail("not a mono 22050 Hz 16-bit WAV");
    }
    if (get32(bytes, 40) != bytes.size() - header.size()) return fail("WAV data size mismatch");
    std::vector<std::int16_t> samples((bytes.size() - header.size()) / 2);
    for (std::size_t i = 0; i < samples.size(); ++i) {
        auto lo = static_cast<unsigned>(bytes[header.size() + 2 * i]);
        auto hi = static_cast<unsigned>(bytes[header.size() + 2 * i + 1]);
        samples[i] = static_cast<std::int16_t>(static_cast<std::uint16_t>(lo | (hi << 8)));
    }
    return samples;
}

Status<> writeSoundFiles(const std::filesystem::path& folder) {
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    for (Sound s : {Sound::kAccepted, Sound::kDenied, Sound::kAttention}) {
        auto bytes = encodeWav(synthesise(s));
        std::ofstream out(folder / soundFileName(s), std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(bytes.data()),
                  static_cast<std::streamsize>(bytes.size()));
        if (!out) return fail("cannot write " + (folder / soundFileName(s)).string());
    }
    return Ok{};
}

SoundPlayer::SoundPlayer(const std::filesystem::path& assets) {
    for (Sound s : {Sound::kAccepted, Sound::kDenied, Sound::kAttention}) {
        std::ifstream in(assets / soundFileName(s), std::ios::binary);
        std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                        std::istreambuf_iterator<char>());
        auto decoded = decodeWav(bytes);
        samples_[static_cast<int>(s)] = decoded ? std::move(*decoded) : synthesise(s);
    }
    thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

SoundPlayer::~SoundPlayer() {
    thread_.request_stop();
    wake_.notify_all();
}

void SoundPlayer::play(Sound sound) {
    {
        std::lock_guard lock(mutex_);
        next_ = sound;
    }
    wake_.notify_all();
}

void SoundPlayer::run(std::stop_token stop) {
    snd_lib_error_set_handler(quietAlsa);
    snd_pcm_t* pcm = nullptr;
    bool reported = false;
    for (;;) {
        Sound sound;
        {
            std::unique_lock lock(mutex_);
            if (!wake_.wait(lock, stop, [this] { return next_.has_value(); })) break;
            sound = *next_;
            next_.reset();
        }
        if (!pcm) {
            if (snd_pcm_open(&pcm, "default", SND_PCM_STREAM_PLAYBACK, 0) < 0 ||
                snd_pcm_set_params(pcm, SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_RW_INTERLEAVED, 1,
                                   kSoundRate, 1, 100000) < 0) {
                if (pcm) snd_pcm_close(pcm);
                pcm = nullptr;
                if (!reported) std::cerr << "admit-kiosk: no sound device; playing silently\n";
                reported = true;
                continue;
            }
        }
        const auto& samples = samples_[static_cast<int>(sound)];
        snd_pcm_prepare(pcm);
        snd_pcm_sframes_t written = snd_pcm_writei(pcm, samples.data(), samples.size());
        if (written < 0) snd_pcm_recover(pcm, static_cast<int>(written), 1);
        snd_pcm_drain(pcm);
    }
    if (pcm) snd_pcm_close(pcm);
}

}  // namespace admit::kiosk

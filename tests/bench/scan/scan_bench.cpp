// Per-frame QR reading on camera-sized frames: our QrReader cascade against ZXing-cpp 1.4 with
// its default (most thorough) settings and against zbar, interleaved frame by frame so that they
// share the machine's noise. Then the pipeline's frame-arrival-to-scan-event latency.
//
// Frames: every zxing-cpp 1.4.0 sample photo of qrcode-1, -2 (>= 200 px) and -6, scaled into a
// mid-grey 1920x1080 or 1280x720 frame twice (filling the height, centred; and at half height,
// off centre), and the false-positive photos scaled to fill the height (frames without a code).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

// Before ZXing: its Error.h defines macros (UnsupportedError, ...) that break zbar's C++ headers.
#include <zbar.h>

#include <ZXing/ReadBarcode.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "admit/scan/qr_reader.hpp"
#include "admit/scan/scan_pipeline.hpp"
#include "bench_timing.hpp"
#include "zxing_samples.hpp"

using admit::bench::percentile;

namespace {

namespace fs = std::filesystem;
using admit::scan::Clock;
using Millis = std::chrono::duration<double, std::milli>;

using admit::testing::samplePhotosIn;

struct BenchFrame {
    cv::Mat image;         // BGR
    std::string expected;  // empty: no code in the frame
};

std::string fileText(const fs::path& path) {
    // Sized read: GCC 12 -O2 flags istreambuf_iterator with a false -Wnull-dereference.
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    std::string text(static_cast<std::size_t>(std::max<std::streamoff>(0, in.tellg())), '\0');
    in.seekg(0);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    return text;
}

// `photo` scaled to `height` pixels high (and at most the frame width), its centre at `centre`.
cv::Mat place(const cv::Mat& photo, cv::Size frameSize, int height, cv::Point centre) {
    cv::Mat frame(frameSize, CV_8UC3, cv::Scalar(110, 100, 90));
    double scale = static_cast<double>(height) / photo.rows;
    scale = std::min(scale, static_cast<double>(frameSize.width) / photo.cols);
    cv::Mat scaled;
    cv::resize(photo, scaled, cv::Size(), scale, scale, cv::INTER_LINEAR);
    cv::Rect where(centre.x - scaled.cols / 2, centre.y - scaled.rows / 2, scaled.cols,
                   scaled.rows);
    where &= cv::Rect(0, 0, frameSize.width, frameSize.height);
    scaled(cv::Rect(0, 0, where.width, where.height)).copyTo(frame(where));
    return frame;
}

std::vector<BenchFrame> framesWithCodes(cv::Size size) {
    std::vector<BenchFrame> frames;
    for (const char* folder : {"qrcode-1", "qrcode-2", "qrcode-6"}) {
        for (const fs::path& photo : samplePhotosIn(folder)) {
            const cv::Mat image = cv::imread(photo.string(), cv::IMREAD_COLOR);
            if (image.empty() || std::min(image.rows, image.cols) < 200) continue;
            fs::path txt = photo;
            txt.replace_extension(".txt");
            const std::string expected = fileText(txt);
            const cv::Point centre(size.width / 2, size.height / 2);
            frames.push_back({place(image, size, size.height, centre), expected});
            const cv::Point offCentre(size.width / 3, size.height * 3 / 5);
            frames.push_back({place(image, size, size.height / 2, offCentre), expected});
        }
    }
    return frames;
}

std::vector<BenchFrame> framesWithoutCodes(cv::Size size) {
    std::vector<BenchFrame> frames;
    for (const char* folder : {"falsepositives-1", "falsepositives-2"}) {
        for (const fs::path& photo : samplePhotosIn(folder)) {
            const cv::Mat image = cv::imread(photo.string(), cv::IMREAD_COLOR);
            if (image.empty() || std::min(image.rows, image.cols) < 200) continue;
            frames.push_back(
                {place(image, size, size.height, {size.width / 2, size.height / 2}), ""});
        }
    }
    return frames;
}

cv::Mat grey(const cv::Mat& bgr) {
    cv::Mat g;
    cv::cvtColor(bgr, g, cv::COLOR_BGR2GRAY);
    return g;
}

std::vector<std::string> zxingRead(const cv::Mat& bgr, const ZXing::DecodeHints& hints) {
    const cv::Mat g = grey(bgr);
    std::vector<std::string> texts;
    for (const auto& result : ZXing::ReadBarcodes(
             {g.data, g.cols, g.rows, ZXing::ImageFormat::Lum, static_cast<int>(g.step[0])},
             hints)) {
        texts.push_back(result.text());
    }
    return texts;
}

class Zbar {
  public:
    Zbar() : scanner_(zbar::zbar_image_scanner_create()) {
        zbar::zbar_image_scanner_set_config(scanner_, zbar::ZBAR_NONE, zbar::ZBAR_CFG_ENABLE, 0);
        zbar::zbar_image_scanner_set_config(scanner_, zbar::ZBAR_QRCODE, zbar::ZBAR_CFG_ENABLE, 1);
    }
    ~Zbar() { zbar::zbar_image_scanner_destroy(scanner_); }
    Zbar(const Zbar&) = delete;
    Zbar& operator=(const Zbar&) = delete;

    std::vector<std::string> read(const cv::Mat& bgr) {
        const cv::Mat g = grey(bgr);
        zbar::zbar_image_t* image = zbar::zbar_image_create();
        const unsigned long y800 =
            'Y' | ('8' << 8) | ('0' << 16) | (static_cast<unsigned long>('0') << 24);
        zbar::zbar_image_set_format(image, y800);
        zbar::zbar_image_set_size(image, static_cast<unsigned>(g.cols),
                                  static_cast<unsigned>(g.rows));
        zbar::zbar_image_set_data(image, g.data, g.total(), nullptr);
        zbar::zbar_scan_image(scanner_, image);
        std::vector<std::string> texts;
        for (const zbar::zbar_symbol_t* s = zbar::zbar_image_first_symbol(image); s;
             s = zbar::zbar_symbol_next(s)) {
            texts.emplace_back(zbar::zbar_symbol_get_data(s), zbar::zbar_symbol_get_data_length(s));
        }
        zbar::zbar_image_destroy(image);
        return texts;
    }

  private:
    zbar::zbar_image_scanner_t* scanner_;
};

struct Peer {
    const char* name;
    std::function<std::vector<std::string>(const cv::Mat&)> read;
};

struct Tally {
    std::vector<double> millis;
    int reads = 0;     // expected text among the codes read
    int misreads = 0;  // a code read whose text is not the expected one
};

void compare(const char* label, const std::vector<BenchFrame>& frames, std::vector<Peer>& peers) {
    std::vector<Tally> tallies(peers.size());
    constexpr int kRounds = 2;
    for (int round = 0; round < kRounds; ++round) {
        for (const BenchFrame& frame : frames) {
            for (std::size_t p = 0; p < peers.size(); ++p) {
                const auto start = Clock::now();
                const std::vector<std::string> texts = peers[p].read(frame.image);
                tallies[p].millis.push_back(Millis(Clock::now() - start).count());
                if (round > 0) continue;
                bool read = false;
                for (const auto& text : texts) {
                    if (!frame.expected.empty() && text == frame.expected) {
                        read = true;
                    } else {
                        ++tallies[p].misreads;
                    }
                }
                tallies[p].reads += read;
            }
        }
    }
    const double ourMedian = percentile(tallies[0].millis, 0.5);
    std::printf("\n%s (%zu frames x %d rounds)\n", label, frames.size(), kRounds);
    std::printf("  %-22s %9s %9s %9s %14s %7s %9s\n", "reader", "median ms", "p90 ms", "max ms",
                "median/ours", "reads", "other");
    for (std::size_t p = 0; p < peers.size(); ++p) {
        const double median = percentile(tallies[p].millis, 0.5);
        std::printf("  %-22s %9.2f %9.2f %9.2f %13.2fx %3d/%-3zu %9d\n", peers[p].name, median,
                    percentile(tallies[p].millis, 0.9), percentile(tallies[p].millis, 1.0),
                    median / ourMedian, tallies[p].reads,
                    frames.front().expected.empty() ? std::size_t{0} : frames.size(),
                    tallies[p].misreads);
    }
}

// Plays frames from memory at a camera's pace, looping.
class MemorySource final : public admit::scan::FrameSource {
  public:
    MemorySource(std::vector<cv::Mat> frames, double fps, int count)
        : frames_(std::move(frames)), fps_(fps), count_(count) {}
    admit::Status<> open() override { return admit::Ok{}; }
    admit::Result<cv::Mat, admit::scan::SourceError> read() override {
        if (served_ == count_) {
            return admit::fail(
                admit::scan::SourceError{admit::scan::SourceError::Kind::EndOfStream, "end"});
        }
        // A copy, as a camera delivers a new buffer per frame.
        return frames_[static_cast<std::size_t>(served_++) % frames_.size()].clone();
    }
    void close() override {}
    std::chrono::nanoseconds frameInterval() const override {
        return std::chrono::nanoseconds(static_cast<long long>(1e9 / fps_));
    }
    std::string describe() const override { return "memory"; }

  private:
    std::vector<cv::Mat> frames_;
    double fps_;
    int count_;
    int served_ = 0;
};

void latency(const char* label, const std::vector<BenchFrame>& codeFrames) {
    // Every frame holds a readable code (those our reader reads); forgetAfter 0 turns every read
    // into an event, so each frame gives one latency sample.
    admit::scan::QrReader reader;
    std::vector<cv::Mat> readable;
    for (const auto& frame : codeFrames) {
        auto codes = reader.read(frame.image);
        if (codes && !codes->empty()) readable.push_back(frame.image);
    }
    admit::scan::PipelineOptions options;
    options.debounce.forgetAfter = std::chrono::milliseconds(0);
    options.maxQueuedEvents = 100000;
    constexpr int kFrames = 450;  // 15 s at 30 fps
    admit::scan::ScanPipeline pipeline(std::make_unique<MemorySource>(readable, 30.0, kFrames),
                                       options);
    pipeline.start();
    while (!pipeline.finished()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const auto events = pipeline.takeEvents();
    const auto stats = pipeline.stats();
    pipeline.stop();
    std::vector<double> arrivalToEvent, read;
    for (const auto& event : events) {
        arrivalToEvent.push_back(Millis(event.emitted - event.frameCaptured).count());
        read.push_back(Millis(event.readDuration).count());
    }
    std::printf(
        "\n%s pipeline at 30 fps, %d frames with a code: %zu events, %llu frames dropped\n"
        "  frame arrival -> scan event: p50 %.2f ms, p99 %.2f ms, max %.2f ms "
        "(p99 = %.2f frame intervals)\n  read time in pipeline: p50 %.2f ms, p99 %.2f ms\n",
        label, kFrames, events.size(), static_cast<unsigned long long>(stats.framesDropped),
        percentile(arrivalToEvent, 0.5), percentile(arrivalToEvent, 0.99),
        percentile(arrivalToEvent, 1.0), percentile(arrivalToEvent, 0.99) / (1000.0 / 30.0),
        percentile(read, 0.5), percentile(read, 0.99));
}

// The machine is shared: print its load so that absolute times can be judged.
void printLoad(const char* when) {
    std::ifstream in("/proc/loadavg");
    std::string one, five;
    in >> one >> five;
    std::printf("load average %s: %s (1 min), %s (5 min), on %u cores\n", when, one.c_str(),
                five.c_str(), std::thread::hardware_concurrency());
}

}  // namespace

int main() {
    printLoad("at start");
    const admit::scan::QrReader ours;
    ZXing::DecodeHints defaults;  // 1.4 defaults: all formats, tryHarder, tryRotate, tryDownscale
    ZXing::DecodeHints qrThorough = defaults;
    qrThorough.setFormats(ZXing::BarcodeFormat::QRCode);
    ZXing::DecodeHints qrFast;
    qrFast.setFormats(ZXing::BarcodeFormat::QRCode)
        .setTryHarder(false)
        .setTryRotate(false)
        .setTryDownscale(false);
    Zbar zbar;
    std::vector<Peer> peers = {
        {"ours (cascade)",
         [&](const cv::Mat& image) {
             std::vector<std::string> texts;
             auto codes = ours.read(image);
             if (codes) {
                 for (const auto& code : *codes) texts.push_back(code.text);
             }
             return texts;
         }},
        {"zxing default", [&](const cv::Mat& image) { return zxingRead(image, defaults); }},
        {"zxing QR thorough", [&](const cv::Mat& image) { return zxingRead(image, qrThorough); }},
        {"zxing QR fast", [&](const cv::Mat& image) { return zxingRead(image, qrFast); }},
        {"zbar QR", [&](const cv::Mat& image) { return zbar.read(image); }},
    };
    std::printf("QR reading per frame (grey conversion included); ratios against ours\n");
    for (const cv::Size size : {cv::Size(1920, 1080), cv::Size(1280, 720)}) {
        const std::string name = std::to_string(size.height) + "p";
        const auto withCodes = framesWithCodes(size);
        compare((name + " with a code").c_str(), withCodes, peers);
        compare((name + " without a code").c_str(), framesWithoutCodes(size), peers);
        latency(name.c_str(), withCodes);
    }
    printLoad("at end");
    return 0;
}

#include "admit/scan/qr_reader.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "admit/scan/nearest_centre.hpp"
#include "qr_render.hpp"
#include "zxing_samples.hpp"

namespace admit::scan {
namespace {

namespace fs = std::filesystem;

using admit::testing::kZxingSamples;
using admit::testing::samplePhotosIn;

std::string fileText(const fs::path& path) {
    // Sized read: GCC 12 -O2 flags istreambuf_iterator with a false -Wnull-dereference.
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    std::string text(static_cast<std::size_t>(std::max<std::streamoff>(0, in.tellg())), '\0');
    in.seekg(0);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    return text;
}

// qrcode-2/16.png is a "double QR": a large code whose centre holds a second, small one. Its .txt
// names the inner code; the outer one is a genuine code too, with this exact text.
const std::map<std::string, std::string> kSecondCode = {
    {"qrcode-2/16.png", "[外側QRコード]\r\n \r\n*ﾀﾞﾌﾞﾙQR*\r\nhttp://d-qr.net/ex/"},
};

struct FolderOutcome {
    int images = 0;
    int reads = 0;                      // the expected text is among the codes read
    std::vector<std::string> misreads;  // a code read with a text that is not in the image
};

FolderOutcome readFolder(const std::string& folder) {
    const QrReader reader;
    FolderOutcome outcome;
    for (const fs::path& image : samplePhotosIn(folder)) {
        ++outcome.images;
        const cv::Mat pixels = cv::imread(image.string(), cv::IMREAD_COLOR);
        if (pixels.empty()) {
            ADD_FAILURE() << "cannot load " << image;
            continue;
        }
        auto codes = reader.read(pixels);
        if (!codes) {
            ADD_FAILURE() << image << ": " << codes.error().message;
            continue;
        }
        fs::path expectedFile = image;
        expectedFile.replace_extension(".txt");
        const std::string expected = fs::exists(expectedFile) ? fileText(expectedFile) : "";
        const auto second = kSecondCode.find(folder + "/" + image.filename().string());
        bool read = false;
        for (const QrCode& code : *codes) {
            if (!expected.empty() && code.text == expected) {
                read = true;
            } else if (second == kSecondCode.end() || code.text != second->second) {
                outcome.misreads.push_back(image.filename().string() + " read as \"" + code.text +
                                           "\"");
            }
        }
        if (read) ++outcome.reads;
    }
    return outcome;
}

struct SampleFolder {
    std::string name;
    int images;
    int minimumReads;  // zxing-cpp 1.4.0's own blackbox minimum at rotation 0
};

void PrintTo(const SampleFolder& folder, std::ostream* out) { *out << folder.name; }

class QrReaderSamples : public ::testing::TestWithParam<SampleFolder> {};

TEST_P(QrReaderSamples, ReadsAtLeastZxingsOwnMinimumWithoutMisreads) {
    const SampleFolder& folder = GetParam();
    const FolderOutcome outcome = readFolder(folder.name);
    EXPECT_EQ(outcome.images, folder.images);
    EXPECT_GE(outcome.reads, folder.minimumReads) << folder.name;
    EXPECT_TRUE(outcome.misreads.empty()) << ::testing::PrintToString(outcome.misreads);
    RecordProperty("reads", outcome.reads);
}

INSTANTIATE_TEST_SUITE_P(
    Zxing140, QrReaderSamples,
    ::testing::Values(SampleFolder{"qrcode-1", 16, 16}, SampleFolder{"qrcode-2", 46, 44},
                      SampleFolder{"qrcode-3", 28, 25}, SampleFolder{"qrcode-4", 41, 29},
                      SampleFolder{"qrcode-5", 16, 16}, SampleFolder{"qrcode-6", 15, 15},
                      SampleFolder{"falsepositives-1", 26, 0},
                      SampleFolder{"falsepositives-2", 25, 0}),
    [](const ::testing::TestParamInfo<SampleFolder>& param) {
        std::string name = param.param.name;
        std::replace(name.begin(), name.end(), '-', '_');
        return name;
    });

// The pipeline reports the code nearest the centre; on 16.png both centres coincide, and
// either one is a correct read of a real code.
TEST(QrReaderSamples, DoubleQrYieldsBothGenuineCodes) {
    const cv::Mat pixels = cv::imread((kZxingSamples / "qrcode-2" / "16.png").string());
    auto codes = QrReader().read(pixels);
    ASSERT_TRUE(codes.ok());
    std::vector<std::string> texts;
    for (const auto& code : *codes) texts.push_back(code.text);
    std::sort(texts.begin(), texts.end());
    std::vector<std::string> expected = {fileText(kZxingSamples / "qrcode-2" / "16.txt"),
                                         kSecondCode.at("qrcode-2/16.png")};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(texts, expected);
}

TEST(QrReader, EmptyImageIsAnErrorNotAnException) {
    const QrReader reader;
    auto codes = reader.read(cv::Mat());
    ASSERT_FALSE(codes.ok());
    EXPECT_FALSE(codes.error().message.empty());
}

TEST(QrReader, UnsupportedPixelTypeIsAnError) {
    const QrReader reader;
    EXPECT_FALSE(reader.read(cv::Mat(100, 100, CV_32FC1, cv::Scalar(0.5))).ok());
}

TEST(QrReader, BlankFrameReadsNothing) {
    const QrReader reader;
    auto codes = reader.read(cv::Mat(1080, 1920, CV_8UC3, cv::Scalar(200, 200, 200)));
    ASSERT_TRUE(codes.ok());
    EXPECT_TRUE(codes->empty());
}

TEST(QrReader, ReadsGreyBgrAndBgraAlike) {
    const QrReader reader;
    const cv::Mat bgr = test::frameWith({640, 480}, {{"ADMIT-1", {220, 140}, 200}});
    cv::Mat grey, bgra;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    cv::cvtColor(bgr, bgra, cv::COLOR_BGR2BGRA);
    for (const cv::Mat& image : {bgr, grey, bgra}) {
        auto codes = reader.read(image);
        ASSERT_TRUE(codes.ok());
        ASSERT_EQ(codes->size(), 1u);
        EXPECT_EQ(codes->front().text, "ADMIT-1");
    }
}

// A code in a 1080p frame is found by a downscaled pass; its corners must still be reported in
// the frame's own pixels.
TEST(QrReader, ReportsCornersInFramePixelsAfterDownscaling) {
    const QrReader reader;
    const cv::Mat frame = test::frameWith({1920, 1080}, {{"CORNERS", {1300, 200}, 400}});
    auto codes = reader.read(frame);
    ASSERT_TRUE(codes.ok());
    ASSERT_EQ(codes->size(), 1u);
    // The symbol proper starts after the 4-module quiet zone.
    const cv::Point2f centre = codes->front().centre();
    EXPECT_NEAR(centre.x, 1500.0f, 8.0f);
    EXPECT_NEAR(centre.y, 400.0f, 8.0f);
    const cv::Point2f topLeft = codes->front().corners[0];
    EXPECT_LT(topLeft.x, centre.x);
    EXPECT_LT(topLeft.y, centre.y);
}

// A code too small for the downscaled passes is still found by the full-resolution guide pass.
TEST(QrReader, SmallCodeInsideTheGuideIsReadAtFullResolution) {
    const QrReader reader;
    const cv::Mat frame = test::frameWith({1920, 1080}, {{"SMALL-BUT-CENTRED", {915, 495}, 90}});
    QrReaderOptions downscaledOnly;
    downscaledOnly.passes = {{ReadPass::Region::Frame, 360, false}};
    auto coarse = QrReader(downscaledOnly).read(frame);
    ASSERT_TRUE(coarse.ok());
    EXPECT_TRUE(coarse->empty()) << "the frame should be too coarse for this test to mean much";
    auto codes = reader.read(frame);
    ASSERT_TRUE(codes.ok());
    ASSERT_EQ(codes->size(), 1u);
    EXPECT_EQ(codes->front().text, "SMALL-BUT-CENTRED");
}

TEST(QrReader, ReadsEveryCodeInView) {
    const QrReader reader;
    const cv::Mat frame =
        test::frameWith({1280, 720}, {{"LEFT", {100, 260}, 220}, {"RIGHT", {900, 260}, 220}});
    auto codes = reader.read(frame);
    ASSERT_TRUE(codes.ok());
    std::vector<std::string> texts;
    for (const auto& code : *codes) texts.push_back(code.text);
    std::sort(texts.begin(), texts.end());
    EXPECT_EQ(texts, (std::vector<std::string>{"LEFT", "RIGHT"}));
}

}  // namespace
}  // namespace admit::scan

#include "admit/scan/image_folder_source.hpp"

#include <fstream>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "temp_dir.hpp"

namespace admit::scan {
namespace {

namespace fs = std::filesystem;

// Writes a 16x8 image whose pixels all hold `value`.
void writeImage(const fs::path& path, unsigned char value) {
    ASSERT_TRUE(cv::imwrite(path.string(), cv::Mat(8, 16, CV_8UC3, cv::Scalar::all(value))));
}

unsigned char valueOf(const cv::Mat& image) { return image.at<cv::Vec3b>(0, 0)[0]; }

TEST(ImageFolderSource, ReadsImagesInNameOrderThenEnds) {
    admit::testing::TempDir dir;
    writeImage(dir.path() / "b.png", 20);
    writeImage(dir.path() / "a.png", 10);
    writeImage(dir.path() / "c.bmp", 30);
    std::ofstream(dir.path() / "notes.txt") << "not an image";
    ImageFolderSource source({dir.path(), 0.0, false});
    ASSERT_TRUE(source.open().ok());
    for (int expected : {10, 20, 30}) {
        auto image = source.read();
        ASSERT_TRUE(image.ok()) << image.error().message;
        EXPECT_EQ(image->size(), cv::Size(16, 8));
        EXPECT_EQ(valueOf(*image), expected);
    }
    auto end = source.read();
    ASSERT_FALSE(end.ok());
    EXPECT_EQ(end.error().kind, SourceError::Kind::EndOfStream);
}

TEST(ImageFolderSource, LoopsWhenAsked) {
    admit::testing::TempDir dir;
    writeImage(dir.path() / "a.png", 10);
    writeImage(dir.path() / "b.png", 20);
    ImageFolderSource source({dir.path(), 0.0, true});
    ASSERT_TRUE(source.open().ok());
    for (int expected : {10, 20, 10, 20, 10}) {
        auto image = source.read();
        ASSERT_TRUE(image.ok());
        EXPECT_EQ(valueOf(*image), expected);
    }
}

TEST(ImageFolderSource, SkipsFilesThatDoNotDecode) {
    admit::testing::TempDir dir;
    std::ofstream(dir.path() / "a.png") << "not really a png";
    writeImage(dir.path() / "b.png", 20);
    ImageFolderSource source({dir.path(), 0.0, false});
    ASSERT_TRUE(source.open().ok());
    auto image = source.read();
    ASSERT_TRUE(image.ok());
    EXPECT_EQ(valueOf(*image), 20);
}

TEST(ImageFolderSource, MissingOrEmptyFolderDoesNotOpen) {
    admit::testing::TempDir dir;
    ImageFolderSource empty({dir.path(), 0.0, false});
    EXPECT_FALSE(empty.open().ok());
    ImageFolderSource missing({dir.path() / "nope", 0.0, false});
    auto opened = missing.open();
    ASSERT_FALSE(opened.ok());
    EXPECT_NE(opened.error().message.find("nope"), std::string::npos);
}

TEST(ImageFolderSource, FolderVanishingIsLost) {
    auto dir = std::make_unique<admit::testing::TempDir>();
    writeImage(dir->path() / "a.png", 10);
    writeImage(dir->path() / "b.png", 20);
    ImageFolderSource source({dir->path(), 0.0, true});
    ASSERT_TRUE(source.open().ok());
    ASSERT_TRUE(source.read().ok());
    dir.reset();
    auto image = source.read();
    ASSERT_FALSE(image.ok());
    EXPECT_EQ(image.error().kind, SourceError::Kind::Lost);
}

TEST(ImageFolderSource, PacesAtItsFrameRate) {
    EXPECT_EQ(ImageFolderSource({"x", 25.0, false}).frameInterval(), std::chrono::milliseconds(40));
    EXPECT_EQ(ImageFolderSource({"x", 0.0, false}).frameInterval().count(), 0);
}

}  // namespace
}  // namespace admit::scan

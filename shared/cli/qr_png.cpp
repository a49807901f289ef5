#include "qr_png.hpp"

#include <vector>

#include <ZXing/BarcodeFormat.h>
#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
#include <stb_image_write.h>

namespace admit::cli {

Status<> writeQrPng(const std::string& text, const std::string& path, int moduleSize) {
    constexpr int kQuietZone = 4;
    ZXing::BitMatrix matrix;
    try {
        // The writer's 0..8 scale maps to QR levels as (level - 1) / 2: 4 is M.
        matrix = ZXing::MultiFormatWriter(ZXing::BarcodeFormat::QRCode)
                     .setEccLevel(4)
                     .setMargin(0)
                     .encode(text, 0, 0);
    } catch (const std::exception& e) {
        return fail("cannot encode a QR code for " + path + ": " + e.what());
    }
    int modules = matrix.width() + 2 * kQuietZone;
    int size = modules * moduleSize;
    std::vector<unsigned char> pixels(
        static_cast<std::size_t>(size) * static_cast<std::size_t>(size), 255);
    for (int y = 0; y < matrix.height(); ++y) {
        for (int x = 0; x < matrix.width(); ++x) {
            if (!matrix.get(x, y)) continue;
            for (int dy = 0; dy < moduleSize; ++dy) {
                int row = (y + kQuietZone) * moduleSize + dy;
                int column = (x + kQuietZone) * moduleSize;
                std::fill_n(pixels.begin() + row * size + column, moduleSize, 0);
            }
        }
    }
    if (stbi_write_png(path.c_str(), size, size, 1, pixels.data(), size) == 0) {
        return fail("cannot write " + path);
    }
    return Ok{};
}

}  // namespace admit::cli

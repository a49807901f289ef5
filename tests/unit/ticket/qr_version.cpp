#include "qr_version.hpp"

#include <ZXing/BarcodeFormat.h>
#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>

namespace admit::ticket::testing {

int qrVersionAtLevelM(const std::string& text) {
    // MultiFormatWriter maps its 0..8 scale to QR levels as (level - 1) / 2: 4 -> M.
    ZXing::BitMatrix matrix = ZXing::MultiFormatWriter(ZXing::BarcodeFormat::QRCode)
                                  .setEccLevel(4)
                                  .setMargin(0)
                                  .encode(text, 0, 0);
    return (matrix.width() - 17) / 4;
}

}  // namespace admit::ticket::testing

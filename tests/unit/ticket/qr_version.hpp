#pragma once
// Test helper: the QR code version ZXing's encoder chooses for a text at error correction M.

#include <string>

namespace admit::ticket::testing {

// Encodes `text` with ZXing's QR writer (error correction M, no quiet zone) and derives the
// version from the symbol size: side = 17 + 4 * version.
int qrVersionAtLevelM(const std::string& text);

}  // namespace admit::ticket::testing

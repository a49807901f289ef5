#pragma once
// Writes a text as a QR code PNG (ZXing's encoder, error correction M, quiet zone of 4).

#include <string>

#include "admit/base/result.hpp"

namespace admit::cli {

Status<> writeQrPng(const std::string& text, const std::string& path, int moduleSize = 8);

}  // namespace admit::cli

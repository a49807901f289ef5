// admit-kiosk-sounds DIR: writes the kiosk's verdict sounds (accepted.wav, denied.wav,
// attention.wav) into DIR. The committed assets/ are its output; a test checks they match.

#include <iostream>

#include "admit/base/exit_code.hpp"
#include "admit/kiosk/sounds.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: admit-kiosk-sounds DIR\n";
        return admit::exit_code::kUsage;
    }
    auto written = admit::kiosk::writeSoundFiles(argv[1]);
    if (!written) {
        std::cerr << "admit-kiosk-sounds: " << written.error().message << "\n";
        return admit::exit_code::kFailure;
    }
    return admit::exit_code::kOk;
}

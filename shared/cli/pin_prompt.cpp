#include "pin_prompt.hpp"

#include <termios.h>
#include <unistd.h>

#include <iostream>

namespace admit::cli {

Result<std::string> readPin(const std::string& prompt) {
    std::string pin;
    if (isatty(STDIN_FILENO)) {
        std::cerr << prompt << std::flush;
        termios saved{};
        tcgetattr(STDIN_FILENO, &saved);
        termios silent = saved;
        silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &silent);
        std::getline(std::cin, pin);
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::cerr << "\n";
    } else {
        std::getline(std::cin, pin);
    }
    if (!pin.empty() && pin.back() == '\r') pin.pop_back();
    if (pin.empty()) return fail("no PIN was given");
    return pin;
}

}  // namespace admit::cli

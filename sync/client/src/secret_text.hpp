#pragma once
// Messages built from what a server or libcurl said could, through a bug on either side, echo
// a secret; the client removes every secret it holds from a message before anyone sees it.

#include <string>

namespace admit::sync::detail {

inline std::string withoutSecret(std::string text, const std::string& secret) {
    if (secret.empty()) return text;
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
        text.replace(at, secret.size(), "[secret]");
    }
    return text;
}

}  // namespace admit::sync::detail

#include "arguments.hpp"

namespace admit::cli {

Result<Arguments> Arguments::parse(const std::vector<std::string>& words,
                                   const std::set<std::string>& flags,
                                   const std::set<std::string>& options) {
    Arguments out;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string& word = words[i];
        if (word.rfind("--", 0) != 0 || word == "--") {
            out.positional_.push_back(word);
            continue;
        }
        std::string name = word.substr(2);
        if (flags.count(name)) {
            out.flags_.insert(name);
        } else if (options.count(name)) {
            if (i + 1 >= words.size()) return fail("option " + word + " needs a value");
            out.options_[name] = words[++i];
        } else {
            return fail("unknown option " + word);
        }
    }
    return out;
}

std::optional<std::string> Arguments::option(const std::string& name) const {
    auto it = options_.find(name);
    if (it == options_.end()) return std::nullopt;
    return it->second;
}

Result<std::string> Arguments::required(const std::string& name) const {
    auto value = option(name);
    if (!value) return fail("missing --" + name);
    return *value;
}

}  // namespace admit::cli

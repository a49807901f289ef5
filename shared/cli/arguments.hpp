#pragma once
// Command-line arguments: positional words, `--name value` options and `--flag` switches.
// Unknown options are errors, so a typo never silently changes what a command does.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "admit/base/result.hpp"

namespace admit::cli {

class Arguments {
  public:
    // `flags` take no value; every other --option takes the next word.
    static Result<Arguments> parse(const std::vector<std::string>& words,
                                   const std::set<std::string>& flags,
                                   const std::set<std::string>& options);

    const std::vector<std::string>& positional() const { return positional_; }
    bool flag(const std::string& name) const { return flags_.count(name) > 0; }
    std::optional<std::string> option(const std::string& name) const;
    Result<std::string> required(const std::string& name) const;

  private:
    std::vector<std::string> positional_;
    std::set<std::string> flags_;
    std::map<std::string, std::string> options_;
};

}  // namespace admit::cli

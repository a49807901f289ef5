#include "admit/organiser/import_error.hpp"

namespace admit::organiser {

ImportError importError(std::vector<ImportProblem> problems, bool rowsChecked, std::size_t limit) {
    ImportError error;
    for (std::size_t i = 0; i < problems.size() && i < limit; ++i) {
        error.message += (i ? "\n" : "") + problems[i].message;
    }
    if (problems.size() > limit) {
        error.message += "\n... and " + std::to_string(problems.size() - limit) + " more errors";
    }
    if (rowsChecked) error.message += "\nnothing was imported";
    error.problems = std::move(problems);
    return error;
}

}  // namespace admit::organiser

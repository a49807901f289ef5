#pragma once
// Prepares the built-in demo: a state folder with the demo organiser database, the kiosk's
// encrypted replica and its key, and the generated frames of phones held up to the kiosk.

#include <filesystem>

#include "admit/base/result.hpp"

namespace admit::kiosk::app {

struct DemoFiles {
    std::filesystem::path replica;
    std::filesystem::path keyFile;
    std::filesystem::path frames;
    std::filesystem::path folder;
    bool temporary = false;  // remove the folder when done
};

// Into `stateDir` if given (the demo files there are replaced), else a new temporary folder.
Result<DemoFiles> prepareDemo(const std::filesystem::path* stateDir);

// Removes a temporary demo folder on destruction.
class DemoFolderGuard {
  public:
    explicit DemoFolderGuard(DemoFiles files) : files_(std::move(files)) {}
    ~DemoFolderGuard();
    DemoFolderGuard(const DemoFolderGuard&) = delete;
    DemoFolderGuard& operator=(const DemoFolderGuard&) = delete;

  private:
    DemoFiles files_;
};

}  // namespace admit::kiosk::app

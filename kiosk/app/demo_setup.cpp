#include "demo_setup.hpp"

#include <cstdlib>
#include <string>
#include <system_error>
#include <vector>

#include "admit/demo/demo_event.hpp"
#include "admit/demo/demo_frames.hpp"
#include "admit/store/clock.hpp"

namespace admit::kiosk::app {

Result<DemoFiles> prepareDemo(const std::filesystem::path* stateDir) {
    DemoFiles files;
    if (stateDir) {
        files.folder = *stateDir;
    } else {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "admit-demo-XXXXXX").string();
        std::vector<char> buffer(pattern.begin(), pattern.end());
        buffer.push_back('\0');
        if (!mkdtemp(buffer.data())) return fail("cannot create a temporary demo folder");
        files.folder = buffer.data();
        files.temporary = true;
    }
    auto provision = provisionDemo(files.folder, store::systemTimeMs());
    if (!provision) return fail(provision.error());
    files.replica = provision->replica;
    files.keyFile = provision->keyFile;
    files.frames = files.folder / "frames";
    std::error_code ignored;
    std::filesystem::remove_all(files.frames, ignored);
    auto written = writeDemoFrames(demoStory(provision->event), files.frames);
    if (!written) return fail(written.error());
    return files;
}

DemoFolderGuard::~DemoFolderGuard() {
    if (!files_.temporary) return;
    std::error_code ignored;
    std::filesystem::remove_all(files_.folder, ignored);
}

}  // namespace admit::kiosk::app

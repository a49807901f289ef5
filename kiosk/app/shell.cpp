#include "shell.hpp"

#define GLFW_INCLUDE_NONE
#include <GL/gl.h>
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <iostream>
#include <string>

#include "admit/base/exit_code.hpp"
#include "admit/kiosk/sounds.hpp"
#include "admit/kiosk/strings.hpp"
#include "admit/kiosk/verdict_json.hpp"
#include "admit/store/clock.hpp"
#include "screenshots.hpp"
#include "tour.hpp"
#include "ui/preview.hpp"
#include "ui/screens.hpp"
#include "ui/theme.hpp"
#include "wedge_keys.hpp"

namespace admit::kiosk::app {
namespace {

std::atomic<bool> inputArrived{false};
// The keyboard wedge's keys, in the order GLFW delivered them (its callbacks have no context).
WedgeKeys* wedgeKeys = nullptr;

extern "C" void onGlfwError(int code, const char* description) {
    std::cerr << "admit-kiosk: GLFW error " << code << ": " << description << "\n";
}
extern "C" void onCursor(GLFWwindow*, double, double) { inputArrived = true; }
extern "C" void onMouse(GLFWwindow*, int, int, int) { inputArrived = true; }
extern "C" void onScroll(GLFWwindow*, double, double) { inputArrived = true; }
extern "C" void onKey(GLFWwindow*, int key, int, int action, int) {
    inputArrived = true;
    bool enter = key == GLFW_KEY_ENTER || key == GLFW_KEY_KP_ENTER;
    if (enter && action == GLFW_PRESS && wedgeKeys) {
        wedgeKeys->enterOnUi(std::chrono::steady_clock::now());
    }
}
extern "C" void onChar(GLFWwindow*, unsigned int codepoint) {
    inputArrived = true;
    if (wedgeKeys) wedgeKeys->characterOnUi(codepoint, std::chrono::steady_clock::now());
}
extern "C" void onResize(GLFWwindow*, int, int) { inputArrived = true; }
extern "C" void onRefresh(GLFWwindow*) { inputArrived = true; }

// RAII for GLFW, the window and the ImGui context with its two backends.
class GlfwSession {
  public:
    GlfwSession() : ok_(glfwInit() == GLFW_TRUE) {}
    ~GlfwSession() {
        if (ok_) glfwTerminate();
    }
    GlfwSession(const GlfwSession&) = delete;
    GlfwSession& operator=(const GlfwSession&) = delete;
    bool ok() const { return ok_; }

  private:
    bool ok_;
};

class Window {
  public:
    explicit Window(GLFWwindow* window) : window_(window) {}
    ~Window() {
        if (window_) glfwDestroyWindow(window_);
    }
    Window(const Window&) = delete;
    Window& operator=(const Window&) = delete;
    GLFWwindow* get() const { return window_; }

  private:
    GLFWwindow* window_;
};

class ImGuiSession {
  public:
    explicit ImGuiSession(GLFWwindow* window) {
        IMGUI_CHECKVERSION();
        ImGui::CreateContext();
        ImGui::GetIO().IniFilename = nullptr;
        glfw_ = ImGui_ImplGlfw_InitForOpenGL(window, true);
        gl_ = glfw_ && ImGui_ImplOpenGL3_Init("#version 150");
    }
    ~ImGuiSession() {
        if (gl_) ImGui_ImplOpenGL3_Shutdown();
        if (glfw_) ImGui_ImplGlfw_Shutdown();
        ImGui::DestroyContext();
    }
    ImGuiSession(const ImGuiSession&) = delete;
    ImGuiSession& operator=(const ImGuiSession&) = delete;
    bool ok() const { return glfw_ && gl_; }

  private:
    bool glfw_ = false;
    bool gl_ = false;
};

bool showsPreview(Screen screen) { return screen == Screen::kScanning || screen == Screen::kSetup; }

// The sounds: installed beside the program (<prefix>/bin/admit-kiosk and
// <prefix>/share/admit-kiosk, as the package puts them), else the source tree's assets/.
std::filesystem::path assetDirectory() {
    std::error_code error;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
    if (!error) {
        auto installed = exe.parent_path().parent_path() / "share" / "admit-kiosk";
        if (std::filesystem::exists(installed / "accepted.wav", error)) return installed;
    }
    return ADMIT_ASSET_DIR;
}

}  // namespace

int runWindowed(KioskCore& core, const AppOptions& options,
                std::unique_ptr<scan::FrameSource> source, Supervision& supervision) {
    glfwSetErrorCallback(onGlfwError);
    GlfwSession glfw;
    if (!glfw.ok()) {
        std::cerr << "admit-kiosk: no display (GLFW cannot start); try --headless\n";
        return exit_code::kFailure;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 2);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    GLFWmonitor* monitor = options.windowed ? nullptr : glfwGetPrimaryMonitor();
    int width = options.width;
    int height = options.height;
    if (monitor) {
        const GLFWvidmode* mode = glfwGetVideoMode(monitor);
        width = mode->width;
        height = mode->height;
    }
    Window window(glfwCreateWindow(width, height, text::kAppTitle, monitor, nullptr));
    if (!window.get()) {
        std::cerr << "admit-kiosk: cannot open a window with OpenGL 3.2\n";
        return exit_code::kFailure;
    }
    glfwMakeContextCurrent(window.get());
    glfwSwapInterval(1);
    WedgeKeys wedge;
    wedgeKeys = &wedge;
    struct Unhook {  // the callbacks must not outlive `wedge`
        ~Unhook() { wedgeKeys = nullptr; }
    } unhook;
    // Ours first: ImGui's backend chains to them.
    glfwSetCursorPosCallback(window.get(), onCursor);
    glfwSetMouseButtonCallback(window.get(), onMouse);
    glfwSetScrollCallback(window.get(), onScroll);
    glfwSetKeyCallback(window.get(), onKey);
    glfwSetCharCallback(window.get(), onChar);
    glfwSetWindowSizeCallback(window.get(), onResize);
    glfwSetWindowRefreshCallback(window.get(), onRefresh);
    ImGuiSession imgui(window.get());
    if (!imgui.ok()) {
        std::cerr << "admit-kiosk: cannot start Dear ImGui on this OpenGL\n";
        return exit_code::kFailure;
    }

    ui::Theme theme;
    ui::PreviewTexture preview;
    ui::UiContext context{core, theme, preview};
    context.demo = options.demo;
    Screenshots shots(options.screenshotDir);
    Tour tour;
    bool touring = options.tour;
    float fontUnit = 0.0f;

    SoundPlayer sounds(assetDirectory());
    core.setWakeCallback([] { glfwPostEmptyEvent(); });
    core.start(std::move(source));

    int extraFrames = 3;
    const PersonalData personal = Supervision::personalDataOnStdout();
    while (!glfwWindowShouldClose(window.get())) {
        const auto& state = core.state();
        if (extraFrames > 0) {
            glfwPollEvents();
        } else {
            // Sleep until input, a worker's news, or the next camera frame is due.
            double timeout =
                state.screen == Screen::kVerdict ? 0.1
                : showsPreview(state.screen) && state.source.status == scan::SourceStatus::Streaming
                    ? 1.0 / 30.0
                    : 0.5;
            glfwWaitEventsTimeout(timeout);
        }
        // Input, news and a new font size can change the layout, which Dear ImGui settles over a
        // few frames; a new camera picture changes only the preview's texture: one frame.
        bool dirty = inputArrived.exchange(false);
        bool newPicture = false;
        auto news = core.drain();
        // After drain: a code typed on a verdict that has just expired is the scanning screen's.
        wedge.deliverOnUi(core);
        supervision.onUiLoop(core.state());
        dirty = dirty || news.changed;
        for (const auto& verdict : news.verdicts) {
            std::cout << verdictJsonLine(verdict, core.state(), personal) << std::endl;
            if (!core.state().muted) sounds.play(soundFor(verdict.kind));
        }
        for (const auto& round : news.syncRounds) {
            std::cout << syncJsonLine(round, core.state()) << std::endl;
        }
        if (showsPreview(state.screen)) {
            if (auto frame = core.latestFrame()) newPicture = preview.update(*frame);
        }
        int w = 0;
        int h = 0;
        glfwGetWindowSize(window.get(), &w, &h);
        float unit = ui::fontUnitFor(w, h);
        if (std::fabs(unit - fontUnit) > 0.5f) {
            fontUnit = unit;
            ui::buildTheme(theme, unit);
            ImGui_ImplOpenGL3_DestroyFontsTexture();
            ImGui_ImplOpenGL3_CreateFontsTexture();
            dirty = true;
        }
        if (dirty) extraFrames = 3;
        if (newPicture) extraFrames = std::max(extraFrames, 1);
        if (extraFrames == 0) continue;
        --extraFrames;

        context.nowMs = store::systemTimeMs();
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();
        ImGui::PushFont(theme.body);
        switch (state.screen) {
            case Screen::kSetup:
                ui::drawSetupScreen(context);
                break;
            case Screen::kScanning:
                ui::drawScanningScreen(context);
                break;
            case Screen::kVerdict:
                ui::drawVerdictScreen(context);
                break;
            case Screen::kSearch:
                ui::drawSearchScreen(context);
                break;
            case Screen::kPin:
                ui::drawPinScreen(context);
                break;
            case Screen::kDashboard:
                ui::drawDashboardScreen(context);
                break;
            case Screen::kSettings:
                ui::drawSettingsScreen(context);
                break;
            case Screen::kFailed:
                ui::drawFailedScreen(context);
                break;
            case Screen::kDamaged:
                ui::drawDamagedScreen(context);
                break;
        }
        ImGui::PopFont();
        ImGui::Render();
        int fbw = 0;
        int fbh = 0;
        glfwGetFramebufferSize(window.get(), &fbw, &fbh);
        glViewport(0, 0, fbw, fbh);
        glClearColor(0.0f, 0.0f, 0.0f, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

        std::string key = viewKey(core.state(), context);
        // The scanning view is photographed once the camera picture is in it.
        bool ready = !showsPreview(core.state().screen) || !preview.empty() ||
                     core.state().screen == Screen::kFailed;
        if (ready) shots.consider(key, fbw, fbh, core.state());
        glfwSwapBuffers(window.get());

        if (touring) {
            tour.advance(core, context, shots, key);
            extraFrames = std::max(extraFrames, 1);
            if (tour.done()) touring = false;
        }
        bool settled = core.finished() && !touring && core.state().screen != Screen::kVerdict &&
                       (core.state().screen != Screen::kDashboard || core.state().stats) &&
                       (!shots.enabled() || shots.taken(key));
        if (options.quitWhenDone && (settled || core.state().screen == Screen::kFailed) &&
            (core.state().screen != Screen::kFailed || shots.taken("failed") || !shots.enabled())) {
            glfwSetWindowShouldClose(window.get(), GLFW_TRUE);
        }
    }
    core.stop();
    Screen last = core.state().screen;
    return last == Screen::kFailed || last == Screen::kDamaged ? exit_code::kFailure
                                                               : exit_code::kOk;
}

}  // namespace admit::kiosk::app

# Every dependency comes from a Debian bookworm package (scripts/install-deps.sh).
# They are linked through imported targets so their headers are system headers.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(SQLiteCpp REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CURL REQUIRED)
find_package(OpenSSL 3 REQUIRED)  # admit-server's optional TLS (through Asio's ssl::stream)
find_package(ZXing 1.4 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(Boost 1.74 REQUIRED CONFIG)  # header-only: Asio and Beast for the sync server
find_package(date REQUIRED CONFIG)  # date::date-tz: event days in the event's time zone (system tzdb)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
pkg_check_modules(STB REQUIRED IMPORTED_TARGET stb)  # stb_image_write for QR PNGs

if(ADMIT_BUILD_KIOSK)
  find_package(glfw3 3.3 REQUIRED)
  find_package(OpenGL REQUIRED)
  find_package(OpenCV 4 REQUIRED COMPONENTS core imgproc imgcodecs videoio)
  pkg_check_modules(IMGUI REQUIRED IMPORTED_TARGET imgui)
  pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)  # sd_notify: ready, watchdog
  # OpenCV's config exports plain targets with ordinary include dirs; wrap them so they are
  # system includes (OpenCV 4.6 headers warn under C++20).
  add_library(admit_opencv INTERFACE)
  target_include_directories(admit_opencv SYSTEM INTERFACE ${OpenCV_INCLUDE_DIRS})
  target_link_libraries(admit_opencv INTERFACE ${OpenCV_LIBS})
endif()

if(ADMIT_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
if(ADMIT_BUILD_BENCH)
  find_package(benchmark REQUIRED)
  pkg_check_modules(ZBAR IMPORTED_TARGET zbar)
endif()

# Warnings are errors for our own code. Third-party headers come in through imported
# targets, so they are system headers and their warnings do not count.
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
  set(CMAKE_C_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()

add_library(admit_warnings INTERFACE)
target_compile_options(admit_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Werror -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Woverloaded-virtual -Wconversion -Wsign-conversion -Wnull-dereference
  -Wformat=2 -Wimplicit-fallthrough)

# Optimised builds (the release preset: what the packages ship and the benchmarks measure) get
# the hardening Debian builds its own packages with (dpkg-buildflags with hardening=+all):
# stack protector and stack clash protection, control-flow protection, fortified libc calls,
# full RELRO with immediate binding. PIE is already GCC's default on Debian.
if(NOT CMAKE_BUILD_TYPE STREQUAL "Debug" AND NOT ADMIT_SANITIZE AND NOT ADMIT_BUILD_FUZZ)
  add_compile_options(-fstack-protector-strong -fstack-clash-protection -fcf-protection)
  add_compile_definitions(_FORTIFY_SOURCE=2)
  add_link_options(LINKER:-z,relro LINKER:-z,now)
endif()

if(ADMIT_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()

# Declares a static library of ours: warnings on, public headers from shared/include.
function(admit_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_LIBS;PRIVATE_LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/shared/include)
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_LIBS} PRIVATE admit_warnings ${ARG_PRIVATE_LIBS})
endfunction()

# Declares a GoogleTest binary registered with CTest. TIMEOUT (seconds, default 600) applies to
# each of its tests.
function(admit_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} admit_warnings GTest::gtest GTest::gtest_main GTest::gmock)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
  target_compile_definitions(${name} PRIVATE
    ADMIT_TESTDATA_DIR="${PROJECT_SOURCE_DIR}/../shared/testdata"
    ADMIT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT ${ARG_TIMEOUT})
endfunction()

# The commit this build is made from, for --version (admit/base/version.hpp), and its date for
# the packages' changelog. Read from git when CMake configures, never over the network;
# "-modified" when tracked files differed from that commit. Outside a git checkout (a source
# tarball) the commit is "unknown" and the date the configure time, unless given:
#   cmake -DADMIT_GIT_COMMIT=<hash> -DADMIT_GIT_DATE="Mon, 30 Nov 2026 12:57:34 +0000" ...
string(TIMESTAMP ADMIT_COMMIT_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
if(ADMIT_GIT_DATE)
  set(ADMIT_COMMIT_DATE "${ADMIT_GIT_DATE}")
endif()
if(ADMIT_GIT_COMMIT)
  set(ADMIT_COMMIT "${ADMIT_GIT_COMMIT}")
else()
  set(ADMIT_COMMIT "unknown")
  find_package(Git QUIET)
  if(GIT_FOUND)
    execute_process(
      COMMAND ${GIT_EXECUTABLE} rev-parse --short=12 HEAD
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
      OUTPUT_VARIABLE head OUTPUT_STRIP_TRAILING_WHITESPACE
      RESULT_VARIABLE head_failed ERROR_QUIET)
    if(NOT head_failed AND head)
      set(ADMIT_COMMIT "${head}")
      if(NOT ADMIT_GIT_DATE)
        execute_process(
          COMMAND ${GIT_EXECUTABLE} log -1 --format=%aD HEAD
          WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
          OUTPUT_VARIABLE ADMIT_COMMIT_DATE OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
      endif()
      execute_process(
        COMMAND ${GIT_EXECUTABLE} status --porcelain --untracked-files=no
        WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
        OUTPUT_VARIABLE changes OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
      if(changes)
        string(APPEND ADMIT_COMMIT "-modified")
      endif()
    endif()
  endif()
endif()
message(STATUS "Admit ${PROJECT_VERSION}, commit ${ADMIT_COMMIT}")

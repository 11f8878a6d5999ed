# Writes OUTPUT (a header defining TOLLGATE_COMMIT, the checkout's HEAD, or "unknown" outside a git
# checkout) at every build; the file changes, and dependents rebuild, only when the commit does.
# Run as: cmake -DSOURCE_DIR=... -DOUTPUT=... -P BuildInfo.cmake
cmake_minimum_required(VERSION 3.25)
execute_process(COMMAND git -C "${SOURCE_DIR}" rev-parse HEAD
                OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE status)
if(NOT status EQUAL 0 OR commit STREQUAL "")
  set(commit "unknown")
endif()
file(CONFIGURE OUTPUT "${OUTPUT}" CONTENT "#pragma once\n#define TOLLGATE_COMMIT \"@commit@\"\n" @ONLY)

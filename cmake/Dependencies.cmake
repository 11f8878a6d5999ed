# All dependencies come from Debian's packages (scripts/install-deps.sh installs them).
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBGIT2 REQUIRED IMPORTED_TARGET libgit2)
pkg_check_modules(GPGME REQUIRED IMPORTED_TARGET gpgme)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
pkg_check_modules(SECCOMP REQUIRED IMPORTED_TARGET libseccomp)
pkg_check_modules(RNP REQUIRED IMPORTED_TARGET librnp)
find_package(yaml-cpp REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(fmt REQUIRED)
find_package(Threads REQUIRED)

add_library(tollgate_deps INTERFACE)
target_link_libraries(tollgate_deps INTERFACE
  PkgConfig::GPGME PkgConfig::RE2 PkgConfig::SECCOMP
  yaml-cpp CLI11::CLI11 nlohmann_json::nlohmann_json fmt::fmt Threads::Threads ${CMAKE_DL_LIBS})
# libgit2: its headers only. src/git/libgit2.cpp loads it on first use (dlopen), by the soname of
# the library the headers belong to, read from it here: with mbedTLS, libssh2 and OpenSSL's libcrypto,
# Kerberos and the rest it brings, loading it cost every command about 7.7 ms, and `--version`,
# `completion`, `policy` and `sandbox` never open a repository.
target_include_directories(tollgate_deps SYSTEM INTERFACE ${LIBGIT2_INCLUDE_DIRS})
find_library(LIBGIT2_LIBRARY_FILE NAMES git2 HINTS ${LIBGIT2_LIBRARY_DIRS} REQUIRED)
find_program(OBJDUMP_PROGRAM NAMES objdump REQUIRED)
execute_process(COMMAND ${OBJDUMP_PROGRAM} -p ${LIBGIT2_LIBRARY_FILE} OUTPUT_VARIABLE libgit2_headers
                COMMAND_ERROR_IS_FATAL ANY)
if(NOT libgit2_headers MATCHES "SONAME[ \t]+([^ \t\r\n]+)")
  message(FATAL_ERROR "no SONAME in ${LIBGIT2_LIBRARY_FILE}")
endif()
set(TOLLGATE_LIBGIT2_SONAME "${CMAKE_MATCH_1}" CACHE INTERNAL "libgit2's soname, loaded at run time")
target_compile_definitions(tollgate_deps INTERFACE TOLLGATE_LIBGIT2_SONAME="${TOLLGATE_LIBGIT2_SONAME}")
# RNP: its headers only. src/openpgp loads librnp.so.0 on first use (dlopen): it brings Botan and ten
# other libraries, whose loading every command would pay, and most never verify a signature.
target_include_directories(tollgate_deps SYSTEM INTERFACE ${RNP_INCLUDE_DIRS})
# kainjow mustache is a single header in /usr/include/kainjow.
# SHA-256 for cache keys: mbedtls, which libgit2 itself uses on Debian (libgit2-dev depends on it).
find_library(MBEDCRYPTO_LIBRARY mbedcrypto REQUIRED)
# X.509 certificates for the Rego crypto.x509.* and io.jwt.* built-ins.
find_library(MBEDX509_LIBRARY mbedx509 REQUIRED)
find_path(MBEDTLS_INCLUDE mbedtls/sha256.h REQUIRED)
target_link_libraries(tollgate_deps INTERFACE ${MBEDX509_LIBRARY} ${MBEDCRYPTO_LIBRARY})
target_include_directories(tollgate_deps SYSTEM INTERFACE ${MBEDTLS_INCLUDE})
find_path(KAINJOW_MUSTACHE_INCLUDE kainjow/mustache.hpp REQUIRED)
target_include_directories(tollgate_deps SYSTEM INTERFACE ${KAINJOW_MUSTACHE_INCLUDE})

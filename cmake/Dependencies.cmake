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
  PkgConfig::LIBGIT2 PkgConfig::GPGME PkgConfig::RE2 PkgConfig::SECCOMP
  yaml-cpp CLI11::CLI11 nlohmann_json::nlohmann_json fmt::fmt Threads::Threads ${CMAKE_DL_LIBS})
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

#pragma once
// RAII over RNP's handles, and loading armored keys into an RNP context; shared by keys.cpp and
// verify.cpp. Knows nothing of tollgate.

#include "openpgp/keys.hpp"
#include "util/expected.hpp"

#include <rnp/rnp.h>

#include <bit>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

namespace tollgate::openpgp::ffi {

// librnp is loaded on first use (dlopen), not when tollgate starts: with Botan and the ten other
// libraries it brings, loading it costs every command several milliseconds, and most commands never
// verify a signature. `TOLLGATE_RNP(rnp_x)` is RNP's function rnp_x, resolved once per call site; only
// after rnp_loaded() succeeded (create() checks it: no context, no other call).
Result<void> rnp_loaded();                       // loads librnp.so.0 the first time; the error says why it cannot
[[nodiscard]] std::jthread load_in_background(); // rnp_loaded() on a thread of its own
void* rnp_symbol(const char* name);
#define TOLLGATE_RNP(name)                                                                                             \
  ([]() noexcept {                                                                                                     \
    static const auto resolved = std::bit_cast<decltype(&::name)>(::tollgate::openpgp::ffi::rnp_symbol(#name));        \
    return resolved;                                                                                                   \
  }())

struct FfiDeleter {
  void operator()(rnp_ffi_t ffi) const; // under QuietStderr's lock
};
struct InputDeleter {
  void operator()(rnp_input_t input) const { TOLLGATE_RNP(rnp_input_destroy)(input); }
};
struct KeyDeleter {
  void operator()(rnp_key_handle_t key) const { TOLLGATE_RNP(rnp_key_handle_destroy)(key); }
};
struct IteratorDeleter {
  void operator()(rnp_identifier_iterator_t it) const { TOLLGATE_RNP(rnp_identifier_iterator_destroy)(it); }
};
struct VerifyDeleter {
  void operator()(rnp_op_verify_t op) const { TOLLGATE_RNP(rnp_op_verify_destroy)(op); }
};
struct SignatureDeleter {
  void operator()(rnp_signature_handle_t sig) const { TOLLGATE_RNP(rnp_signature_handle_destroy)(sig); }
};
using Ffi = std::unique_ptr<std::remove_pointer_t<rnp_ffi_t>, FfiDeleter>;
using Input = std::unique_ptr<std::remove_pointer_t<rnp_input_t>, InputDeleter>;
using Key = std::unique_ptr<std::remove_pointer_t<rnp_key_handle_t>, KeyDeleter>;
using Iterator = std::unique_ptr<std::remove_pointer_t<rnp_identifier_iterator_t>, IteratorDeleter>;
using Verify = std::unique_ptr<std::remove_pointer_t<rnp_op_verify_t>, VerifyDeleter>;
using Signature = std::unique_ptr<std::remove_pointer_t<rnp_signature_handle_t>, SignatureDeleter>;

// RNP's library (Debian builds it with its debug log always on) prints what it finds wrong with a
// key or a signature to `stderr`, the C stream, not to a context's log descriptor. While one of
// these lives, `stderr` (the FILE pointer, which glibc lets a program set; not descriptor 2, which
// processes started meanwhile inherit) points at /dev/null: a forged approval or a junk key file is
// a verdict, not noise on the terminal. Output another thread writes to `stderr` in that window
// (microseconds) is lost. It also holds the process-wide lock of RNP work (recursive: nested ones in
// a thread share the swap): threads that verify at once (checks run in parallel) take turns.
class QuietStderr {
public:
  QuietStderr();
  ~QuietStderr();
  QuietStderr(const QuietStderr&) = delete;
  QuietStderr& operator=(const QuietStderr&) = delete;
};

// A string RNP allocated, freed with rnp_buffer_destroy ("" for null).
std::string take(char* buffer);
// What a boolean query of RNP says about `key` (false when the query fails).
bool flag(rnp_result_t (*query)(rnp_key_handle_t, bool*), rnp_key_handle_t key);
// `text` in upper case (RNP prints hex in upper case already; gpg and users may not).
std::string upper(std::string_view text);

// A new, empty context for OpenPGP (GPG) keyrings; an error when RNP cannot start.
Result<Ffi> create();
// An input over `data`, which must outlive it (RNP does not copy).
Result<Input> input_over(std::string_view data);
// Imports the public keys of `data` (armored or binary; several keys, and standalone signatures
// such as revocation certificates, may follow each other) into `ffi`. An error for data that holds
// something else.
Result<void> import_key_data(rnp_ffi_t ffi, std::string_view data);

// Every primary key in `ffi`, described (under QuietStderr).
std::vector<PublicKey> primary_keys_of(rnp_ffi_t ffi);

} // namespace tollgate::openpgp::ffi

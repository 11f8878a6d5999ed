#include "openpgp/ffi.hpp"

#include "util/base64.hpp"
#include "util/shared_library.hpp"

#include <rnp/rnp_err.h>

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace tollgate::openpgp::ffi {

namespace {

const util::SharedLibrary& library()
{
  static const util::SharedLibrary loaded = util::SharedLibrary::load("librnp.so.0");
  return loaded;
}

} // namespace

Result<void> rnp_loaded()
{
  if (library().handle == nullptr) {
    return fail(fmt::format("cannot load RNP, the OpenPGP library ({}): install librnp0", library().error.data()));
  }
  return {};
}

std::jthread load_in_background()
{
  return std::jthread([] { (void)library(); });
}

void* rnp_symbol(const char* name)
{
  void* symbol = library().symbol(name);
  if (symbol == nullptr) { // a librnp without a function this build calls: nothing sensible can go on
    std::fprintf(stderr, "tollgate: error: librnp.so.0 lacks %s\n", name);
    std::_Exit(3);
  }
  return symbol;
}

namespace {

// The armored blocks of `data` (each BEGIN .. END line), or all of it when it holds none (binary).
std::vector<std::string_view> blocks_of(std::string_view data)
{
  std::vector<std::string_view> blocks;
  constexpr std::string_view k_begin = "-----BEGIN PGP ";
  constexpr std::string_view k_end = "-----END PGP ";
  for (std::size_t at = data.find(k_begin); at != std::string_view::npos; at = data.find(k_begin, at)) {
    const std::size_t end = data.find(k_end, at);
    if (end == std::string_view::npos) {
      blocks.push_back(data.substr(at));
      break;
    }
    const std::size_t line_end = std::min(data.find('\n', end), data.size());
    blocks.push_back(data.substr(at, line_end - at));
    at = line_end;
  }
  if (blocks.empty() && !data.empty()) {
    blocks.push_back(data);
  }
  return blocks;
}

// The tag of the first packet of the armored `block` (RFC 9580 §4.2, §6.2), from the first base64
// quartet after the armor headers; nullopt when it cannot be read that way.
std::optional<int> first_packet_tag(std::string_view block)
{
  std::size_t at = block.find('\n'); // past the BEGIN line
  // Armor headers (`Key: Value`) up to the blank line; the body follows.
  while (at != std::string_view::npos) {
    const std::size_t start = at + 1;
    at = block.find('\n', start);
    std::string_view line = block.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start);
    line = line.substr(0, line.find_last_not_of(" \t\r") + 1);
    if (line.empty()) {
      break;
    }
    if (line.find(':') == std::string_view::npos) {
      return std::nullopt; // not a header and no blank line before it: leave it to RNP
    }
  }
  if (at == std::string_view::npos || block.size() < at + 5) {
    return std::nullopt;
  }
  auto head = util::base64_decode(block.substr(at + 1, 4));
  if (!head || head->empty()) {
    return std::nullopt;
  }
  const auto first = static_cast<unsigned char>(head->front());
  if ((first & 0x80U) == 0) {
    return std::nullopt; // not a packet header
  }
  return (first & 0x40U) != 0 ? static_cast<int>(first & 0x3FU) : static_cast<int>((first >> 2U) & 0x0FU);
}

// What `block` holds ("public key", "signature", ...; "" when it cannot tell). For a block armored
// as a public key or a signature, its first packet says (a key begins with its public-key packet, tag 6; gpg's
// revocation certificates are a lone signature, tag 2, under a PUBLIC KEY BLOCK header); RNP's importer then holds the
// block to it. Otherwise RNP guesses, which only peeks, so that data it cannot take is refused without its parser
// complaining on stderr. RNP's guess de-armors and checks the whole block (80 us a key here): a keyring of 100 keys
// paid it 100 times.
std::string guess(std::string_view block)
{
  constexpr int k_signature_packet = 2;
  constexpr int k_public_key_packet = 6;
  if (block.starts_with("-----BEGIN PGP PUBLIC KEY BLOCK-----") || block.starts_with("-----BEGIN PGP SIGNATURE-----")) {
    if (const std::optional<int> tag = first_packet_tag(block)) {
      if (*tag == k_public_key_packet) {
        return "public key";
      }
      return *tag == k_signature_packet ? "signature" : "";
    }
  }
  auto input = input_over(block);
  if (!input) {
    return "";
  }
  char* guessed = nullptr;
  if (TOLLGATE_RNP(rnp_guess_contents)(input->get(), &guessed) != RNP_SUCCESS) {
    TOLLGATE_RNP(rnp_buffer_destroy)(guessed);
    return "";
  }
  return take(guessed);
}

bool import_block(rnp_ffi_t ffi, std::string_view block, bool signature)
{
  auto input = input_over(block);
  if (!input) {
    return false;
  }
  char* results = nullptr;
  const rnp_result_t imported =
      signature ? TOLLGATE_RNP(rnp_import_signatures)(ffi, input->get(), 0, &results)
                : TOLLGATE_RNP(rnp_import_keys)(ffi, input->get(), RNP_LOAD_SAVE_PUBLIC_KEYS, &results);
  TOLLGATE_RNP(rnp_buffer_destroy)(results);
  return imported == RNP_SUCCESS;
}

} // namespace

namespace {

// Shared by every QuietStderr of the process. RNP is not safe to call from several threads at once
// around `stderr`: a context created while `stderr` is swapped keeps the swapped stream as its log,
// and rnp_ffi_destroy/rnp_ffi_set_log_fd fclose a context's log whenever it is not the `stderr` of
// that moment, which closed the shared /dev/null stream (or the real stderr) under another thread.
// So one thread at a time works with RNP: the lock is held from the first QuietStderr of a thread
// to its last, and the /dev/null stream is never closed.
struct QuietState {
  std::recursive_mutex lock;
  int depth = 0; // nesting within the thread that holds the lock
  FILE* saved = nullptr;
  FILE* null = std::fopen("/dev/null", "we");
};

QuietState& quiet_state()
{
  static auto& state = *new QuietState(); // never destroyed: a thread may still be quiet at exit
  return state;
}

} // namespace

QuietStderr::QuietStderr()
{
  QuietState& state = quiet_state();
  state.lock.lock();
  if (state.depth++ == 0 && state.null != nullptr) {
    state.saved = stderr;
    stderr = state.null;
  }
}

QuietStderr::~QuietStderr()
{
  QuietState& state = quiet_state();
  if (--state.depth == 0 && state.saved != nullptr) {
    stderr = state.saved;
    state.saved = nullptr;
  }
  state.lock.unlock();
}

void FfiDeleter::operator()(rnp_ffi_t ffi) const
{
  const QuietStderr quiet; // its log is its own stream (create): closing it touches nothing shared
  TOLLGATE_RNP(rnp_ffi_destroy)(ffi);
}

std::string take(char* buffer)
{
  std::string text = buffer != nullptr ? buffer : "";
  TOLLGATE_RNP(rnp_buffer_destroy)(buffer);
  return text;
}

bool flag(rnp_result_t (*query)(rnp_key_handle_t, bool*), rnp_key_handle_t key)
{
  bool value = false;
  return query(key, &value) == RNP_SUCCESS && value;
}

std::string upper(std::string_view text)
{
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

Result<Ffi> create()
{
  // Created quiet, the context's log is the swapped `stderr`; it gets a /dev/null stream of its own
  // before the swap ends, so that no later fclose of "its" log can reach a shared stream.
  if (auto loaded = rnp_loaded(); !loaded) {
    return std::unexpected(loaded.error());
  }
  const QuietStderr quiet;
  rnp_ffi_t raw = nullptr;
  if (TOLLGATE_RNP(rnp_ffi_create)(&raw, "GPG", "GPG") != RNP_SUCCESS) {
    return fail("cannot start RNP");
  }
  const int log = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (log < 0 || TOLLGATE_RNP(rnp_ffi_set_log_fd)(raw, log) != RNP_SUCCESS) { // RNP owns `log` once set
    if (log >= 0) {
      ::close(log);
    }
    TOLLGATE_RNP(rnp_ffi_destroy)(raw); // its log is still the swapped `stderr`, which it leaves open
    return fail("cannot start RNP: no log stream");
  }
  return Ffi(raw);
}

Result<Input> input_over(std::string_view data)
{
  rnp_input_t raw = nullptr;
  if (TOLLGATE_RNP(rnp_input_from_memory)(&raw, reinterpret_cast<const std::uint8_t*>(data.data()), data.size(),
                                          false) != RNP_SUCCESS) {
    return fail("cannot read the OpenPGP data");
  }
  return Input(raw);
}

Result<void> import_key_data(rnp_ffi_t ffi, std::string_view data)
{
  // Keys first, then the signatures over them (a revocation may come before its key in a file).
  std::vector<std::string_view> signatures;
  for (const std::string_view block : blocks_of(data)) {
    const std::string contents = guess(block);
    if (contents == "signature") {
      signatures.push_back(block);
    } else if (contents != "public key" || !import_block(ffi, block, false)) {
      return fail("not an OpenPGP public key");
    }
  }
  for (const std::string_view block : signatures) {
    if (!import_block(ffi, block, true)) {
      return fail("holds a signature OpenPGP cannot read");
    }
  }
  return {};
}

} // namespace tollgate::openpgp::ffi

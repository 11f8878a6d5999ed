// Network-isolation backends (DESIGN.md §7): firejail --net=none (the runbook's choice), else
// bubblewrap --unshare-net, else unshare(CLONE_NEWNET) done in the command child. A backend counts
// as working only if a probe command run through it really sits in another network namespace, so a
// wrapper that degrades silently (firejail nested in a sandbox warns and runs without one) is
// never trusted.
#include "proc/backends.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>

namespace tollgate::proc {

std::string_view to_string(Backend backend)
{
  switch (backend) {
  case Backend::automatic:
    return "auto";
  case Backend::firejail:
    return "firejail";
  case Backend::bwrap:
    return "bwrap";
  case Backend::unshare:
    return "unshare";
  case Backend::none:
    return "none";
  }
  return "none";
}

std::optional<Backend> parse_backend(std::string_view name)
{
  for (const Backend backend : {Backend::automatic, Backend::firejail, Backend::bwrap, Backend::unshare}) {
    if (name == to_string(backend)) {
      return backend;
    }
  }
  return std::nullopt;
}

Result<Backend> resolve_backend(Backend requested)
{
  auto isolation = detail::resolve_isolation(requested);
  if (!isolation) {
    return std::unexpected(isolation.error());
  }
  return isolation->backend;
}

namespace detail {

namespace {

constexpr std::array k_order{Backend::firejail, Backend::bwrap, Backend::unshare};

struct Probe {
  bool works = false;
  std::string wrapper;
  std::string reason; // why it does not work
};

// "net:[4026531840]", or empty when it cannot be read.
std::string own_network_namespace()
{
  std::error_code error;
  return std::filesystem::read_symlink("/proc/self/ns/net", error).string();
}

// A temporary file that captures the probe's output; removed on destruction.
class TempFile {
public:
  TempFile()
  {
    std::error_code error;
    std::string pattern = (std::filesystem::temp_directory_path(error) / "tollgate-probe-XXXXXX").string();
    const int fd = mkstemp(pattern.data());
    if (fd >= 0) {
      close(fd);
      m_path = pattern;
    }
  }
  ~TempFile()
  {
    if (!m_path.empty()) {
      unlink(m_path.c_str());
    }
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return m_path; }

private:
  std::string m_path;
};

// What a failed probe said: its first "Error..." line, else its last line.
std::string complaint(const std::string& path)
{
  std::ifstream in(path);
  std::string line;
  std::string last;
  while (std::getline(in, line)) {
    if (line.starts_with("Error") || line.starts_with("bwrap:")) {
      return line;
    }
    if (!line.empty()) {
      last = line;
    }
  }
  return last;
}

Probe probe(Backend backend)
{
  Isolation isolation{backend, {}};
  if (backend != Backend::unshare) {
    auto path = find_program(to_string(backend));
    if (!path) {
      return {false, {}, "not installed"};
    }
    isolation.wrapper = *path;
  }
  Command command;
  const std::string outside = own_network_namespace();
  if (outside.empty()) {
    command.argv = {"true"};
  } else {
    command.argv = {"sh", "-c", R"sh(test "$(readlink /proc/self/ns/net)" != "$1")sh", "sh", outside};
  }
  // The probe must not fail for want of `sh` or `readlink` on an unusual PATH.
  const char* path = std::getenv("PATH"); // NOLINT(concurrency-mt-unsafe): read-only use
  command.env_set = {{"PATH", std::string(path != nullptr ? path : "") + ":/usr/local/bin:/usr/bin:/bin"}};
  const TempFile output;
  command.output_path = output.path();
  Limits limits;
  limits.timeout = std::chrono::seconds(10);
  limits.kill_grace = std::chrono::milliseconds(500);
  limits.network = Network::none;
  limits.backend = backend;
  auto outcome = run_isolated(command, limits, isolation, nullptr);
  if (!outcome) {
    std::string reason = outcome.error().message;
    constexpr std::string_view k_prefix = "network isolation failed: ";
    return {false, {}, reason.starts_with(k_prefix) ? reason.substr(k_prefix.size()) : reason};
  }
  if (outcome->ended == Ended::exited && outcome->exit_code == 0) {
    return {true, isolation.wrapper, {}};
  }
  const std::string said = output.path().empty() ? std::string() : complaint(output.path());
  if (said.empty() && outcome->ended == Ended::exited && outcome->exit_code == 1) {
    return {false, {}, "the probe still saw the host network"};
  }
  return {false, {}, said.empty() ? "probe " + outcome->describe() : said + " (probe " + outcome->describe() + ")"};
}

std::mutex g_mutex;
std::array<std::optional<Probe>, k_order.size()> g_probes;

// The cached probe of `backend`; `g_mutex` must be held.
const Probe& probed(Backend backend)
{
  std::size_t index = 0;
  while (k_order.at(index) != backend) {
    ++index;
  }
  auto& slot = g_probes.at(index);
  if (!slot) {
    slot = probe(backend);
  }
  return *slot;
}

} // namespace

Result<Isolation> resolve_isolation(Backend requested)
{
  if (requested == Backend::none) {
    return fail("network isolation requested with backend `none`");
  }
  const std::scoped_lock lock(g_mutex);
  if (requested != Backend::automatic) {
    const Probe& result = probed(requested);
    if (!result.works) {
      return fail("network isolation with " + std::string(to_string(requested)) +
                  " is not available: " + result.reason);
    }
    return Isolation{requested, result.wrapper};
  }
  std::string reasons;
  for (const Backend backend : k_order) {
    const Probe& result = probed(backend);
    if (result.works) {
      return Isolation{backend, result.wrapper};
    }
    reasons += (reasons.empty() ? "" : "; ") + std::string(to_string(backend)) + ": " + result.reason;
  }
  return fail("no network isolation available (" + reasons + ")");
}

std::vector<std::string> wrapper_argv(const Isolation& isolation)
{
  switch (isolation.backend) {
  case Backend::firejail:
    // --noprofile: only the network is isolated; firejail's default profile would also hide and
    // restrict parts of the file system, which breaks the caches of the tools a check runs.
    return {isolation.wrapper, "--quiet", "--noprofile", "--net=none", "--"};
  case Backend::bwrap:
    // The whole file system as it is, devices included; only the network namespace is new.
    return {isolation.wrapper, "--dev-bind", "/", "/", "--unshare-net", "--die-with-parent", "--"};
  case Backend::automatic:
  case Backend::unshare:
  case Backend::none:
    break;
  }
  return {};
}

} // namespace detail

} // namespace tollgate::proc

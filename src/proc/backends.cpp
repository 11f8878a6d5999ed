// Confinement backends (DESIGN.md §7.2): namespaces (in-process, confine.cpp), bubblewrap, firejail;
// without confinement, only network isolation. A backend counts as working only if a probe command
// run through it really sits in other namespaces without capabilities, with no_new_privs and a
// seccomp filter, so a wrapper that degrades silently (firejail nested in a sandbox warns and runs
// without one) is never trusted.
#include "proc/backends.hpp"

#include "proc/supervisor.hpp"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
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
  case Backend::namespaces:
    return "namespaces";
  case Backend::bwrap:
    return "bwrap";
  case Backend::firejail:
    return "firejail";
  case Backend::none:
    return "none";
  }
  return "none";
}

std::optional<Backend> parse_backend(std::string_view name)
{
  if (name == "unshare") {
    return Backend::namespaces;
  }
  for (const Backend backend : {Backend::automatic, Backend::namespaces, Backend::bwrap, Backend::firejail}) {
    if (name == to_string(backend)) {
      return backend;
    }
  }
  return std::nullopt;
}

Result<Backend> resolve_backend(Backend requested, bool confine)
{
  auto isolation = detail::resolve_isolation(requested, confine);
  if (!isolation) {
    return std::unexpected(isolation.error());
  }
  return isolation->backend;
}

namespace detail {

namespace {

// Fastest and strongest first: namespaces need no helper and give an unprivileged uid; firejail,
// refused to unprivileged users where it is not configured for them, runs the command as uid 0
// without capabilities.
constexpr std::array k_order{Backend::namespaces, Backend::bwrap, Backend::firejail};

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

// The probe's script: confined, it must sit in other user, PID, mount and network namespaces, as a
// non-root uid without capabilities, with no_new_privs and a seccomp filter; only the network
// otherwise. Shell builtins but one `ls`: every program it started cost a millisecond or more of
// every command's start (it had six); -n: no user or group name lookups.
constexpr const char* k_probe_network = R"sh(case "$(ls -ln /proc/self/ns/)" in *" -> $1"*) exit 1 ;; esac)sh";
constexpr const char* k_probe_confined = R"sh(
links=$(ls -ln /proc/self/ns/) && test -n "$links" || exit 10
case "$links" in *" -> $1"*) test "$5" = allow || exit 11 ;; esac
case "$links" in *" -> $2"*) exit 12 ;; esac
case "$links" in *" -> $3"*) exit 13 ;; esac
caps=x nnp= filter=
while IFS= read -r line; do
  case "$line" in
  CapEff:*) caps=${line#CapEff:} ;;
  NoNewPrivs:*) nnp=${line#NoNewPrivs:} ;;
  Seccomp:*) filter=${line#Seccomp:} ;;
  esac
done </proc/self/status
case "$caps" in *[!0[:space:]]*) exit 14 ;; esac
case "$nnp" in *1*) ;; *) exit 15 ;; esac
case "$filter" in *2*) ;; *) exit 16 ;; esac
test ! -e "$4" || exit 17
exit 0)sh";

std::string probe_failure(int code)
{
  switch (code) {
  case 11:
    return "the probe still saw the host network";
  case 12:
    return "no PID namespace";
  case 13:
    return "no mount namespace";
  case 14:
    return "the probe kept capabilities";
  case 15:
    return "no no_new_privs";
  case 16:
    return "no seccomp filter";
  case 10:
    return "the probe could not list its namespaces";
  case 17:
    return "the probe could see a hidden path";
  default:
    return {};
  }
}

std::string ns_link(const char* name)
{
  std::error_code error;
  return std::filesystem::read_symlink(std::string("/proc/self/ns/") + name, error).string();
}

Probe probe(Backend backend, bool confine)
{
  Isolation isolation{backend, {}, confine};
  if (backend != Backend::namespaces) {
    auto path = find_program(to_string(backend));
    if (!path) {
      return {false, {}, "not installed"};
    }
    isolation.wrapper = *path;
  }
  Command command;
  const std::string outside = own_network_namespace();
  // A path that must be hidden: the probe's own scratch directory under /tmp.
  const TempFile output;
  if (confine) {
    command.argv = {"sh", "-c", k_probe_confined, "sh", outside, ns_link("pid"), ns_link("mnt"), output.path(), "none"};
  } else if (outside.empty()) {
    command.argv = {"true"};
  } else {
    command.argv = {"sh", "-c", k_probe_network, "sh", outside};
  }
  // The probe must not fail for want of `sh` or `ls` on an unusual PATH.
  const char* path = std::getenv("PATH"); // NOLINT(concurrency-mt-unsafe): read-only use
  command.env_set = {{"PATH", std::string(path != nullptr ? path : "") + ":/usr/local/bin:/usr/bin:/bin"}};
  command.output_path = output.path();
  command.cwd = "/";
  Limits limits;
  limits.timeout = std::chrono::seconds(10);
  limits.kill_grace = std::chrono::milliseconds(500);
  limits.network = Network::none;
  limits.backend = backend;
  limits.confine = confine;
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
  if (outcome->ended == Ended::exited) {
    if (std::string known = probe_failure(outcome->exit_code); !known.empty()) {
      return {false, {}, known};
    }
    if (said.empty() && outcome->exit_code == 1) {
      return {false, {}, "the probe still saw the host network"};
    }
  }
  return {false, {}, said.empty() ? "probe " + outcome->describe() : said + " (probe " + outcome->describe() + ")"};
}

std::mutex g_mutex;
std::array<std::optional<Probe>, k_order.size() * 2> g_probes;

// The cached probe of `backend`; `g_mutex` must be held.
const Probe& probed(Backend backend, bool confine)
{
  std::size_t index = 0;
  while (k_order.at(index) != backend) {
    ++index;
  }
  auto& slot = g_probes.at(index * 2 + (confine ? 1 : 0));
  if (!slot) {
    slot = probe(backend, confine);
  }
  return *slot;
}

} // namespace

Result<Isolation> resolve_isolation(Backend requested, bool confine)
{
  if (requested == Backend::none) {
    return fail("network isolation requested with backend `none`");
  }
  const std::string what = confine ? "confinement" : "network isolation";
  const std::scoped_lock lock(g_mutex);
  if (requested != Backend::automatic) {
    const Probe& result = probed(requested, confine);
    if (!result.works) {
      return fail(what + " with " + std::string(to_string(requested)) + " is not available: " + result.reason);
    }
    return Isolation{requested, result.wrapper, confine};
  }
  std::string reasons;
  for (const Backend backend : k_order) {
    const Probe& result = probed(backend, confine);
    if (result.works) {
      return Isolation{backend, result.wrapper, confine};
    }
    reasons += (reasons.empty() ? "" : "; ") + std::string(to_string(backend)) + ": " + result.reason;
  }
  return fail("no " + what + " available (" + reasons + ")");
}

namespace {

std::vector<std::string> bwrap_confined(const Isolation& isolation, const ConfinePlan& plan, const Command& command,
                                        const Limits& limits)
{
  std::vector<std::string> argv = {isolation.wrapper, "--unshare-user", "--unshare-ipc",
                                   "--unshare-pid",   "--unshare-uts",  "--unshare-cgroup-try"};
  if (limits.network == Network::none) {
    argv.emplace_back("--unshare-net");
  }
  const std::string id = std::to_string(k_inside_id);
  argv.insert(argv.end(), {"--die-with-parent", "--new-session", "--uid", id, "--gid", id, "--hostname",
                           "tollgate-sandbox", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"});
  // The writable scratch as in the namespaces backend: sticky, capped at the memory limit (bwrap
  // has no inode cap); every other mask and /dev read-only once what is inside them is in place.
  const auto scratch = [&](const std::string& path) {
    if (plan.scratch_bytes > 0) {
      argv.insert(argv.end(), {"--size", std::to_string(plan.scratch_bytes)});
    }
    argv.insert(argv.end(), {"--perms", "01777", "--tmpfs", path});
  };
  scratch("/dev/shm");
  for (const auto& mask : plan.masks) {
    if (is_scratch(mask)) {
      scratch(mask);
    } else {
      argv.insert(argv.end(), {"--tmpfs", mask});
    }
  }
  for (const auto& file : plan.mask_files) {
    argv.insert(argv.end(), {"--ro-bind", "/dev/null", file});
  }
  for (const auto& bind : plan.binds) {
    argv.insert(argv.end(), {bind.read_only ? "--ro-bind" : "--bind", bind.path, bind.path});
  }
  argv.insert(argv.end(), {"--dir", plan.home, "--remount-ro", "/dev"});
  for (const auto& mask : plan.masks) {
    if (!is_scratch(mask)) {
      argv.insert(argv.end(), {"--remount-ro", mask});
    }
  }
  argv.insert(argv.end(), {"--cap-drop", "ALL", "--seccomp", std::to_string(k_seccomp_fd)});
  if (!command.cwd.empty()) {
    argv.insert(argv.end(), {"--chdir", command.cwd});
  }
  argv.emplace_back("--");
  return argv;
}

// firejail refuses unprivileged users it is not configured for, so it runs as tollgate's user: the
// command keeps that uid, without capabilities, with no_new_privs, firejail's seccomp filter, a
// private home and /tmp, and only its writable directories writable.
std::vector<std::string> firejail_confined(const Isolation& isolation, const ConfinePlan& plan, const Limits& limits)
{
  std::vector<std::string> argv = {isolation.wrapper, "--quiet",    "--noprofile",     "--private",
                                   "--private-dev",   "--noroot",   "--caps.drop=all", "--nonewprivs",
                                   "--seccomp",       "--nogroups", "--read-only=/"};
  if (limits.network == Network::none) {
    argv.emplace_back("--net=none");
  }
  argv.push_back("--mkdir=" + plan.home);
  if (plan.max_procs > 0) {
    argv.push_back("--rlimit-nproc=" + std::to_string(plan.max_procs));
  }
  for (const auto& bind : plan.binds) {
    if (bind.path.starts_with("/tmp/")) {
      argv.push_back("--whitelist=" + bind.path);
    }
    argv.push_back((bind.read_only ? "--read-only=" : "--read-write=") + bind.path);
  }
  if (std::ranges::none_of(plan.binds, [](const MountBind& bind) { return bind.path.starts_with("/tmp/"); })) {
    argv.emplace_back("--private-tmp");
  }
  argv.emplace_back("--");
  return argv;
}

} // namespace

std::string unreachable_by_identity(const ConfinePlan& plan)
{
  const auto searchable = [&](const struct stat& info) {
    if (info.st_uid == plan.outside_uid) {
      return (info.st_mode & S_IXUSR) != 0;
    }
    if (info.st_gid == plan.outside_gid) {
      return (info.st_mode & S_IXGRP) != 0;
    }
    return (info.st_mode & S_IXOTH) != 0;
  };
  std::vector<const std::string*> paths;
  for (const auto& bind : plan.binds) {
    paths.push_back(&bind.path);
  }
  for (const auto* list : {&plan.masks, &plan.mask_files}) {
    for (const auto& path : *list) {
      paths.push_back(&path);
    }
  }
  for (const std::string* path : paths) {
    // The directories above it, from the root down: bwrap looks the path up in them (the path
    // itself is mounted on or from, never entered: a 0700 home can be masked).
    for (std::size_t end = path->find('/', 1); end != std::string::npos; end = path->find('/', end + 1)) {
      const std::string dir = path->substr(0, end);
      struct stat info {};
      if (::stat(dir.c_str(), &info) == 0 && S_ISDIR(info.st_mode) && !searchable(info)) {
        return fmt::format("`{}` (mode {:04o}, uid {})", dir, info.st_mode & 07777U, info.st_uid);
      }
    }
  }
  return {};
}

std::vector<std::string> wrapper_argv(const Isolation& isolation, const ConfinePlan& plan, const Command& command,
                                      const Limits& limits)
{
  switch (isolation.backend) {
  case Backend::firejail:
    if (isolation.confine) {
      return firejail_confined(isolation, plan, limits);
    }
    // --noprofile: only the network is isolated; firejail's default profile would also hide and
    // restrict parts of the file system, which breaks the caches of the tools a check runs.
    return {isolation.wrapper, "--quiet", "--noprofile", "--net=none", "--"};
  case Backend::bwrap:
    if (isolation.confine) {
      return bwrap_confined(isolation, plan, command, limits);
    }
    // The whole file system as it is, devices included; only the network namespace is new.
    return {isolation.wrapper, "--dev-bind", "/", "/", "--unshare-net", "--die-with-parent", "--"};
  case Backend::automatic:
  case Backend::namespaces:
  case Backend::none:
    break;
  }
  return {};
}

} // namespace detail

} // namespace tollgate::proc

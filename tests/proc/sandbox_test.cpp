// The sandbox against real processes: limits, the whole-tree kill, network isolation through each
// backend that works here, cancellation and start failures.
#include "proc/sandbox.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using tollgate::proc::Backend;
using tollgate::proc::Command;
using tollgate::proc::Ended;
using tollgate::proc::Limits;
using tollgate::proc::Network;
using tollgate::proc::Outcome;

namespace {

// A scratch directory, removed with everything in it.
class TempDir {
public:
  TempDir()
  {
    std::string pattern = (fs::temp_directory_path() / "tollgate-proc-test-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    m_path = pattern;
  }
  ~TempDir()
  {
    std::error_code error;
    fs::remove_all(m_path, error);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return m_path; }
  std::string file(const std::string& name) const { return (m_path / name).string(); }

private:
  fs::path m_path;
};

std::string read_file(const std::string& path)
{
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Command shell(const std::string& script)
{
  Command command;
  command.argv = {"sh", "-c", script};
  return command;
}

// The supervisor's own semantics (limits, tree kill, exit codes), without confinement; the
// confined cases say so, and tests/security attacks every backend.
Limits plain()
{
  Limits limits;
  limits.confine = false;
  return limits;
}

Outcome run_ok(const Command& command, const Limits& limits = plain(), const std::atomic<bool>* cancel = nullptr)
{
  auto outcome = tollgate::proc::run(command, limits, cancel);
  if (!outcome) {
    FAIL("run failed: " << outcome.error().message);
  }
  return *outcome;
}

// "600.123456": a sleep duration no other process on the machine uses.
std::string unique_sleep()
{
  std::random_device device;
  std::uniform_int_distribution<int> digits(100000, 999999);
  return "600." + std::to_string(digits(device));
}

// Processes whose command line contains `marker` as one argument.
int count_processes_with(const std::string& marker)
{
  int count = 0;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    std::string cmdline = read_file((entry.path() / "cmdline").string());
    std::replace(cmdline.begin(), cmdline.end(), '\0', '\n');
    if (("\n" + cmdline).find("\n" + marker + "\n") != std::string::npos) {
      ++count;
    }
  }
  return count;
}

bool process_alive(pid_t pid)
{
  return kill(pid, 0) == 0;
}

// A TCP listener on 127.0.0.1 on an ephemeral port; connections complete without accept().
class Listener {
public:
  Listener()
  {
    m_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(m_fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    REQUIRE(bind(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(listen(m_fd, 16) == 0);
    socklen_t length = sizeof address;
    REQUIRE(getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    m_port = ntohs(address.sin_port);
  }
  ~Listener() { close(m_fd); }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  int port() const { return m_port; }

private:
  int m_fd = -1;
  int m_port = 0;
};

} // namespace

TEST_CASE("exit codes pass through", "[proc]")
{
  const Outcome outcome = run_ok(shell("exit 3"));
  CHECK(outcome.ended == Ended::exited);
  CHECK(outcome.exit_code == 3);
  CHECK(outcome.backend == Backend::none);
  CHECK(outcome.describe() == "exit 3");
  CHECK(run_ok(shell("true")).describe() == "exit 0");
}

TEST_CASE("a fatal signal is reported as 128+n", "[proc]")
{
  const Outcome outcome = run_ok(shell("kill -KILL $$"));
  CHECK(outcome.ended == Ended::signaled);
  CHECK(outcome.signal == SIGKILL);
  CHECK(outcome.exit_code == 137);
  CHECK(outcome.describe() == "killed by SIGKILL");
}

TEST_CASE("stdout and stderr go to the output file", "[proc]")
{
  const TempDir dir;
  Command command = shell("echo out; echo err >&2; cat");
  command.output_path = dir.file("log");
  CHECK(run_ok(command).exit_code == 0);
  CHECK(read_file(command.output_path) == "out\nerr\n"); // and stdin was /dev/null
}

TEST_CASE("stdout_to_stderr sends the child's stdout to our stderr", "[proc]")
{
  const TempDir dir;
  const std::string captured = dir.file("stderr");
  Command command = shell("echo to-stderr");
  command.stdout_to_stderr = true;
  const int saved = dup(2);
  const int file = open(captured.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  REQUIRE(saved >= 0);
  REQUIRE(file >= 0);
  dup2(file, 2);
  auto outcome = tollgate::proc::run(command, plain());
  dup2(saved, 2);
  close(saved);
  close(file);
  REQUIRE(outcome);
  CHECK(read_file(captured) == "to-stderr\n");
}

TEST_CASE("the environment is extended and the limits exported", "[proc]")
{
  const TempDir dir;
  Command command = shell(R"(echo "$FOO|$SANDBOX_CPU_SEC|$SANDBOX_MEM_MB|${HOME:+home}")");
  command.output_path = dir.file("log");
  command.env_set = {{"FOO", "bar"}};
  Limits limits = plain();
  limits.cpu_sec = 7;
  limits.mem_mb = 512;
  run_ok(command, limits);
  CHECK(read_file(command.output_path) == "bar|7|512|home\n");

  SECTION("env_set wins over the limits")
  {
    command.env_set = {{"FOO", "baz"}, {"SANDBOX_CPU_SEC", "99"}};
    run_ok(command, limits);
    CHECK(read_file(command.output_path) == "baz|99|512|home\n");
  }
}

TEST_CASE("the working directory is honoured, relative programs too", "[proc]")
{
  const TempDir dir;
  const std::string script = dir.file("script.sh");
  std::ofstream(script) << "#!/bin/sh\npwd\n";
  fs::permissions(script, fs::perms::owner_all);
  Command command;
  command.argv = {"./script.sh"};
  command.cwd = dir.path().string();
  command.output_path = dir.file("log");
  CHECK(run_ok(command).exit_code == 0);
  CHECK(read_file(command.output_path) == fs::canonical(dir.path()).string() + "\n");

  SECTION("a relative working directory")
  {
    const fs::path previous = fs::current_path();
    fs::current_path(dir.path().parent_path());
    command.cwd = dir.path().filename().string();
    auto outcome = tollgate::proc::run(command, plain());
    fs::current_path(previous);
    REQUIRE(outcome);
    CHECK(outcome->exit_code == 0);
  }
}

TEST_CASE("start failures are error values", "[proc]")
{
  const TempDir dir;
  SECTION("missing program")
  {
    Command command;
    command.argv = {"tollgate-no-such-program"};
    auto outcome = tollgate::proc::run(command, plain());
    REQUIRE_FALSE(outcome);
    CHECK(outcome.error().message == "`tollgate-no-such-program`: command not found");
  }
  SECTION("not an executable format")
  {
    const std::string junk = dir.file("junk");
    std::ofstream(junk) << "\x7f"
                           "ELF nonsense";
    fs::permissions(junk, fs::perms::owner_all);
    Command command;
    command.argv = {junk};
    auto outcome = tollgate::proc::run(command, plain());
    REQUIRE_FALSE(outcome);
    CHECK(outcome.error().message == "cannot run `" + junk + "`: Exec format error");
  }
  SECTION("missing working directory")
  {
    Command command = shell("true");
    command.cwd = dir.file("gone");
    auto outcome = tollgate::proc::run(command, plain());
    REQUIRE_FALSE(outcome);
    CHECK_THAT(outcome.error().message, Catch::Contains("No such file or directory"));
  }
  SECTION("empty command")
  {
    CHECK_FALSE(tollgate::proc::run(Command{}, plain()));
  }
}

TEST_CASE("a busy loop ends at the CPU limit", "[proc]")
{
  Limits limits = plain();
  limits.cpu_sec = 1;
  limits.timeout = 20s;
  const Outcome outcome = run_ok(shell("while :; do :; done"), limits);
  CHECK(outcome.ended == Ended::cpu_limit);
  CHECK(outcome.describe() == "killed: CPU limit of 1 s");
  // RLIMIT_CPU fires on the scheduler's tick accounting; the tree's rusage can read up to a tick or
  // two short of the limit that ended it (0.897 s was seen under load).
  CHECK(outcome.cpu_seconds >= 0.8);
  CHECK(outcome.seconds < 15);
}

TEST_CASE("an allocation beyond the memory limit fails and says so", "[proc]")
{
  if (!tollgate::proc::find_program("python3")) {
    WARN("python3 not on PATH: skipped");
    return;
  }
  const TempDir dir;
  Command command;
  command.argv = {"python3", "-c", "x = bytearray(256 * 1024 * 1024)"};
  command.output_path = dir.file("log");
  Limits limits = plain();
  limits.mem_mb = 64;
  limits.timeout = 20s;
  const Outcome outcome = run_ok(command, limits);
  CHECK(outcome.exit_code != 0);
  CHECK(outcome.ended == Ended::memory_limit);
  CHECK(outcome.describe() == "failed: memory limit 64 MiB reached (allocation refused)");

  SECTION("the same allocation fits without the limit")
  {
    CHECK(run_ok(command, {}).exit_code == 0);
  }
}

TEST_CASE("the wall-clock timeout kills the whole tree, setsid grandchildren included", "[proc]")
{
  const TempDir dir;
  const std::string marker = unique_sleep();
  Limits limits = plain();
  limits.timeout = 2s;
  limits.kill_grace = 300ms;
  Command command;
  command.output_path = dir.file("log");
  SECTION("setsid grandchild beside a sleeping parent")
  {
    command.argv = {"sh", "-c", "setsid sleep \"$1\" & echo $!; sleep \"$1\"", "sh", marker};
  }
  SECTION("setsid grandchild whose parent already exited")
  {
    command.argv = {"sh", "-c", "(setsid sleep \"$1\" & echo $!); sleep \"$1\"", "sh", marker};
  }
  SECTION("processes that ignore SIGTERM")
  {
    command.argv = {"sh", "-c", "trap '' TERM; setsid sleep \"$1\" & echo $!; sleep \"$1\"", "sh", marker};
  }
  // Unconfined, the pids the command prints are ours to look up; confined, they are its namespace's.
  limits.confine = false;
  const Outcome outcome = run_ok(command, limits);
  CHECK(outcome.ended == Ended::timeout);
  CHECK(outcome.exit_code > 128);
  CHECK(outcome.describe() == "killed: wall-clock timeout of 2 s");
  CHECK(outcome.seconds >= 1.9);
  CHECK(outcome.seconds < 5);
  const pid_t grandchild = std::stoi(read_file(command.output_path));
  CHECK_FALSE(process_alive(grandchild));
  CHECK(count_processes_with(marker) == 0);

  limits.confine = true;
  command.output_path = dir.file("confined.log");
  const Outcome confined = run_ok(command, limits);
  CHECK(confined.ended == Ended::timeout);
  CHECK(confined.confined);
  CHECK(count_processes_with(marker) == 0);
}

TEST_CASE("the wall-clock timeout kills the whole tree inside each backend", "[proc]")
{
  const std::string marker = unique_sleep();
  Limits limits = plain();
  limits.timeout = 1s;
  limits.kill_grace = 300ms;
  limits.network = Network::none;
  SECTION("firejail")
  {
    limits.backend = Backend::firejail;
  }
  SECTION("bwrap")
  {
    limits.backend = Backend::bwrap;
  }
  SECTION("unshare")
  {
    limits.backend = Backend::namespaces;
  }
  if (auto backend = tollgate::proc::resolve_backend(limits.backend); !backend) {
    WARN(backend.error().message);
    return;
  }
  Command command;
  command.argv = {"sh", "-c", "trap '' TERM; setsid sleep \"$1\" & (setsid sleep \"$1\" &); sleep \"$1\"", "sh",
                  marker};
  const Outcome outcome = run_ok(command, limits);
  CHECK(outcome.ended == Ended::timeout);
  CHECK(outcome.describe() ==
        "killed: wall-clock timeout of 1 s (" + std::string(tollgate::proc::to_string(limits.backend)) + ")");
  CHECK(count_processes_with(marker) == 0);
}

TEST_CASE("leftovers are killed when the main process exits", "[proc]")
{
  const TempDir dir;
  const std::string marker = unique_sleep();
  Command command = shell("setsid sh -c 'sleep $0' " + marker + " & echo $!; exit 0");
  command.output_path = dir.file("log");
  Limits limits = plain();
  limits.confine = false; // the printed pid is ours to look up
  const Outcome outcome = run_ok(command, limits);
  CHECK(outcome.ended == Ended::exited);
  CHECK(outcome.exit_code == 0);
  CHECK(outcome.seconds < 3);
  CHECK_FALSE(process_alive(std::stoi(read_file(command.output_path))));
  CHECK(count_processes_with(marker) == 0);

  SECTION("confined: the namespace dies with the command")
  {
    command.output_path = dir.file("confined.log");
    limits.confine = true;
    const Outcome confined = run_ok(command, limits);
    CHECK(confined.exit_code == 0);
    CHECK(confined.confined);
    CHECK(count_processes_with(marker) == 0);
  }
}

TEST_CASE("cancellation ends the tree promptly", "[proc]")
{
  const std::string marker = unique_sleep();
  Command command;
  command.argv = {"sh", "-c", "setsid sleep \"$1\" & sleep \"$1\"", "sh", marker};
  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    std::this_thread::sleep_for(200ms);
    cancel = true;
  });
  const auto start = std::chrono::steady_clock::now();
  const Outcome outcome = run_ok(command, plain(), &cancel);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  canceller.join();
  CHECK(outcome.ended == Ended::cancelled);
  CHECK(outcome.describe() == "cancelled");
  CHECK(took.count() < 1.5);
  CHECK(count_processes_with(marker) == 0);

  SECTION("an already cancelled command does not start")
  {
    CHECK(run_ok(shell("exit 1"), plain(), &cancel).ended == Ended::cancelled);
  }
}

TEST_CASE("network none isolates through each backend that works here", "[proc]")
{
  const Listener listener;
  Command connect;
  connect.argv = {"bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/$1", "bash", std::to_string(listener.port())};
  const TempDir dir;
  connect.output_path = dir.file("log");
  REQUIRE(run_ok(connect).exit_code == 0); // reachable with network allowed

  Limits limits = plain();
  limits.network = Network::none;
  limits.timeout = 20s;
  SECTION("auto")
  {
    limits.backend = Backend::automatic;
  }
  SECTION("firejail")
  {
    limits.backend = Backend::firejail;
  }
  SECTION("bwrap")
  {
    limits.backend = Backend::bwrap;
  }
  SECTION("unshare")
  {
    limits.backend = Backend::namespaces;
  }
  auto backend = tollgate::proc::resolve_backend(limits.backend);
  if (!backend) {
    WARN(backend.error().message);
    return;
  }
  const Outcome blocked = run_ok(connect, limits);
  CHECK(blocked.ended == Ended::exited);
  CHECK(blocked.exit_code != 0);
  CHECK(blocked.backend == *backend);
  CHECK(blocked.describe() == "exit 1 (" + std::string(tollgate::proc::to_string(*backend)) + ")");

  // Exit statuses and fatal signals come through the wrappers alike.
  CHECK(run_ok(shell("exit 3"), limits).exit_code == 3);
  const Outcome killed = run_ok(shell("kill -KILL $$"), limits);
  CHECK(killed.ended == Ended::signaled);
  CHECK(killed.exit_code == 137);
}

TEST_CASE("the CPU limit is recognised through a wrapper", "[proc]")
{
  Limits limits = plain();
  limits.network = Network::none;
  limits.cpu_sec = 1;
  limits.timeout = 20s;
  if (!tollgate::proc::resolve_backend(Backend::automatic)) {
    WARN("no network isolation here: skipped");
    return;
  }
  const Outcome outcome = run_ok(shell("while :; do :; done"), limits);
  CHECK(outcome.ended == Ended::cpu_limit);
  CHECK_THAT(outcome.describe(), Catch::StartsWith("killed: CPU limit of 1 s ("));
}

TEST_CASE("commands run concurrently from many threads", "[proc]")
{
  constexpr int k_threads = 8;
  std::vector<std::thread> threads;
  std::atomic<int> passed{0};
  for (int i = 0; i < k_threads; ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 10; ++round) {
        Command command;
        command.argv = {"sh", "-c", "exit $1", "sh", std::to_string(i)};
        auto outcome = tollgate::proc::run(command, plain());
        if (outcome && outcome->exit_code == i) {
          ++passed;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  CHECK(passed == k_threads * 10);
}

TEST_CASE("backend names and program lookup", "[proc]")
{
  for (const auto backend : {Backend::automatic, Backend::firejail, Backend::bwrap, Backend::namespaces}) {
    CHECK(tollgate::proc::parse_backend(tollgate::proc::to_string(backend)) == backend);
  }
  CHECK_FALSE(tollgate::proc::parse_backend("docker"));
  CHECK_FALSE(tollgate::proc::resolve_backend(Backend::none));

  const auto sh = tollgate::proc::find_program("sh");
  REQUIRE(sh);
  CHECK(sh->front() == '/');
  CHECK(tollgate::proc::find_program("/bin/sh") == "/bin/sh");
  CHECK_FALSE(tollgate::proc::find_program("tollgate-no-such-program"));
  CHECK_FALSE(tollgate::proc::find_program("/tmp")); // a directory is not a program
  CHECK_FALSE(tollgate::proc::find_program(""));
}

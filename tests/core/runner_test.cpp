// The checklist runner with in-memory fake checks (STYLE.md point 6: unit tests may use fakes;
// the real checks are exercised by tests/e2e).

#include "core/checklist/runner.hpp"

#include "support/temp_dir.hpp"
#include "util/fatal.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace tollgate;
using Clock = std::chrono::steady_clock;
using Ids = std::vector<std::string>;

namespace {

struct Interval {
  std::string id;
  Clock::time_point start;
  Clock::time_point end;
};

// When each fake check ran, recorded under a mutex.
class Timeline {
public:
  void record(const std::string& id, Clock::time_point start, Clock::time_point end)
  {
    {
      const std::lock_guard guard(m_mutex);
      m_intervals.push_back({id, start, end});
    }
    m_recorded.notify_all();
  }
  // Waits until `id` has finished, at most `limit`: a check that must outlast another waits for
  // it instead of sleeping longer than it (no timing assumption on a loaded machine).
  void wait_for(const std::string& id, std::chrono::milliseconds limit) const
  {
    std::unique_lock lock(m_mutex);
    m_recorded.wait_for(lock, limit, [&] {
      return std::any_of(m_intervals.begin(), m_intervals.end(), [&](const Interval& i) { return i.id == id; });
    });
  }
  std::vector<Interval> intervals() const
  {
    const std::lock_guard guard(m_mutex);
    return m_intervals;
  }
  Ids ran() const
  {
    Ids ids;
    for (const auto& interval : intervals()) {
      ids.push_back(interval.id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }
  const Interval& of(const std::vector<Interval>& all, const std::string& id) const
  {
    const auto it = std::find_if(all.begin(), all.end(), [&](const Interval& i) { return i.id == id; });
    REQUIRE(it != all.end());
    return *it;
  }

private:
  mutable std::mutex m_mutex;
  mutable std::condition_variable m_recorded;
  std::vector<Interval> m_intervals;
};

// What a fake check does: `Fake().sleep(50).returns(checks::Status::fail).exclusive()`.
struct Fake {
  int sleep_ms = 0;
  checks::Status status = checks::Status::pass;
  bool concurrent = true;
  bool throws = false;
  std::string when_exists;
  std::string outlasts; // ends only after this check has ended (or after 10 s)

  Fake& sleep(int ms)
  {
    sleep_ms = ms;
    return *this;
  }
  Fake& returns(checks::Status value)
  {
    status = value;
    return *this;
  }
  Fake& exclusive()
  {
    concurrent = false;
    return *this;
  }
  Fake& until(std::string other)
  {
    outlasts = std::move(other);
    return *this;
  }
  Fake& throwing()
  {
    throws = true;
    return *this;
  }
  Fake& when(std::string path)
  {
    when_exists = std::move(path);
    return *this;
  }
};

class FakeCheck final : public checks::Check {
public:
  FakeCheck(const std::string& id, Fake options, Timeline& timeline)
      : checks::Check(make_spec(id, options.when_exists)), m_options(std::move(options)), m_timeline(timeline)
  {
  }

  bool concurrent() const override { return m_options.concurrent; }

  checks::CheckResult run(const checks::Context&) override
  {
    const auto start = Clock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(m_options.sleep_ms));
    if (!m_options.outlasts.empty()) {
      m_timeline.wait_for(m_options.outlasts, std::chrono::seconds(10));
    }
    m_timeline.record(id(), start, Clock::now());
    if (m_options.throws) {
      throw std::runtime_error("boom");
    }
    checks::CheckResult result;
    result.status = m_options.status;
    result.summary = "ran " + id();
    return result;
  }

private:
  static core::CheckSpec make_spec(const std::string& id, const std::string& when_exists)
  {
    core::CheckSpec spec;
    spec.kind = "fake";
    spec.id = id;
    spec.when_exists = when_exists;
    return spec;
  }

  Fake m_options;
  Timeline& m_timeline;
};

// Records what the runner reports, and checks it is called on the runner's thread.
class RecordingReporter final : public core::Reporter {
public:
  void begin(const std::vector<std::unique_ptr<checks::Check>>& checks) override
  {
    m_thread = std::this_thread::get_id();
    ++begun;
    begin_size = checks.size();
  }
  void tick(const std::vector<core::Running>&) override { on_thread(); }
  void finished(const core::CheckReport& report) override
  {
    on_thread();
    finished_ids.push_back(report.id);
    summaries.push_back(report.result.summary);
  }
  void end(const core::RunReport&) override
  {
    on_thread();
    ++ended;
  }

  int begun = 0;
  int ended = 0;
  std::size_t begin_size = 0;
  bool wrong_thread = false;
  Ids finished_ids;
  Ids summaries;

private:
  void on_thread()
  {
    if (std::this_thread::get_id() != m_thread) {
      wrong_thread = true;
    }
  }
  std::thread::id m_thread;
};

struct Fixture {
  test::TempDir dir;
  Timeline timeline;
  std::vector<std::unique_ptr<checks::Check>> checks;
  RecordingReporter reporter;

  void add(const std::string& id, Fake options = Fake())
  {
    checks.push_back(std::make_unique<FakeCheck>(id, std::move(options), timeline));
  }

  core::RunReport run(core::RunOptions options)
  {
    checks::Context context;
    context.root = dir.path();
    context.git_dir = dir.path() / ".git";
    context.log_dir = dir.path() / "logs";
    core::RunReport report = core::run_checklist(checks, context, options, reporter);
    CHECK(reporter.begun == 1);
    CHECK(reporter.ended == 1);
    CHECK(reporter.begin_size == checks.size());
    CHECK_FALSE(reporter.wrong_thread);
    CHECK(report.log_dir == context.log_dir);
    return report;
  }
};

core::RunOptions jobs(unsigned n)
{
  core::RunOptions options;
  options.jobs = n;
  return options;
}

Ids ids_of(const core::RunReport& report)
{
  Ids ids;
  for (const auto& check : report.checks) {
    ids.push_back(check.id);
  }
  return ids;
}

bool overlap(const Interval& a, const Interval& b)
{
  return a.start < b.end && b.start < a.end;
}

} // namespace

TEST_CASE("results are reported in declared order even when later checks finish first", "[runner]")
{
  Fixture f;
  f.add("slow", Fake().until("medium"));
  f.add("fast", Fake().sleep(10));
  f.add("medium", Fake().until("fast"));
  f.add("instant");
  const core::RunReport report = f.run(jobs(4));

  CHECK(f.reporter.finished_ids == Ids{"slow", "fast", "medium", "instant"});
  CHECK(ids_of(report) == Ids{"slow", "fast", "medium", "instant"});
  for (const auto& check : report.checks) {
    CHECK(check.kind == "fake");
    CHECK(check.result.status == checks::Status::pass);
    CHECK(check.result.summary == "ran " + check.id);
    CHECK(check.result.seconds > 0);
  }
  CHECK(report.exit_code() == 0);

  // They really ran together, and `fast` really finished before `slow`.
  const auto all = f.timeline.intervals();
  const auto& slow = f.timeline.of(all, "slow");
  const auto& fast = f.timeline.of(all, "fast");
  CHECK(overlap(slow, fast));
  CHECK(fast.end < slow.end);
  CHECK(report.seconds >= std::chrono::duration<double>(slow.end - slow.start).count());
}

TEST_CASE("jobs = 1 runs one check at a time", "[runner]")
{
  Fixture f;
  f.add("a", Fake().sleep(20));
  f.add("b", Fake().sleep(20));
  f.add("c", Fake().sleep(20));
  f.run(jobs(1));
  const auto all = f.timeline.intervals();
  REQUIRE(all.size() == 3);
  for (std::size_t i = 0; i < all.size(); ++i) {
    for (std::size_t j = i + 1; j < all.size(); ++j) {
      CHECK_FALSE(overlap(all[i], all[j]));
    }
  }
  CHECK(f.reporter.finished_ids == Ids{"a", "b", "c"});
}

TEST_CASE("by default, independent checks run at once, one per CPU", "[runner]")
{
  const unsigned cpus = core::available_cpus();
  REQUIRE(cpus >= 1);
  CHECK(cpus <= std::max(1u, std::thread::hardware_concurrency()));
  Fixture f;
  const unsigned n = cpus + 2;
  for (unsigned i = 0; i < n; ++i) {
    // With two CPUs or more, c0 outlasts c1: they overlap unless the runner runs one at a time.
    f.add(fmt::format("c{}", i), i == 0 && cpus >= 2 ? Fake().until("c1") : Fake().sleep(20));
  }
  f.run(core::RunOptions()); // jobs left at its default
  const auto all = f.timeline.intervals();
  REQUIRE(all.size() == n);
  // The most checks running at one instant: at each start, count the intervals covering it.
  std::size_t most = 0;
  for (const auto& at : all) {
    const auto covering = std::count_if(
        all.begin(), all.end(), [&](const Interval& other) { return other.start <= at.start && at.start < other.end; });
    most = std::max(most, static_cast<std::size_t>(covering));
  }
  CHECK(most <= cpus);
  if (cpus >= 2) {
    CHECK(most >= 2); // a one-CPU machine runs them one by one, as jobs = 1
  }
}

TEST_CASE("fail-fast: after a failure, later checks are not run", "[runner]")
{
  Fixture f;
  f.add("first");
  f.add("broken", Fake().returns(checks::Status::fail));
  f.add("later");
  f.add("last");
  const core::RunReport report = f.run(jobs(1));

  CHECK(f.timeline.ran() == Ids{"broken", "first"});
  REQUIRE(report.checks.size() == 4);
  CHECK(report.checks[0].result.status == checks::Status::pass);
  CHECK(report.checks[1].result.status == checks::Status::fail);
  for (std::size_t i : {2u, 3u}) {
    CHECK(report.checks[i].result.status == checks::Status::skipped);
    CHECK_THAT(report.checks[i].result.summary, Catch::StartsWith("not run: `broken` failed"));
    CHECK_THAT(report.checks[i].result.summary, Catch::Contains("--keep-going"));
  }
  CHECK(f.reporter.finished_ids == Ids{"first", "broken", "later", "last"});
  CHECK(report.exit_code() == 1);
}

TEST_CASE("fail-fast with jobs: checks not yet started are not run", "[runner]")
{
  Fixture f;
  f.add("broken", Fake().sleep(10).returns(checks::Status::fail));
  f.add("exclusive", Fake().exclusive()); // waits for `broken`, then must not start
  f.add("after");
  const core::RunReport report = f.run(jobs(4));
  CHECK(f.timeline.ran() == Ids{"broken"});
  CHECK(report.checks[1].result.status == checks::Status::skipped);
  CHECK(report.checks[2].result.status == checks::Status::skipped);
  CHECK_THAT(report.checks[2].result.summary, Catch::StartsWith("not run: `broken` failed"));
}

TEST_CASE("keep_going runs every check", "[runner]")
{
  Fixture f;
  f.add("first", Fake().returns(checks::Status::fail));
  f.add("second", Fake().returns(checks::Status::error));
  f.add("third");
  core::RunOptions options;
  options.keep_going = true;
  const core::RunReport report = f.run(options);

  CHECK(f.timeline.ran() == Ids{"first", "second", "third"});
  CHECK(report.checks[0].result.status == checks::Status::fail);
  CHECK(report.checks[1].result.status == checks::Status::error);
  CHECK(report.checks[2].result.status == checks::Status::pass);
  CHECK(report.exit_code() == 1);
  CHECK(report.count(checks::Status::pass) == 1);
}

TEST_CASE("an error also stops the checklist unless keep_going", "[runner]")
{
  Fixture f;
  f.add("cannot-start", Fake().returns(checks::Status::error));
  f.add("later");
  const core::RunReport report = f.run(jobs(1));
  CHECK(f.timeline.ran() == Ids{"cannot-start"});
  CHECK_THAT(report.checks[1].result.summary, Catch::StartsWith("not run: `cannot-start` failed"));
  CHECK(report.exit_code() == 3);
}

TEST_CASE("only and skip select checks by id", "[runner]")
{
  Fixture f;
  f.add("lint");
  f.add("pytest");
  f.add("env");

  SECTION("only")
  {
    core::RunOptions options;
    options.only = {"pytest"};
    const core::RunReport report = f.run(options);
    CHECK(f.timeline.ran() == Ids{"pytest"});
    CHECK(report.checks[0].result.status == checks::Status::skipped);
    CHECK(report.checks[0].result.summary == "not selected (--only)");
    CHECK(report.checks[1].result.status == checks::Status::pass);
    CHECK(report.checks[2].result.summary == "not selected (--only)");
    CHECK(report.exit_code() == 0);
  }
  SECTION("skip")
  {
    core::RunOptions options;
    options.skip = {"lint", "env"};
    const core::RunReport report = f.run(options);
    CHECK(f.timeline.ran() == Ids{"pytest"});
    CHECK(report.checks[0].result.summary == "skipped (--skip)");
    CHECK(report.checks[2].result.summary == "skipped (--skip)");
  }
  SECTION("only and skip together: skip wins")
  {
    core::RunOptions options;
    options.only = {"lint", "pytest"};
    options.skip = {"pytest"};
    const core::RunReport report = f.run(options);
    CHECK(f.timeline.ran() == Ids{"lint"});
    CHECK(report.checks[1].result.summary == "skipped (--skip)");
  }
  CHECK(f.reporter.finished_ids == Ids{"lint", "pytest", "env"});
}

TEST_CASE("when_exists skips a check whose path is missing", "[runner]")
{
  Fixture f;
  f.dir.write("check_env.py", "print('ok')\n");
  f.add("present", Fake().when("check_env.py"));
  f.add("absent", Fake().when("missing/script.py"));
  const core::RunReport report = f.run(jobs(1));
  CHECK(f.timeline.ran() == Ids{"present"});
  CHECK(report.checks[1].result.status == checks::Status::skipped);
  CHECK(report.checks[1].result.summary == "missing/script.py does not exist");
}

TEST_CASE("checks that are not concurrent never overlap another check", "[runner]")
{
  Fixture f;
  f.add("a", Fake().sleep(60));
  f.add("b", Fake().sleep(60));
  f.add("exclusive", Fake().sleep(40).exclusive());
  f.add("c", Fake().sleep(60));
  f.add("d", Fake().sleep(60));
  f.add("exclusive-2", Fake().sleep(20).exclusive());
  const core::RunReport report = f.run(jobs(4));
  CHECK(f.reporter.finished_ids == Ids{"a", "b", "exclusive", "c", "d", "exclusive-2"});
  CHECK(report.count(checks::Status::pass) == 6);

  const auto all = f.timeline.intervals();
  REQUIRE(all.size() == 6);
  for (const char* id : {"exclusive", "exclusive-2"}) {
    const auto& exclusive = f.timeline.of(all, id);
    for (const auto& other : all) {
      if (other.id != exclusive.id) {
        INFO(id << " overlaps " << other.id);
        CHECK_FALSE(overlap(exclusive, other));
      }
    }
  }
  // The concurrent ones on either side still ran together.
  CHECK(overlap(f.timeline.of(all, "a"), f.timeline.of(all, "b")));
  CHECK(overlap(f.timeline.of(all, "c"), f.timeline.of(all, "d")));
}

TEST_CASE("no more than `jobs` checks run at once", "[runner]")
{
  Fixture f;
  for (const char* id : {"a", "b", "c", "d", "e", "f"}) {
    f.add(id, Fake().sleep(30));
  }
  f.run(jobs(2));
  const auto all = f.timeline.intervals();
  REQUIRE(all.size() == 6);
  for (const auto& interval : all) {
    // At the moment `interval` starts, at most one other check is running.
    const auto running = std::count_if(all.begin(), all.end(), [&](const Interval& other) {
      return other.start <= interval.start && interval.start < other.end;
    });
    CHECK(running <= 2);
  }
}

TEST_CASE("a check whose run() throws becomes an error", "[runner]")
{
  Fixture f;
  f.add("thrower", Fake().throwing());
  f.add("later");
  const core::RunReport report = f.run(jobs(2));
  REQUIRE(report.checks.size() == 2);
  CHECK(report.checks[0].result.status == checks::Status::error);
  CHECK(report.checks[0].result.summary == "internal error: boom");
  CHECK(report.checks[0].result.seconds > 0);
  CHECK(report.exit_code() == 3);
  CHECK(f.reporter.finished_ids == Ids{"thrower", "later"});
}

TEST_CASE("an interrupted run starts nothing", "[runner]")
{
  struct Reset {
    ~Reset() { core::interrupted() = false; }
  } reset;
  Fixture f;
  f.add("a");
  f.add("b");
  core::interrupted() = true;
  const core::RunReport report = f.run(jobs(1));
  CHECK(f.timeline.ran().empty());
  for (const auto& check : report.checks) {
    CHECK(check.result.status == checks::Status::skipped);
    CHECK(check.result.summary == "not run: interrupted");
  }
}

TEST_CASE("an empty checklist passes", "[runner]")
{
  Fixture f;
  const core::RunReport report = f.run(jobs(4));
  CHECK(report.checks.empty());
  CHECK(f.reporter.finished_ids.empty());
  CHECK(report.exit_code() == 0);
}

TEST_CASE("validate_selection rejects unknown ids with a suggestion", "[runner]")
{
  Fixture f;
  f.add("pytest");
  f.add("pre-commit");
  f.add("env");

  core::RunOptions options;
  SECTION("known ids are fine")
  {
    options.only = {"pytest", "env"};
    options.skip = {"pre-commit"};
    CHECK_NOTHROW(core::validate_selection(f.checks, options));
  }
  SECTION("a misspelt --only id")
  {
    options.only = {"pytset"};
    try {
      core::validate_selection(f.checks, options);
      FAIL("no error");
    } catch (const Fatal& error) {
      CHECK(error.exit_code() == exit_code::k_usage);
      CHECK(std::string(error.what()) ==
            "no check with id `pytset`, did you mean `pytest`? (checks: pytest, pre-commit, env)");
    }
  }
  SECTION("an unknown --skip id, nothing close")
  {
    options.skip = {"coverage"};
    try {
      core::validate_selection(f.checks, options);
      FAIL("no error");
    } catch (const Fatal& error) {
      CHECK(error.exit_code() == exit_code::k_usage);
      CHECK(std::string(error.what()) == "no check with id `coverage` (checks: pytest, pre-commit, env)");
    }
  }
}

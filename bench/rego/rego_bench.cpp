// Google Benchmark: the Rego engine. Evaluating the shipped policies (every package's deny and
// warn, as the `policies` check does) on a typical promotion input (target: median < 50 us), and
// parsing + compiling a generated bundle of 1,000 rules (target: < 50 ms).

#include "rego/engine.hpp"
#include "rego/engine_internals.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <fstream>
#include <set>
#include <sstream>

using namespace tollgate::rego;

namespace {

Value typical_input()
{
  std::ifstream in(TOLLGATE_BENCH_DIR "/typical_input.json");
  std::ostringstream text;
  text << in.rdbuf();
  return from_json(nlohmann::json::parse(text.str()));
}

void eval_shipped_policies(benchmark::State& state)
{
  Engine engine;
  if (!engine.load(TOLLGATE_SOURCE_DIR "/policies") || !engine.compile()) {
    state.SkipWithError("the shipped policies do not compile");
    return;
  }
  const auto packages = engine.packages();
  std::vector<Query> queries;
  for (const auto& package : packages) {
    for (const char* rule : {"deny", "warn"}) {
      auto query = engine.prepare(fmt::format("data.{}.{}", fmt::join(package, "."), rule));
      if (query) {
        queries.push_back(std::move(*query));
      }
    }
  }
  EvalOptions options;
  options.input = typical_input();
  std::size_t messages = 0;
  for (auto _ : state) {
    for (const auto& query : queries) {
      auto rows = engine.eval(query, options);
      if (rows && !rows->empty()) {
        messages += rows->front().expressions.front().size();
      }
    }
  }
  benchmark::DoNotOptimize(messages);
  state.counters["queries"] = static_cast<double>(queries.size());
}
BENCHMARK(eval_shipped_policies)->Unit(benchmark::kMicrosecond);

// 1,000 rules of the kinds real bundles have, over 50 packages.
std::vector<std::string> generated_bundle()
{
  std::vector<std::string> modules;
  for (int p = 0; p < 50; ++p) {
    std::string text = fmt::format("package bench.p{}\n\nimport rego.v1\n\n", p);
    for (int r = 0; r < 5; ++r) {
      text += fmt::format("default allow_{} := false\n\n", r);
      text += fmt::format("allow_{} if {{\n  input.user.role == \"admin\"\n  count(input.items) > {}\n}}\n\n", r, r);
      text += fmt::format("deny contains msg if {{\n  some item in input.items\n  startswith(item.name, \"x{}\")\n"
                          "  msg := sprintf(\"item %s blocked by rule {}\", [item.name])\n}}\n\n",
                          r, r);
      text += fmt::format("limit_{}(x) := y if {{\n  y := x * {}\n}} else := 0\n\n", r, r + 1);
    }
    modules.push_back(std::move(text));
  }
  return modules;
}

void parse_compile_1000_rules(benchmark::State& state)
{
  const auto modules = generated_bundle();
  for (auto _ : state) {
    Engine engine;
    for (std::size_t i = 0; i < modules.size(); ++i) {
      if (!engine.add_module(fmt::format("p{}.rego", i), modules[i])) {
        state.SkipWithError("the generated bundle does not parse");
        return;
      }
    }
    if (!engine.compile()) {
      state.SkipWithError("the generated bundle does not compile");
      return;
    }
    benchmark::DoNotOptimize(engine.internals().compiler.node_count());
  }
  state.counters["rules"] = 1000;
}
BENCHMARK(parse_compile_1000_rules)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();

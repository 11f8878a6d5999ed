#include "rego/engine.hpp"

#include "rego/engine_internals.hpp"
#include "rego/eval.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

namespace tollgate::rego {

namespace {

constexpr std::string_view k_test_prefix = "test_";
constexpr std::string_view k_skip_prefix = "todo_test_";
constexpr std::int64_t k_bench_budget_ns = 1'000'000'000;

std::int64_t steady_ns()
{
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// A name as a ref part: `.name` when it is an identifier, else `["name"]`.
std::string ref_part(const std::string& name, bool first)
{
  const bool identifier = !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) != 0 || name[0] == '_') &&
                          std::all_of(name.begin(), name.end(), [](char c) {
                            return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
                          });
  if (first) {
    return name; // the rule's name, as OPA prints a var (`test_x#01` too)
  }
  if (identifier) {
    return "." + name;
  }
  return "[" + to_text(Value::string(name)) + "]";
}

// The test's name (the head's constant prefix, e.g. `test_x` or `a.test_x`) when `rule` is a test.
struct Discovered {
  std::string name;
  std::vector<std::string> path; // the head's constant prefix
  bool skip = false;
};

std::optional<Discovered> discover(const Rule& rule)
{
  if (rule.kind == RuleKind::function) {
    return std::nullopt;
  }
  Discovered found;
  bool test = false;
  for (const auto& part : rule.head_ref) {
    if (part->kind != TermKind::scalar || !part->value.is_string()) {
      break;
    }
    const std::string& name = part->value.as_string();
    found.path.push_back(name);
    found.name += ref_part(name, found.path.size() == 1);
    if (!test && (name.starts_with(k_test_prefix) || name.starts_with(k_skip_prefix))) {
      test = true;
      found.skip = name.starts_with(k_skip_prefix);
    }
  }
  if (!test) {
    return std::nullopt;
  }
  return found;
}

SubResult sub_result(const std::string& name, const Value& v);

std::vector<SubResult> sub_results(const Value& v, bool& fail)
{
  std::vector<SubResult> out;
  fail = !v.is_object();
  for (const auto& [key, value] : v.as_object()) {
    out.push_back(sub_result(key.is_string() ? key.as_string() : to_json(key).dump(), value));
    fail = fail || out.back().fail;
  }
  return out;
}

SubResult sub_result(const std::string& name, const Value& v)
{
  SubResult sr{name, !v.is_true(), {}};
  if (v.is_object()) {
    sr.children = sub_results(v, sr.fail);
  }
  return sr;
}

// Evaluates `query` once; fills the outcome of `result` (not its duration).
void judge(const Engine& engine, const Query& query, const Rule& rule, const EvalOptions& options, TestResult& result)
{
  auto rows = engine.eval(query, options);
  if (!rows) {
    result.error = rows.error();
    return;
  }
  if (rows->empty() || rows->front().expressions.empty()) {
    result.fail = true;
    return;
  }
  const Value& v = rows->front().expressions.front();
  if (rule.kind == RuleKind::partial_object) {
    result.sub_results = sub_results(v, result.fail);
    return;
  }
  result.fail = !v.is_true();
}

void bench(const Engine& engine, const Query& query, TestResult& result)
{
  std::int64_t n = 1;
  std::int64_t elapsed = 0;
  while (true) {
    EvalOptions options;
    options.print = [](std::string_view) {};
    const std::int64_t start = steady_ns();
    for (std::int64_t i = 0; i < n; ++i) {
      if (auto rows = engine.eval(query, options); !rows) {
        result.error = rows.error();
        return;
      }
    }
    elapsed = steady_ns() - start;
    if (elapsed >= k_bench_budget_ns || n >= 1'000'000'000) {
      break;
    }
    // As Go's testing.Benchmark: aim at the budget with 20% to spare, grow at most 100x a round.
    const std::int64_t per_op = std::max<std::int64_t>(elapsed / n, 1);
    const std::int64_t want = k_bench_budget_ns * 6 / 5 / per_op;
    n = std::max(std::min(want, n * 100), n + 1);
  }
  result.bench_iterations = n;
  result.bench_ns_per_op = static_cast<double>(elapsed) / static_cast<double>(n);
  result.duration_ns = elapsed;
}

} // namespace

std::vector<TestResult> run_tests(const Engine& engine, const TestRunOptions& options)
{
  std::vector<const Module*> modules;
  for (const auto& module : engine.internals().compiler.modules()) {
    modules.push_back(module.get());
  }
  std::stable_sort(modules.begin(), modules.end(), [](const Module* a, const Module* b) { return a->file < b->file; });
  std::vector<TestResult> results;
  for (const Module* module : modules) {
    std::string package = "data";
    for (const auto& part : module->package) {
      package += ref_part(part, false);
    }
    for (const auto& rule : module->rules) {
      const auto found = discover(*rule);
      if (!found) {
        continue;
      }
      TestResult result;
      result.file = module->file;
      result.row = rule->loc.row;
      result.col = rule->loc.col;
      result.package = package;
      result.name = found->name;
      std::string path = package;
      for (const auto& part : found->path) {
        path += ref_part(part, false);
      }
      if (options.run && !std::regex_search(path, *options.run)) {
        continue;
      }
      if (found->skip) {
        result.skip = true;
        results.push_back(std::move(result));
        continue;
      }
      auto query = engine.prepare(path);
      if (!query) {
        result.error = query.error();
        results.push_back(std::move(result));
        continue;
      }
      if (options.bench) {
        bench(engine, *query, result);
        if (!result.error) {
          judge(engine, *query, *rule, {}, result);
        }
        results.push_back(std::move(result));
        continue;
      }
      EvalOptions eval;
      eval.print = [&result](std::string_view line) {
        result.output += line;
        result.output += '\n';
      };
      eval.notes = &result.notes;
      eval.coverage = options.coverage;
      const std::int64_t start = steady_ns();
      eval.deadline_ns = options.timeout_ns > 0 ? start + options.timeout_ns : 0;
      judge(engine, *query, *rule, eval, result);
      result.duration_ns = steady_ns() - start;
      results.push_back(std::move(result));
    }
  }
  return results;
}

namespace {

struct Range {
  int start;
  int end;
};

std::vector<Range> ranges(const std::set<int>& rows)
{
  std::vector<Range> out;
  for (const int row : rows) {
    if (!out.empty() && row == out.back().end + 1) {
      out.back().end = row;
    } else {
      out.push_back({row, row});
    }
  }
  return out;
}

void expr_rows(const Body& body, std::set<int>& rows);

void term_rows(const Term& t, std::set<int>& rows)
{
  expr_rows(t.body, rows);
  for (const auto& item : t.items) {
    term_rows(*item, rows);
  }
  for (const auto* part : {&t.head, &t.head_value}) {
    if (*part) {
      term_rows(**part, rows);
    }
  }
}

void expr_rows(const Body& body, std::set<int>& rows)
{
  for (const auto& e : body) {
    if (e->kind != ExprKind::some_decl) {
      rows.insert(e->loc.row);
    }
    for (const auto& t : e->terms) {
      if (t) {
        term_rows(*t, rows);
      }
    }
    if (e->negated) {
      for (const auto& t : e->negated->terms) {
        if (t) {
          term_rows(*t, rows);
        }
      }
    }
    expr_rows(e->body, rows);
  }
}

} // namespace

nlohmann::json coverage_report(const Engine& engine, const Coverage& coverage)
{
  auto files = nlohmann::json::object();
  int covered_total = 0;
  int not_covered_total = 0;
  std::map<std::string, std::pair<std::set<int>, std::set<int>>> by_file; // covered, not covered
  for (const auto& [file, rows] : coverage.hits) {
    by_file[file].first = rows;
  }
  for (const auto& module : engine.internals().compiler.modules()) {
    auto& [covered, not_covered] = by_file[module->file];
    std::set<int> rows;
    for (const auto& rule : module->rules) {
      for (const Rule* r = rule.get(); r != nullptr; r = r->else_rule.get()) {
        rows.insert(r->loc.row);
        expr_rows(r->body, rows);
      }
    }
    for (const int row : rows) {
      if (covered.count(row) == 0) {
        not_covered.insert(row);
      }
    }
  }
  for (const auto& [file, sets] : by_file) {
    const auto& [covered, not_covered] = sets;
    nlohmann::json report = nlohmann::json::object();
    auto to_json_ranges = [](const std::set<int>& rows) {
      auto out = nlohmann::json::array();
      for (const auto& r : ranges(rows)) {
        out.push_back({{"start", {{"row", r.start}}}, {"end", {{"row", r.end}}}});
      }
      return out;
    };
    const int c = static_cast<int>(covered.size());
    const int n = static_cast<int>(not_covered.size());
    if (c > 0) {
      report["covered"] = to_json_ranges(covered);
      report["covered_lines"] = c;
    }
    if (n > 0) {
      report["not_covered"] = to_json_ranges(not_covered);
      report["not_covered_lines"] = n;
    }
    if (c + n > 0 && c > 0) {
      report["coverage"] = 100.0 * c / (c + n);
    }
    files[file] = report;
    covered_total += c;
    not_covered_total += n;
  }
  const int total = covered_total + not_covered_total;
  return {{"files", files},
          {"covered_lines", covered_total},
          {"not_covered_lines", not_covered_total},
          {"coverage", total == 0 ? 0.0 : 100.0 * covered_total / total}};
}

} // namespace tollgate::rego

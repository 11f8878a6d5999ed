#include "rego/engine.hpp"

#include "util/base64.hpp"

#include <fmt/format.h>

#include <cctype>
#include <functional>

namespace tollgate::rego {

std::string error_line(const RegoError& error)
{
  std::string out;
  if (!error.file.empty()) {
    out = error.file + ":" + std::to_string(error.row) + ": ";
  }
  out += error.code.empty() ? error.message : error.code + ": " + error.message;
  std::size_t start = 0;
  while (!error.detail.empty() && start < error.detail.size()) {
    const std::size_t end = error.detail.find('\n', start);
    out += "\n\t" + error.detail.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (end == std::string::npos) {
      break;
    }
    start = end + 1;
  }
  return out;
}

std::string go_duration(std::int64_t ns)
{
  if (ns == 0) {
    return "0s";
  }
  auto trimmed = [](double v, int decimals) {
    std::string text = fmt::format("{:.{}f}", v, decimals);
    if (text.find('.') != std::string::npos) {
      while (text.back() == '0') {
        text.pop_back();
      }
      if (text.back() == '.') {
        text.pop_back();
      }
    }
    return text;
  };
  const double v = static_cast<double>(ns);
  if (ns < 1'000) {
    return fmt::format("{}ns", ns);
  }
  if (ns < 1'000'000) {
    return trimmed(v / 1e3, 3) + "µs";
  }
  if (ns < 1'000'000'000) {
    return trimmed(v / 1e6, 6) + "ms";
  }
  if (ns < 60'000'000'000) {
    return trimmed(v / 1e9, 9) + "s";
  }
  const std::int64_t minutes = ns / 60'000'000'000;
  return fmt::format("{}m{}s", minutes, trimmed(static_cast<double>(ns % 60'000'000'000) / 1e9, 9));
}

std::optional<std::int64_t> parse_go_duration(std::string_view text)
{
  static const std::pair<std::string_view, double> k_units[] = {{"ns", 1},  {"us", 1e3}, {"µs", 1e3},  {"ms", 1e6},
                                                                {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
  double total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = i;
    while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) != 0 || text[end] == '.')) {
      ++end;
    }
    if (end == i) {
      return std::nullopt;
    }
    const double amount = std::stod(std::string(text.substr(i, end - i)));
    bool matched = false;
    for (const auto& [unit, scale] : k_units) {
      if (text.compare(end, unit.size(), unit) == 0 &&
          (end + unit.size() == text.size() ||
           std::isdigit(static_cast<unsigned char>(text[end + unit.size()])) != 0)) {
        total += amount * scale;
        i = end + unit.size();
        matched = true;
        break;
      }
    }
    if (!matched) {
      return std::nullopt;
    }
  }
  return static_cast<std::int64_t>(total);
}

namespace {

std::string outcome(const TestResult& r)
{
  return r.pass() ? "PASS" : r.fail ? "FAIL" : r.skip ? "SKIPPED" : "ERROR";
}

void print_sub_results(std::FILE* out, const std::vector<SubResult>& results, const std::string& indent)
{
  for (const auto& sr : results) {
    std::fprintf(out, "%s%s: %s\n", indent.c_str(), sr.name.c_str(), sr.fail ? "FAIL" : "PASS");
    print_sub_results(out, sr.children, indent + "  ");
  }
}

void print_line(std::FILE* out, const TestResult& r)
{
  if (r.skip) {
    std::fprintf(out, "%s.%s: SKIPPED\n", r.package.c_str(), r.name.c_str());
    return;
  }
  std::fprintf(out, "%s.%s: %s (%s)\n", r.package.c_str(), r.name.c_str(), outcome(r).c_str(),
               go_duration(r.duration_ns).c_str());
  print_sub_results(out, r.sub_results, "  ");
}

void print_indented(std::FILE* out, const std::string& text, const std::string& indent)
{
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::fprintf(out, "%s%s\n", indent.c_str(), line.c_str());
    if (end == std::string::npos) {
      break;
    }
    start = end + 1;
  }
}

// Go's BenchmarkResult: iterations, then ns/op with 10 places before the point.
std::string bench_text(const TestResult& r)
{
  const double ns = r.bench_ns_per_op;
  std::string per_op = ns >= 999.95   ? fmt::format("{:10.0f} ns/op", ns)
                       : ns >= 99.995 ? fmt::format("{:12.1f} ns/op", ns)
                       : ns >= 9.9995 ? fmt::format("{:13.2f} ns/op", ns)
                                      : fmt::format("{:14.3f} ns/op", ns);
  return fmt::format("{}.{}\t{:8}\t{}", r.package, r.name, r.bench_iterations, per_op);
}

nlohmann::json sub_results_json(const std::vector<SubResult>& results)
{
  auto out = nlohmann::json::object();
  for (const auto& sr : results) {
    nlohmann::json entry = nlohmann::json::object();
    if (sr.fail) {
      entry["fail"] = true;
    }
    if (!sr.children.empty()) {
      entry["sub_results"] = sub_results_json(sr.children);
    }
    out[sr.name] = entry;
  }
  return out;
}

} // namespace

void print_pretty(std::FILE* out, const std::vector<TestResult>& results, const PrettyOptions& options)
{
  int pass = 0;
  int fail = 0;
  int skip = 0;
  int errors = 0;
  for (const auto& r : results) {
    const bool leaves = !r.error && !r.skip && !r.sub_results.empty();
    if (leaves) {
      // Each key of a test with variables counts as a test (its leaves).
      std::function<void(const std::vector<SubResult>&)> count = [&](const auto& srs) {
        for (const auto& sr : srs) {
          if (sr.children.empty()) {
            (sr.fail ? fail : pass)++;
          } else {
            count(sr.children);
          }
        }
      };
      count(r.sub_results);
    } else {
      r.pass() ? ++pass : r.skip ? ++skip : r.error ? ++errors : ++fail;
    }
  }
  bool dirty = false;
  if (fail > 0 && options.verbose) {
    std::fputs("FAILURES\n", out);
    std::fputs((std::string(80, '-') + "\n").c_str(), out);
    for (const auto& r : results) {
      if (r.fail) {
        print_line(out, r);
        for (const auto& note : r.notes) {
          std::fprintf(out, "  Note %s\n", to_text(Value::string(note)).c_str());
        }
        std::fputs("\n", out);
      }
    }
    std::fputs("SUMMARY\n", out);
    std::fputs((std::string(80, '-') + "\n").c_str(), out);
  }
  std::string last_file;
  for (const auto& r : results) {
    if (r.pass() && options.bench) {
      dirty = true;
      std::fprintf(out, "%s\n", bench_text(r).c_str());
    } else if (options.verbose || !r.pass()) {
      if (r.file != last_file) {
        std::fprintf(out, "%s%s:\n", last_file.empty() ? "" : "\n", r.file.c_str());
        last_file = r.file;
      }
      dirty = true;
      print_line(out, r);
      if (!r.output.empty()) {
        std::fputs("\n", out);
        std::string output = r.output;
        while (!output.empty() && std::isspace(static_cast<unsigned char>(output.back())) != 0) {
          output.pop_back();
        }
        print_indented(out, output, "  ");
        std::fputs("\n", out);
      }
    }
    if (r.error) {
      std::fprintf(out, "  %s\n", error_line(*r.error).c_str());
    }
  }
  if (dirty) {
    std::fputs((std::string(80, '-') + "\n").c_str(), out);
  }
  const int total = pass + fail + skip + errors;
  for (const auto& [label, n] : {std::pair{"PASS", pass}, {"FAIL", fail}, {"SKIPPED", skip}, {"ERROR", errors}}) {
    if (n != 0) {
      std::fprintf(out, "%s: %d/%d\n", label, n, total);
    }
  }
}

nlohmann::json results_json(const std::vector<TestResult>& results)
{
  auto out = nlohmann::json::array();
  for (const auto& r : results) {
    nlohmann::json entry = {
        {"location", {{"file", r.file}, {"row", r.row}, {"col", r.col}}}, {"package", r.package}, {"name", r.name}};
    if (r.fail) {
      entry["fail"] = true;
    }
    if (r.error) {
      entry["error"] = error_json(*r.error)["errors"][0];
    }
    if (r.skip) {
      entry["skip"] = true;
    }
    entry["duration"] = r.duration_ns;
    if (!r.output.empty()) {
      entry["output"] = util::base64_encode(r.output);
    }
    if (!r.sub_results.empty()) {
      entry["sub_results"] = sub_results_json(r.sub_results);
    }
    if (r.bench_iterations > 0) {
      // Go's testing.BenchmarkResult (no allocation figures here: they stay 0).
      entry["benchmark_result"] = {
          {"N", r.bench_iterations}, {"T", r.duration_ns}, {"Bytes", 0},
          {"MemAllocs", 0},          {"MemBytes", 0},      {"Extra", nlohmann::json::object()}};
    }
    out.push_back(entry);
  }
  return out;
}

} // namespace tollgate::rego

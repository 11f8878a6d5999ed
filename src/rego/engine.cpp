#include "rego/engine.hpp"

#include "rego/builtins.hpp"
#include "rego/engine_internals.hpp"
#include "rego/eval.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

namespace tollgate::rego {

namespace fs = std::filesystem;

namespace {

RegoResult<std::string> read_text(const fs::path& file)
{
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return rego_fail("rego_parse_error", fmt::format("{}: cannot read the file", file.string()));
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

Value nest(const Value& document, const std::vector<std::string>& path)
{
  Value out = document;
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    out = Value::object({{Value::string(*it), out}});
  }
  return out;
}

} // namespace

Engine::Engine() : m_internals(std::make_unique<Internals>()) {}
Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

RegoResult<void> Engine::add_module(std::string file, std::string source)
{
  return m_internals->compiler.add_module(std::move(file), std::move(source));
}

void Engine::rename_duplicate_tests()
{
  m_internals->compiler.rename_duplicate_tests();
}

const Value& Engine::data() const
{
  return m_internals->data;
}

std::set<std::vector<std::string>> Engine::packages() const
{
  std::set<std::vector<std::string>> packages;
  for (const auto& module : m_internals->compiler.modules()) {
    packages.insert(module->package);
  }
  return packages;
}

bool Engine::defines(const std::vector<std::string>& path) const
{
  const RuleNode* node = &m_internals->compiler.root();
  for (const auto& part : path) {
    auto it = node->children.find(part);
    if (it == node->children.end()) {
      return false;
    }
    node = it->second.get();
  }
  return node->has_rules();
}

RegoResult<void> Engine::add_data(const Value& document, const std::vector<std::string>& path)
{
  if (path.empty() && !document.is_object()) {
    return rego_fail("rego_parse_error", "data documents must be JSON objects");
  }
  m_internals->data = merge_objects(m_internals->data, nest(document, path));
  return {};
}

RegoResult<void> Engine::load_file(const fs::path& file, const std::vector<std::string>& data_path)
{
  auto text = read_text(file);
  if (!text) {
    return std::unexpected(text.error());
  }
  if (file.extension() == ".rego") {
    return add_module(file.string(), std::move(*text));
  }
  if (file.extension() == ".yaml" || file.extension() == ".yml") {
    try {
      return add_data(builtin::parse_yaml(*text), data_path);
    } catch (const BuiltinError& error) {
      return rego_fail("rego_parse_error", "invalid YAML: " + error.message, file.string(), 1, 1);
    }
  }
  auto json = nlohmann::json::parse(*text, nullptr, false);
  if (json.is_discarded()) {
    return rego_fail("rego_parse_error", "invalid JSON", file.string(), 1, 1);
  }
  return add_data(from_json(json), data_path);
}

RegoResult<void> Engine::load(const fs::path& path, bool bundle)
{
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    return load_file(path, {});
  }
  if (!fs::is_directory(path, ec)) {
    return rego_fail("rego_parse_error", fmt::format("{}: no such file or directory", path.string()));
  }
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const auto extension = it->path().extension();
    const auto name = it->path().filename();
    const bool data = bundle ? (name == "data.json" || name == "data.yaml")
                             : (extension == ".json" || extension == ".yaml" || extension == ".yml");
    if (it->is_regular_file() && (extension == ".rego" || data)) {
      files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<RegoError> errors; // every file is read, so that every parse error is reported
  for (const auto& file : files) {
    std::vector<std::string> data_path;
    if (file.extension() != ".rego") {
      for (const auto& part : file.parent_path().lexically_relative(path)) {
        if (part != ".") {
          data_path.push_back(part.string());
        }
      }
    }
    if (auto ok = load_file(file, data_path); !ok) {
      errors.push_back(ok.error());
    }
  }
  if (!errors.empty()) {
    return std::unexpected(combine_errors(std::move(errors)));
  }
  return {};
}

RegoResult<void> Engine::compile()
{
  return m_internals->compiler.compile();
}

RegoResult<Query> Engine::prepare(const std::string& query) const
{
  auto compiled = m_internals->compiler.query(query);
  if (!compiled) {
    return std::unexpected(compiled.error());
  }
  return Query(std::make_shared<const CompiledQuery>(std::move(*compiled)));
}

RegoResult<std::vector<QueryRow>> Engine::eval(const Query& query, const EvalOptions& options) const
{
  return evaluate(m_internals->compiler, m_internals->data, query.compiled(), options);
}

RegoResult<std::vector<QueryRow>> Engine::eval(const std::string& text, const EvalOptions& options) const
{
  auto query = prepare(text);
  if (!query) {
    return std::unexpected(query.error());
  }
  return eval(*query, options);
}

nlohmann::json result_json(const Query& prepared, const std::vector<QueryRow>& rows)
{
  const CompiledQuery& query = prepared.compiled();
  if (rows.empty()) {
    return nlohmann::json::object();
  }
  auto result = nlohmann::json::array();
  for (const auto& row : rows) {
    auto expressions = nlohmann::json::array();
    for (std::size_t i = 0; i < row.expressions.size(); ++i) {
      const Expr& e = *query.original[i];
      expressions.push_back({{"value", to_json(row.expressions[i])},
                             {"text", query.texts[i]},
                             {"location", {{"row", e.loc.row}, {"col", e.loc.col}}}});
    }
    nlohmann::json entry = {{"expressions", expressions}};
    if (!row.bindings.empty()) {
      auto bindings = nlohmann::json::object();
      for (const auto& [name, value] : row.bindings) {
        bindings[name] = to_json(value);
      }
      entry["bindings"] = bindings;
    }
    result.push_back(entry);
  }
  return {{"result", result}};
}

nlohmann::json error_json(const RegoError& error)
{
  auto errors = nlohmann::json::array();
  auto add = [&](const RegoError& e) {
    nlohmann::json entry = {{"code", e.code}, {"message", e.message}};
    if (!e.file.empty()) {
      entry["location"] = {{"file", e.file}, {"row", e.row}, {"col", e.col}};
    }
    errors.push_back(entry);
  };
  add(error);
  for (const auto& other : error.more) {
    add(other);
  }
  return {{"errors", errors}};
}

} // namespace tollgate::rego

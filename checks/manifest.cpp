// YAML manifests: Kubernetes `env:` lists, docker-compose `environment:`, ConfigMap `data:`,
// plain maps (see env_sources.hpp).

#include "checks/env_sources.hpp"

#include "core/config/yaml_reader.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>
#include <tuple>

namespace tollgate::checks {

namespace {

// Deeper than any real manifest; also what stops a walk through an alias that contains itself.
constexpr int k_max_walk_depth = 100;
// Aliases let a small file describe a huge tree; stop walking long before that hurts.
constexpr std::size_t k_max_walk_nodes = 100000;

std::string where(const std::string& file, const YAML::Node& node)
{
  return core::location_of(node, file).str();
}

const char* type_name(const YAML::Node& node)
{
  return node.IsMap() ? "a mapping" : node.IsSequence() ? "a list" : "not a plain value";
}

class ManifestWalker {
public:
  ManifestWalker(const std::string& file, std::span<const std::string> wanted) : m_file(file), m_wanted(wanted) {}

  Result<void> document(const YAML::Node& root)
  {
    if (root.IsMap()) {
      // A plain map of variables at the top, or a ConfigMap's `data`.
      if (auto r = plain_map(root); !r) {
        return r;
      }
      const YAML::Node kind = find(root, "kind");
      if (kind.IsScalar() && kind.Scalar() == "ConfigMap") {
        const YAML::Node data = find(root, "data");
        if (data.IsMap()) {
          if (auto r = plain_map(data); !r) {
            return r;
          }
        }
      }
    }
    return walk(root, 0);
  }

  std::vector<Assignment> take() { return std::move(m_found); }

private:
  // Counts one more node read; aliases can make a small file name a great many.
  Result<void> visit(const YAML::Node& node)
  {
    if (++m_visited > k_max_walk_nodes) {
      return fail(fmt::format("{}: more than {} nodes to read (aliases repeated too often?)", where(m_file, node),
                              k_max_walk_nodes));
    }
    return {};
  }

  // The value of `key` in the mapping `map`, or an undefined node; never inserts (unlike
  // operator[]). The entries it reads count towards the limit that visit() enforces.
  YAML::Node find(const YAML::Node& map, std::string_view key)
  {
    for (const auto& entry : map) {
      ++m_visited;
      if (entry.first.IsScalar() && entry.first.Scalar() == key) {
        return entry.second;
      }
    }
    return YAML::Node(YAML::NodeType::Undefined);
  }

  bool wanted(std::string_view key) const
  {
    return m_wanted.empty() || std::find(m_wanted.begin(), m_wanted.end(), key) != m_wanted.end();
  }

  // Records one assignment located at `at` (shifted `offset` columns right); the same place twice counts once.
  void add(const std::string& key, const YAML::Node& at, std::string value, bool literal, int offset = 0)
  {
    const core::Location location = core::location_of(at, m_file);
    if (!m_seen.emplace(key, location.line, location.column).second) {
      return;
    }
    const int column = location.line > 0 ? location.column + offset : 0;
    m_found.push_back(Assignment{key, std::move(value), location.line, column, literal});
  }

  // `value` as the scalar value of `key`; null is an empty value when `null_is_empty`, else "not stated".
  Result<void> add_value(const std::string& key, const YAML::Node& value, bool null_is_empty)
  {
    if (value.IsScalar()) {
      add(key, value, value.Scalar(), true);
      return {};
    }
    if (value.IsNull()) {
      add(key, value, "", null_is_empty);
      return {};
    }
    if (m_wanted.empty()) {
      return {}; // collecting everything: a nested structure is not a variable
    }
    return fail(fmt::format("{}: `{}` must be a plain value, not {}", where(m_file, value), key, type_name(value)));
  }

  Result<void> plain_map(const YAML::Node& map)
  {
    for (const auto& entry : map) {
      if (auto r = visit(entry.second); !r) {
        return r;
      }
      if (entry.first.IsScalar() && wanted(entry.first.Scalar())) {
        if (auto r = add_value(entry.first.Scalar(), entry.second, true); !r) {
          return r;
        }
      }
    }
    return {};
  }

  // Kubernetes: `env: [{name: X, value: "30"}, {name: Y, valueFrom: {...}}]`.
  Result<void> env_list(const YAML::Node& list)
  {
    for (const auto& item : list) {
      if (auto r = visit(item); !r) {
        return r;
      }
      if (!item.IsMap()) {
        continue;
      }
      const YAML::Node name = find(item, "name");
      if (!name.IsScalar() || !wanted(name.Scalar())) {
        continue;
      }
      const YAML::Node value = find(item, "value");
      if (value.IsDefined()) {
        if (auto r = add_value(name.Scalar(), value, true); !r) {
          return r;
        }
        continue;
      }
      const YAML::Node value_from = find(item, "valueFrom");
      if (value_from.IsDefined()) {
        add(name.Scalar(), value_from, "", false);
      } else {
        add(name.Scalar(), name, "", true); // Kubernetes reads a missing `value` as ""
      }
    }
    return {};
  }

  // docker-compose: `environment: {KEY: value}` or `environment: [KEY=value, KEY]`.
  Result<void> environment(const YAML::Node& node)
  {
    if (node.IsMap()) {
      for (const auto& entry : node) {
        if (auto r = visit(entry.second); !r) {
          return r;
        }
        if (entry.first.IsScalar() && wanted(entry.first.Scalar())) {
          // `KEY:` with no value passes the variable through from the shell.
          if (auto r = add_value(entry.first.Scalar(), entry.second, false); !r) {
            return r;
          }
        }
      }
      return {};
    }
    if (!node.IsSequence()) {
      return {};
    }
    for (const auto& item : node) {
      if (auto r = visit(item); !r) {
        return r;
      }
      if (!item.IsScalar()) {
        continue;
      }
      const std::string& text = item.Scalar();
      const std::size_t equals = text.find('=');
      const std::string key = text.substr(0, equals);
      if (key.empty() || !wanted(key)) {
        continue;
      }
      if (equals == std::string::npos) {
        add(key, item, "", false);
        continue;
      }
      // Point at the value when the item is written on one line (after the quote when quoted).
      const bool single_line = text.find('\n') == std::string::npos && equals < 10000;
      const int offset = single_line ? static_cast<int>(equals) + 1 + (item.Tag() == "?" ? 0 : 1) : 0;
      add(key, item, text.substr(equals + 1), true, offset);
    }
    return {};
  }

  Result<void> walk(const YAML::Node& node, int depth)
  {
    if (depth > k_max_walk_depth) {
      return fail(fmt::format("{}: nested more than {} levels deep (or an alias that contains itself)",
                              where(m_file, node), k_max_walk_depth));
    }
    if (auto r = visit(node); !r) {
      return r;
    }
    if (node.IsSequence()) {
      for (const auto& item : node) {
        if (auto r = walk(item, depth + 1); !r) {
          return r;
        }
      }
      return {};
    }
    if (!node.IsMap()) {
      return {};
    }
    for (const auto& entry : node) {
      if (entry.first.IsScalar()) {
        const std::string& key = entry.first.Scalar();
        if (key == "env" && entry.second.IsSequence()) {
          if (auto r = env_list(entry.second); !r) {
            return r;
          }
        } else if (key == "environment") {
          if (auto r = environment(entry.second); !r) {
            return r;
          }
        }
      }
      if (auto r = walk(entry.second, depth + 1); !r) {
        return r;
      }
    }
    return {};
  }

  const std::string& m_file;
  std::span<const std::string> m_wanted;
  std::vector<Assignment> m_found;
  std::set<std::tuple<std::string, int, int>> m_seen;
  std::size_t m_visited = 0;
};

} // namespace

Result<std::vector<Assignment>> parse_manifest(std::string_view text, const std::string& file,
                                               std::span<const std::string> wanted_keys)
{
  const auto documents = core::load_all_yaml(text, file);
  if (!documents) {
    return std::unexpected(documents.error());
  }
  try {
    ManifestWalker walker(file, wanted_keys);
    for (const auto& document : *documents) {
      if (auto r = walker.document(document); !r) {
        return std::unexpected(r.error());
      }
    }
    return walker.take();
  } catch (const std::exception& error) {
    return fail(fmt::format("{}: {}", file, error.what()));
  }
}

} // namespace tollgate::checks

#include "rego/annotations.hpp"

#include "rego/builtins.hpp"

#include <fmt/format.h>

#include <map>

namespace tollgate::rego {

namespace {

// `Jane Doe <jane@example.com>` as OPA reads an author: {"name": ..., "email": ...}.
Value author(const Value& v)
{
  if (!v.is_string()) {
    return v;
  }
  std::string text = v.as_string();
  Entries out;
  const std::size_t open = text.rfind('<');
  if (open != std::string::npos && text.ends_with(">")) {
    out.emplace_back(Value::string("email"), Value::string(text.substr(open + 1, text.size() - open - 2)));
    text = text.substr(0, open);
  }
  while (!text.empty() && text.back() == ' ') {
    text.pop_back();
  }
  if (!text.empty()) {
    out.emplace_back(Value::string("name"), Value::string(text));
  }
  return Value::object(std::move(out));
}

// The fields OPA keeps, in its shape (authors and related resources as objects).
Value fields_of(const Value& yaml)
{
  Entries out;
  for (const auto& [k, v] : yaml.as_object()) {
    const std::string& name = k.as_string();
    if (name == "authors" || name == "related_resources") {
      Array items;
      for (const auto& item : v.as_array()) {
        if (name == "authors") {
          items.push_back(author(item));
        } else {
          items.push_back(item.is_string() ? Value::object({{Value::string("ref"), item}}) : item);
        }
      }
      out.emplace_back(k, Value::array(std::move(items)));
    } else if (name == "title" || name == "description" || name == "organizations" || name == "custom" ||
               name == "schemas" || (name == "entrypoint" && v.is_true())) {
      out.emplace_back(k, v);
    }
  }
  return Value::object(std::move(out));
}

Value with_scope(const Annotation& a)
{
  Entries entries = a.fields.as_object();
  entries.emplace_back(Value::string("scope"), Value::string(a.scope));
  return Value::object(std::move(entries));
}

Value path_value(const std::vector<std::string>& path)
{
  Array items;
  for (const auto& part : path) {
    items.push_back(Value::string(part));
  }
  return Value::array(std::move(items));
}

// The rule's path below `data`: its package, then its head's constant prefix.
std::vector<std::string> rule_path(const Rule& rule)
{
  std::vector<std::string> path = rule.module->package;
  for (const auto& part : rule.head_ref) {
    if (part->kind != TermKind::scalar || !part->value.is_string()) {
      break;
    }
    path.push_back(part->value.as_string());
  }
  return path;
}

} // namespace

RegoResult<void> parse_annotations(Module& module, const std::vector<Comment>& comments)
{
  for (std::size_t i = 0; i < comments.size(); ++i) {
    const Comment& first = comments[i];
    std::string head = first.text;
    while (!head.empty() && (head.back() == ' ' || head.back() == '\r')) {
      head.pop_back();
    }
    if (first.col != 1 || head.find_first_not_of(' ') == std::string::npos ||
        head.substr(head.find_first_not_of(' ')) != "METADATA") {
      continue;
    }
    std::string yaml;
    int last = first.row;
    std::size_t j = i + 1;
    for (; j < comments.size() && comments[j].row == last + 1 && comments[j].col == 1; ++j) {
      const std::string& text = comments[j].text;
      yaml += (text.starts_with(" ") ? text.substr(1) : text) + "\n";
      last = comments[j].row;
    }
    i = j - 1;
    Value parsed;
    try {
      parsed = builtin::parse_yaml(yaml);
    } catch (const BuiltinError& error) {
      return rego_fail("rego_parse_error", "invalid METADATA block: " + error.message, module.file, first.row, 1);
    }
    if (!parsed.is_object()) {
      return rego_fail("rego_parse_error", "invalid METADATA block: expected a YAML mapping", module.file, first.row,
                       1);
    }
    Annotation annotation;
    annotation.loc = Location{&module.file, first.row, 1};
    annotation.fields = fields_of(parsed);
    const Value* scope = parsed.find("scope");
    if (module.package_loc.row > last) {
      annotation.scope = scope != nullptr && scope->is_string() ? scope->as_string() : "package";
    } else {
      for (const auto& rule : module.rules) {
        if (rule->loc.row > last) {
          annotation.rule = rule.get();
          break;
        }
      }
      if (annotation.rule == nullptr) {
        continue; // nothing follows the block
      }
      annotation.scope = scope != nullptr && scope->is_string() ? scope->as_string() : "rule";
    }
    module.annotations.push_back(std::move(annotation));
  }
  return {};
}

Value AnnotationSet::chain(const Rule& rule) const
{
  const std::vector<std::string> path = rule_path(rule);
  Array out;
  Value own = Value::object({{Value::string("path"), path_value(path)}});
  Value document;
  std::map<std::vector<std::string>, Value> packages;    // package scope, by package
  std::map<std::vector<std::string>, Value> subpackages; // subpackages scope, by package
  for (const auto& module : m_modules) {
    for (const auto& a : module->annotations) {
      if (a.scope == "rule" && a.rule == &rule) {
        own = Value::object({{Value::string("annotations"), with_scope(a)}, {Value::string("path"), path_value(path)}});
      } else if (a.scope == "document" && a.rule != nullptr && rule_path(*a.rule) == path && !document.defined()) {
        document =
            Value::object({{Value::string("annotations"), with_scope(a)}, {Value::string("path"), path_value(path)}});
      } else if (a.rule == nullptr && (a.scope == "package" || a.scope == "subpackages")) {
        auto& slot = a.scope == "package" ? packages[module->package] : subpackages[module->package];
        if (!slot.defined()) {
          slot = Value::object(
              {{Value::string("annotations"), with_scope(a)}, {Value::string("path"), path_value(module->package)}});
        }
      }
    }
  }
  out.push_back(own);
  if (document.defined()) {
    out.push_back(document);
  }
  const auto& package = rule.module->package;
  if (auto it = packages.find(package); it != packages.end()) {
    out.push_back(it->second);
  }
  for (std::size_t n = package.size() + 1; n-- > 0;) {
    const std::vector<std::string> prefix(package.begin(), package.begin() + static_cast<std::ptrdiff_t>(n));
    if (auto it = subpackages.find(prefix); it != subpackages.end()) {
      out.push_back(it->second);
    }
  }
  return Value::array(std::move(out));
}

Value AnnotationSet::rule(const Rule& rule) const
{
  for (const auto& module : m_modules) {
    for (const auto& a : module->annotations) {
      if (a.scope == "rule" && a.rule == &rule) {
        return with_scope(a);
      }
    }
  }
  return Value::object({});
}

} // namespace tollgate::rego

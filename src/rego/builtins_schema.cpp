// json.verify_schema and json.match_schema: JSON Schema drafts 4, 6 and 7, checked the way OPA's
// (vendored) gojsonschema does, with its error objects {error, type, field, desc} and its order.
// References: local JSON pointers only ("#", "#/definitions/x"); a gate fetches nothing remote.

#include "rego/builtins.hpp"
#include "rego/json_schema.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

namespace tollgate::rego {

namespace {

using builtin::error;

struct Error {
  std::string type;
  std::string field;
  std::string desc;
};

struct Result {
  std::vector<Error> errors;
  int score = 0;
  bool valid() const { return errors.empty(); }
  void merge(const Result& other)
  {
    errors.insert(errors.end(), other.errors.begin(), other.errors.end());
    score += other.score;
  }
};

std::string field_of(const std::vector<std::string>& path)
{
  if (path.empty()) {
    return "(root)";
  }
  std::string out;
  for (const auto& p : path) {
    out += (out.empty() ? "" : ".") + p;
  }
  return out;
}

using schema::is_integer;
using schema::marshal;

// Go's big.Float text of a schema bound ('g', 10 digits).
std::string bound_text(const Value& v)
{
  return v.is_int() ? std::to_string(v.as_int()) : fmt::format("{:.10g}", v.as_double());
}

class Validator {
public:
  explicit Validator(Value root) : m_root(std::move(root)) { schema::check(m_root); }

  Result validate(const Value& document)
  {
    Result r;
    std::vector<std::string> path;
    recurse(m_root, document, r, path, 0);
    return r;
  }

private:
  static void add(Result& r, const std::vector<std::string>& path, std::string type, std::string desc)
  {
    r.errors.push_back({std::move(type), field_of(path), std::move(desc)});
  }

  Result sub(const Value& schema, const Value& v, std::vector<std::string>& path, int depth)
  {
    Result r;
    recurse(schema, v, r, path, depth + 1);
    return r;
  }

  static std::string types_text(const Value& t)
  {
    if (!t.is_array()) {
      return t.as_string();
    }
    std::vector<std::string> names;
    for (const Value& n : t.as_array()) {
      names.push_back(n.as_string());
    }
    return names.size() == 1 ? names[0] : "[" + fmt::format("{}", fmt::join(names, ",")) + "]";
  }

  static std::string given_type(const Value& v)
  {
    if (v.is_number()) {
      return is_integer(v) ? "integer" : "number";
    }
    return std::string(type_name(v));
  }

  static bool type_allows(const Value& t, const Value& v)
  {
    const auto one = [&](const std::string& name) {
      return name == given_type(v) || (name == "number" && v.is_number()) || (name == "object" && v.is_object()) ||
             (name == "array" && v.is_array());
    };
    if (t.is_array()) {
      return std::any_of(t.as_array().begin(), t.as_array().end(), [&](const Value& n) { return one(n.as_string()); });
    }
    return one(t.as_string());
  }

  void recurse(const Value& s, const Value& v, Result& r, std::vector<std::string>& path, int depth)
  {
    if (depth > 256) {
      error("json.match_schema", "schema recursion is too deep");
    }
    if (s.is_bool()) {
      if (s.is_false()) {
        add(r, path, "false", "False always fails validation");
      }
      return;
    }
    if (const Value* ref = s.find("$ref")) {
      recurse(*schema::resolve(m_root, ref->as_string()), v, r, path, depth + 1);
      return;
    }
    if (const Value* t = s.find("type"); t != nullptr && !type_allows(*t, v)) {
      add(r, path, "invalid_type", fmt::format("Invalid type. Expected: {}, given: {}", types_text(*t), given_type(v)));
      return;
    }
    combinators(s, v, r, path, depth);
    if (v.is_number()) {
      numeric(s, v, r, path);
    }
    if (v.is_array()) {
      array(s, v, r, path, depth);
    }
    if (v.is_object()) {
      object(s, v, r, path, depth);
    }
    common(s, v, r, path);
    if (v.is_string()) {
      string(s, v, r, path);
    }
    if (v.is_object()) {
      if (const Value* properties = s.find("properties"); properties != nullptr && properties->is_object()) {
        for (const auto& [k, child] : properties->as_object()) {
          const Value next = v.get(k);
          if (next.defined()) {
            path.push_back(k.as_string());
            recurse(child, next, r, path, depth + 1);
            path.pop_back();
          }
        }
      }
    }
    ++r.score;
  }

  void combinators(const Value& s, const Value& v, Result& r, std::vector<std::string>& path, int depth)
  {
    if (const Value* any_of = s.find("anyOf")) {
      std::optional<Result> best;
      bool ok = false;
      for (const Value& option : any_of->as_array()) {
        Result attempt = sub(option, v, path, depth);
        if (attempt.valid()) {
          ok = true;
          break;
        }
        if (!best || attempt.score > best->score) {
          best = std::move(attempt);
        }
      }
      if (!ok) {
        add(r, path, "number_any_of", "Must validate at least one schema (anyOf)");
        r.merge(*best);
      }
    }
    if (const Value* one_of = s.find("oneOf")) {
      int passed = 0;
      std::optional<Result> best;
      for (const Value& option : one_of->as_array()) {
        Result attempt = sub(option, v, path, depth);
        if (attempt.valid()) {
          ++passed;
        } else if (passed == 0 && (!best || attempt.score > best->score)) {
          best = std::move(attempt);
        }
      }
      if (passed != 1) {
        add(r, path, "number_one_of", "Must validate one and only one schema (oneOf)");
        if (passed == 0) {
          r.merge(*best);
        }
      }
    }
    if (const Value* all_of = s.find("allOf")) {
      std::size_t passed = 0;
      for (const Value& option : all_of->as_array()) {
        Result attempt = sub(option, v, path, depth);
        passed += attempt.valid() ? 1U : 0U;
        r.merge(attempt);
      }
      if (passed != all_of->as_array().size()) {
        add(r, path, "number_all_of", "Must validate all the schemas (allOf)");
      }
    }
    if (const Value* negated = s.find("not"); negated != nullptr && sub(*negated, v, path, depth).valid()) {
      add(r, path, "number_not", "Must not validate the schema (not)");
    }
    if (const Value* dependencies = s.find("dependencies"); dependencies != nullptr && v.is_object()) {
      for (const auto& [k, item] : v.as_object()) {
        const Value dependency = dependencies->get(k);
        if (dependency.is_array()) {
          for (const Value& needed : dependency.as_array()) {
            if (!v.get(needed).defined()) {
              add(r, path, "missing_dependency", fmt::format("Has a dependency on {}", needed.as_string()));
            }
          }
        } else if (dependency.is_object() || dependency.is_bool()) {
          recurse(dependency, v, r, path, depth + 1);
        }
      }
    }
    if (const Value* condition = s.find("if")) {
      const bool holds = sub(*condition, v, path, depth).valid();
      const char* branch = holds ? "then" : "else";
      if (const Value* next = s.find(branch)) {
        Result attempt = sub(*next, v, path, depth);
        if (!attempt.valid()) {
          add(r, path, holds ? "condition_then" : "condition_else",
              holds ? R"(Must validate "then" as "if" was valid)" : R"(Must validate "else" as "if" was not valid)");
          r.merge(attempt);
        }
      }
    }
    ++r.score;
  }

  static void common(const Value& s, const Value& v, Result& r, const std::vector<std::string>& path)
  {
    if (const Value* c = s.find("const"); c != nullptr && !(*c == v)) {
      add(r, path, "const", fmt::format("{} does not match: {}", field_of(path), marshal(*c)));
    }
    if (const Value* e = s.find("enum"); e != nullptr && e->is_array()) {
      const Array& allowed = e->as_array();
      if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
        std::vector<std::string> texts;
        for (const Value& a : allowed) {
          texts.push_back(marshal(a));
        }
        const std::string list = texts.empty() ? "(none)" : fmt::format("{}", fmt::join(texts, ", "));
        add(r, path, "enum", fmt::format("{} must be one of the following: {}", field_of(path), list));
      }
    }
    if (const Value* f = s.find("format");
        f != nullptr && f->is_string() && v.is_string() && !format_ok(f->as_string(), v.as_string())) {
      add(r, path, "format", fmt::format("Does not match format '{}'", f->as_string()));
    }
    ++r.score;
  }

  static bool format_ok(const std::string& format, const std::string& s)
  {
    static const std::map<std::string, std::string> k_formats = {
        {"date-time", R"(\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2}))"},
        {"date", R"(\d{4}-\d{2}-\d{2})"},
        {"time", R"(\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2}))"},
        {"email", R"([^@\s]+@[^@\s]+)"},
        {"ipv4", R"((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})"},
        {"uuid", R"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"},
        {"hostname", R"([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)"},
        {"uri", R"([A-Za-z][A-Za-z0-9+.-]*:\S*)"},
    };
    const auto it = k_formats.find(format);
    return it == k_formats.end() || RE2::FullMatch(s, RE2(it->second, RE2::Quiet));
  }

  static void string(const Value& s, const Value& v, Result& r, const std::vector<std::string>& path)
  {
    std::int64_t length = 0;
    for (std::size_t i = 0; i < v.as_string().size(); i = builtin::utf8_next(v.as_string(), i)) {
      ++length;
    }
    if (const Value* n = s.find("minLength"); n != nullptr && static_cast<double>(length) < n->as_double()) {
      add(r, path, "string_gte", fmt::format("String length must be greater than or equal to {}", bound_text(*n)));
    }
    if (const Value* n = s.find("maxLength"); n != nullptr && static_cast<double>(length) > n->as_double()) {
      add(r, path, "string_lte", fmt::format("String length must be less than or equal to {}", bound_text(*n)));
    }
    if (const Value* p = s.find("pattern"); p != nullptr && !RE2::PartialMatch(v.as_string(), RE2(p->as_string()))) {
      add(r, path, "pattern", fmt::format("Does not match pattern '{}'", p->as_string()));
    }
    ++r.score;
  }

  static void numeric(const Value& s, const Value& v, Result& r, const std::vector<std::string>& path)
  {
    const double x = v.as_double();
    if (const Value* m = s.find("multipleOf"); m != nullptr && m->as_double() != 0) {
      const double q = x / m->as_double();
      if (std::fabs(q - std::round(q)) > 1e-9 * std::max(1.0, std::fabs(q))) {
        add(r, path, "multiple_of", fmt::format("Must be a multiple of {}", bound_text(*m)));
      }
    }
    const Value* maximum = s.find("maximum");
    const Value* exclusive_max = s.find("exclusiveMaximum");
    const Value* minimum = s.find("minimum");
    const Value* exclusive_min = s.find("exclusiveMinimum");
    // Draft 4 spells exclusivity as a boolean beside maximum / minimum.
    const bool draft4_max = exclusive_max != nullptr && exclusive_max->is_true() && maximum != nullptr;
    const bool draft4_min = exclusive_min != nullptr && exclusive_min->is_true() && minimum != nullptr;
    if (maximum != nullptr && maximum->is_number() && !draft4_max && x > maximum->as_double()) {
      add(r, path, "number_lte", fmt::format("Must be less than or equal to {}", bound_text(*maximum)));
    }
    const Value* lt =
        draft4_max ? maximum : (exclusive_max != nullptr && exclusive_max->is_number() ? exclusive_max : nullptr);
    if (lt != nullptr && x >= lt->as_double()) {
      add(r, path, "number_lt", fmt::format("Must be less than {}", bound_text(*lt)));
    }
    if (minimum != nullptr && minimum->is_number() && !draft4_min && x < minimum->as_double()) {
      add(r, path, "number_gte", fmt::format("Must be greater than or equal to {}", bound_text(*minimum)));
    }
    const Value* gt =
        draft4_min ? minimum : (exclusive_min != nullptr && exclusive_min->is_number() ? exclusive_min : nullptr);
    if (gt != nullptr && x <= gt->as_double()) {
      add(r, path, "number_gt", fmt::format("Must be greater than {}", bound_text(*gt)));
    }
    ++r.score;
  }

  void array(const Value& s, const Value& v, Result& r, std::vector<std::string>& path, int depth)
  {
    const Array& items = v.as_array();
    const auto each = [&](const Value& schema, std::size_t i) {
      path.push_back(std::to_string(i));
      r.merge(sub(schema, items[i], path, depth));
      path.pop_back();
    };
    if (const Value* item_schema = s.find("items")) {
      if (!item_schema->is_array()) {
        for (std::size_t i = 0; i < items.size(); ++i) {
          each(*item_schema, i);
        }
      } else {
        const Array& tuple = item_schema->as_array();
        for (std::size_t i = 0; i < tuple.size() && i < items.size(); ++i) {
          each(tuple[i], i);
        }
        if (const Value* extra = s.find("additionalItems"); extra != nullptr && tuple.size() < items.size()) {
          if (extra->is_false()) {
            add(r, path, "array_no_additional_items", "No additional items allowed on array");
          } else if (extra->is_object()) {
            for (std::size_t i = tuple.size(); i < items.size(); ++i) {
              each(*extra, i);
            }
          }
        }
      }
    }
    if (const Value* n = s.find("minItems"); n != nullptr && static_cast<double>(items.size()) < n->as_double()) {
      add(r, path, "array_min_items", fmt::format("Array must have at least {} items", bound_text(*n)));
    }
    if (const Value* n = s.find("maxItems"); n != nullptr && static_cast<double>(items.size()) > n->as_double()) {
      add(r, path, "array_max_items", fmt::format("Array must have at most {} items", bound_text(*n)));
    }
    if (const Value* unique = s.find("uniqueItems"); unique != nullptr && unique->is_true()) {
      std::map<std::string, std::size_t> seen;
      for (std::size_t j = 0; j < items.size(); ++j) {
        const std::string text = marshal(items[j]);
        if (auto it = seen.find(text); it != seen.end()) {
          add(r, path, "unique", fmt::format("array items[{},{}] must be unique", it->second, j));
        }
        seen[text] = j;
      }
    }
    if (const Value* contains = s.find("contains")) {
      std::optional<Result> best;
      bool found = false;
      for (std::size_t i = 0; i < items.size() && !found; ++i) {
        path.push_back(std::to_string(i));
        Result attempt = sub(*contains, items[i], path, depth);
        path.pop_back();
        found = attempt.valid();
        if (!found && (!best || attempt.score > best->score)) {
          best = std::move(attempt);
        }
      }
      if (!found) {
        add(r, path, "contains", "At least one of the items must match");
        if (best) {
          r.merge(*best);
        }
      }
    }
    ++r.score;
  }

  void object(const Value& s, const Value& v, Result& r, std::vector<std::string>& path, int depth)
  {
    const Entries& entries = v.as_object();
    const auto count = static_cast<double>(entries.size());
    if (const Value* n = s.find("minProperties"); n != nullptr && count < n->as_double()) {
      add(r, path, "array_min_properties", fmt::format("Must have at least {} properties", bound_text(*n)));
    }
    if (const Value* n = s.find("maxProperties"); n != nullptr && count > n->as_double()) {
      add(r, path, "array_max_properties", fmt::format("Must have at most {} properties", bound_text(*n)));
    }
    if (const Value* required = s.find("required"); required != nullptr && required->is_array()) {
      for (const Value& name : required->as_array()) {
        if (v.get(name).defined()) {
          ++r.score;
        } else {
          add(r, path, "required", fmt::format("{} is required", name.is_string() ? name.as_string() : marshal(name)));
        }
      }
    }
    const Value* properties = s.find("properties");
    const Value* patterns = s.find("patternProperties");
    const Value* additional = s.find("additionalProperties");
    for (const auto& [k, item] : entries) {
      const std::string key = k.is_string() ? k.as_string() : marshal(k);
      const bool described = properties != nullptr && properties->get(k).defined();
      bool matched = false;
      if (patterns != nullptr) {
        for (const auto& [pattern, schema] : patterns->as_object()) {
          if (RE2::PartialMatch(key, RE2(pattern.as_string()))) {
            matched = true;
            path.push_back(key);
            r.merge(sub(schema, item, path, depth));
            path.pop_back();
          }
        }
        r.score += matched ? 1 : 0;
      }
      if (!described && !matched && additional != nullptr) {
        if (additional->is_false()) {
          add(r, path, "additional_property_not_allowed", fmt::format("Additional property {} is not allowed", key));
        } else if (additional->is_object()) {
          path.push_back(key);
          r.merge(sub(*additional, item, path, depth));
          path.pop_back();
        }
      }
    }
    if (const Value* names = s.find("propertyNames")) {
      for (const auto& [k, item] : entries) {
        Result attempt = sub(*names, k, path, depth);
        if (!attempt.valid()) {
          add(r, path, "invalid_property_name",
              fmt::format("Property name of \"{}\" does not match", k.is_string() ? k.as_string() : marshal(k)));
          r.merge(attempt);
        }
      }
    }
    ++r.score;
  }

  Value m_root;
};

// A schema or document operand: a JSON string, an object, or (documents) an array.
Value operand(std::string_view name, const Value& v, bool schema)
{
  if (v.is_string()) {
    auto parsed = nlohmann::json::parse(v.as_string(), nullptr, false);
    if (parsed.is_discarded()) {
      error(name, "invalid JSON string");
    }
    return from_json(parsed);
  }
  if (v.is_object() || v.is_array() || (schema && v.is_bool())) {
    return from_json(to_json(v));
  }
  error(name, "wrong type, expected string or object");
}

Value verify_schema(std::span<const Value> a, BuiltinContext&)
{
  try {
    if (!a[0].is_string() && !a[0].is_object() && !a[0].is_array()) {
      throw schema::SchemaError{"wrong type, expected string or object"};
    }
    if (a[0].is_string() && nlohmann::json::parse(a[0].as_string(), nullptr, false).is_discarded()) {
      throw schema::SchemaError{"invalid JSON string"};
    }
    Validator validator(operand("json.verify_schema", a[0], true));
  } catch (const schema::SchemaError& e) {
    return Value::array({Value::boolean(false), Value::string("jsonschema: " + e.message)});
  }
  return Value::array({Value::boolean(true), Value::null()});
}

Value match_schema(std::span<const Value> a, BuiltinContext&)
{
  constexpr std::string_view k_name = "json.match_schema";
  const Value document = operand(k_name, a[0], false);
  std::optional<Validator> validator;
  try {
    validator.emplace(operand(k_name, a[1], true));
  } catch (const schema::SchemaError& e) {
    error(k_name, e.message);
  }
  const Result result = validator->validate(document);
  Array errors;
  for (const Error& e : result.errors) {
    errors.push_back(Value::object({{Value::string("error"), Value::string(e.field + ": " + e.desc)},
                                    {Value::string("type"), Value::string(e.type)},
                                    {Value::string("field"), Value::string(e.field)},
                                    {Value::string("desc"), Value::string(e.desc)}}));
  }
  return Value::array({Value::boolean(result.valid()), Value::array(std::move(errors))});
}

constexpr Builtin k_schema[] = {
    {"json.verify_schema", 1, &verify_schema},
    {"json.match_schema", 2, &match_schema},
};

} // namespace

std::span<const Builtin> builtin::schema_builtins()
{
  return k_schema;
}

} // namespace tollgate::rego

// Built-in type declarations, written in a compact notation and expanded into OPA's JSON types:
//   any string number boolean null        scalar types
//   array[T] set[T] object[K:V]           collections (array, set, object alone: of any)
//   <T,U>                                 an array of fixed shape
//   T|U                                   either
// A signature is "T1,T2 => R".

#include "rego/engine.hpp"

#include "rego/builtins.hpp"

#include <map>
#include <stdexcept>
#include <string>

namespace tollgate::rego {

namespace {

using nlohmann::json;

// clang-format off
const std::map<std::string_view, std::string_view>& signatures()
{
  static const std::map<std::string_view, std::string_view> k_signatures = {
      {"abs", "number => number"}, {"all", "array|set => boolean"}, {"any", "array|set => boolean"},
      {"and", "set, set => set"}, {"or", "set, set => set"}, {"array.concat", "array, array => array"},
      {"array.reverse", "array => array"}, {"array.slice", "array, number, number => array"},
      {"assign", "any, any => boolean"}, {"eq", "any, any => boolean"},
      {"base64.decode", "string => string"}, {"base64.encode", "string => string"},
      {"base64.is_valid", "string => boolean"}, {"base64url.decode", "string => string"},
      {"base64url.encode", "string => string"}, {"base64url.encode_no_pad", "string => string"},
      {"bits.and", "number, number => number"}, {"bits.or", "number, number => number"},
      {"bits.xor", "number, number => number"}, {"bits.lsh", "number, number => number"},
      {"bits.rsh", "number, number => number"}, {"bits.negate", "number => number"},
      {"cast_array", "any => array"}, {"cast_boolean", "any => boolean"}, {"cast_null", "any => null"},
      {"cast_object", "any => object"}, {"cast_set", "any => set"}, {"cast_string", "any => string"},
      {"ceil", "number => number"}, {"floor", "number => number"}, {"round", "number => number"},
      {"concat", "string, array[string]|set[string] => string"}, {"contains", "string, string => boolean"},
      {"count", "array|object|set|string => number"},
      {"crypto.hmac.equal", "string, string => boolean"}, {"crypto.hmac.md5", "string, string => string"},
      {"crypto.hmac.sha1", "string, string => string"}, {"crypto.hmac.sha256", "string, string => string"},
      {"crypto.hmac.sha512", "string, string => string"}, {"crypto.md5", "string => string"},
      {"crypto.sha1", "string => string"}, {"crypto.sha256", "string => string"},
      {"crypto.x509.parse_certificates", "string => array[object[string:any]]"},
      {"crypto.x509.parse_and_verify_certificates", "string => <boolean,array[object[string:any]]>"},
      {"div", "number, number => number"}, {"mul", "number, number => number"}, {"rem", "number, number => number"},
      {"plus", "number, number => number"}, {"minus", "number|set, number|set => number|set"},
      {"endswith", "string, string => boolean"}, {"startswith", "string, string => boolean"},
      {"equal", "any, any => boolean"}, {"neq", "any, any => boolean"}, {"lt", "any, any => boolean"},
      {"lte", "any, any => boolean"}, {"gt", "any, any => boolean"}, {"gte", "any, any => boolean"},
      {"format_int", "number, number => string"}, {"glob.match", "string, array[string]|null, string => boolean"},
      {"glob.quote_meta", "string => string"},
      {"graph.reachable", "object[any:array[any]|set[any]], array[any]|set[any] => set[any]"},
      {"graph.reachable_paths", "object[any:array[any]|set[any]], array[any]|set[any] => set[array[any]]"},
      {"hex.decode", "string => string"}, {"hex.encode", "string => string"},
      {"http.send", "object[string:any] => object"}, {"net.lookup_ip_addr", "string => set[string]"},
      {"indexof", "string, string => number"}, {"indexof_n", "string, string => array[number]"},
      {"internal.member_2", "any, any => boolean"}, {"internal.member_3", "any, any, any => boolean"},
      {"intersection", "set[set[any]] => set"}, {"union", "set[set[any]] => set"},
      {"io.jwt.decode", "string => <object[any:any],object[any:any],string>"},
      {"io.jwt.decode_verify", "string, object[string:any] => <boolean,object[any:any],object[any:any]>"},
      {"io.jwt.verify_es256", "string, string => boolean"}, {"io.jwt.verify_es384", "string, string => boolean"},
      {"io.jwt.verify_es512", "string, string => boolean"}, {"io.jwt.verify_hs256", "string, string => boolean"},
      {"io.jwt.verify_hs384", "string, string => boolean"}, {"io.jwt.verify_hs512", "string, string => boolean"},
      {"io.jwt.verify_ps256", "string, string => boolean"}, {"io.jwt.verify_ps384", "string, string => boolean"},
      {"io.jwt.verify_ps512", "string, string => boolean"}, {"io.jwt.verify_rs256", "string, string => boolean"},
      {"io.jwt.verify_rs384", "string, string => boolean"}, {"io.jwt.verify_rs512", "string, string => boolean"},
      {"is_array", "any => boolean"}, {"is_boolean", "any => boolean"}, {"is_null", "any => boolean"},
      {"is_number", "any => boolean"}, {"is_object", "any => boolean"}, {"is_set", "any => boolean"},
      {"is_string", "any => boolean"}, {"type_name", "any => string"},
      {"json.filter", "object[any:any], array[array[any]|string]|set[array[any]|string] => any"},
      {"json.remove", "object[any:any], array[array[any]|string]|set[array[any]|string] => any"},
      {"json.patch", "any, array[object[string:any]] => any"}, {"json.is_valid", "string => boolean"},
      {"json.marshal", "any => string"}, {"json.marshal_with_options", "any, object[string:boolean|string] => string"},
      {"json.unmarshal", "string => any"},
      {"json.match_schema", "any, any => <boolean,array[object[string:any]]>"},
      {"json.verify_schema", "any => <boolean,null|string>"},
      {"lower", "string => string"}, {"upper", "string => string"}, {"max", "array|set => any"},
      {"min", "array|set => any"}, {"sort", "array|set => array"}, {"sum", "array[number]|set[number] => number"},
      {"product", "array[number]|set[number] => number"},
      {"net.cidr_contains", "string, string => boolean"}, {"net.cidr_overlap", "string, string => boolean"},
      {"net.cidr_contains_matches", "string|array[string|array[any]]|set[string|array[any]]|object[any:string|array[any]], "
                                    "string|array[string|array[any]]|set[string|array[any]]|object[any:string|array[any]] => set[<any,any>]"},
      {"net.cidr_expand", "string => set[string]"}, {"net.cidr_intersects", "string, string => boolean"},
      {"net.cidr_is_valid", "string => boolean"}, {"net.cidr_merge", "array[string]|set[string] => set[string]"},
      {"numbers.range", "number, number => array[number]"},
      {"numbers.range_step", "number, number, number => array[number]"},
      {"object.filter", "object[any:any], array[any]|object[any:any]|set[any] => any"},
      {"object.get", "object[any:any], any, any => any"}, {"object.keys", "object[any:any] => set[any]"},
      {"object.remove", "object[any:any], array[any]|object[any:any]|set[any] => any"},
      {"object.subset", "array[any]|object[any:any]|set[any], array[any]|object[any:any]|set[any] => any"},
      {"object.union", "object[any:any], object[any:any] => any"},
      {"object.union_n", "array[object[any:any]] => any"},
      {"opa.runtime", " => object[string:any]"}, {"print", "any => boolean"}, {"trace", "string => boolean"},
      {"rego.metadata.chain", " => array[any]"}, {"rego.metadata.rule", " => any"},
      {"rego.parse_module", "string, string => object[string:any]"},
      {"re_match", "string, string => boolean"}, {"regex.match", "string, string => boolean"},
      {"regex.find_all_string_submatch_n", "string, string, number => array[array[string]]"},
      {"regex.find_n", "string, string, number => array[string]"}, {"regex.is_valid", "any => boolean"},
      {"regex.replace", "string, string, string => string"},
      {"regex.template_match", "string, string, string, string => boolean"}, {"regex.split", "string, string => array[string]"},
      {"replace", "string, string, string => string"}, {"semver.compare", "string, string => number"},
      {"semver.is_valid", "any => boolean"}, {"set_diff", "set, set => set"}, {"split", "string, string => array[string]"},
      {"sprintf", "string, array => string"}, {"strings.any_prefix_match", "string|array[string]|set[string], string|array[string]|set[string] => boolean"},
      {"strings.any_suffix_match", "string|array[string]|set[string], string|array[string]|set[string] => boolean"},
      {"strings.count", "string, string => number"}, {"strings.render_template", "string, object[string:any] => string"},
      {"strings.replace_n", "object[string:string], string => string"}, {"strings.reverse", "string => string"},
      {"substring", "string, number, number => string"}, {"test.sleep", "string => null"},
      {"time.add_date", "number, number, number, number => number"},
      {"time.clock", "number|<number,string> => <number,number,number>"},
      {"time.date", "number|<number,string> => <number,number,number>"},
      {"time.diff", "number|<number,string>, number|<number,string> => <number,number,number,number,number,number>"},
      {"time.format", "number|<number,string>|<number,string,string> => string"}, {"time.now_ns", " => number"},
      {"time.parse_duration_ns", "string => number"}, {"time.parse_ns", "string, string => number"},
      {"time.parse_rfc3339_ns", "string => number"}, {"time.weekday", "number|<number,string> => string"},
      {"to_number", "null|boolean|number|string => number"}, {"trim", "string, string => string"},
      {"trim_left", "string, string => string"}, {"trim_prefix", "string, string => string"},
      {"trim_right", "string, string => string"}, {"trim_space", "string => string"},
      {"trim_suffix", "string, string => string"}, {"units.parse", "string => number"},
      {"units.parse_bytes", "string => number"}, {"urlquery.decode", "string => string"},
      {"urlquery.decode_object", "string => object[string:array[string]]"}, {"urlquery.encode", "string => string"},
      {"urlquery.encode_object", "object[string:array[string]|set[string]|string] => string"},
      {"walk", "any => <array[any],any>"}, {"yaml.is_valid", "string => boolean"},
      {"yaml.marshal", "any => string"}, {"yaml.unmarshal", "string => any"},
  };
  return k_signatures;
}
// clang-format on

const std::map<std::string_view, std::string_view> k_infix = {
    {"equal", "=="},
    {"neq", "!="},
    {"lt", "<"},
    {"lte", "<="},
    {"gt", ">"},
    {"gte", ">="},
    {"plus", "+"},
    {"minus", "-"},
    {"mul", "*"},
    {"div", "/"},
    {"rem", "%"},
    {"and", "&"},
    {"or", "|"},
    {"internal.member_2", "in"},
    {"internal.member_3", "in"},
    {"eq", "="},
    {"assign", ":="},
};

class TypeParser {
public:
  explicit TypeParser(std::string_view text) : m_text(text) {}

  json type()
  {
    json first = term();
    if (!peek('|')) {
      return first;
    }
    json of = json::array({first});
    while (eat('|')) {
      of.push_back(term());
    }
    return json{{"type", "any"}, {"of", of}};
  }

  bool eat(char c)
  {
    skip();
    if (m_at < m_text.size() && m_text[m_at] == c) {
      ++m_at;
      return true;
    }
    return false;
  }
  bool peek(char c)
  {
    skip();
    return m_at < m_text.size() && m_text[m_at] == c;
  }
  bool done()
  {
    skip();
    return m_at == m_text.size();
  }
  void expect(std::string_view word)
  {
    skip();
    if (m_text.substr(m_at, word.size()) != word) {
      throw std::logic_error("bad built-in signature: " + std::string(m_text));
    }
    m_at += word.size();
  }

private:
  void skip()
  {
    while (m_at < m_text.size() && m_text[m_at] == ' ') {
      ++m_at;
    }
  }

  json term()
  {
    skip();
    if (eat('<')) {
      json items = json::array();
      do {
        items.push_back(type());
      } while (eat(','));
      expect(">");
      return json{{"type", "array"}, {"static", items}};
    }
    std::size_t end = m_at;
    while (end < m_text.size() && std::isalpha(static_cast<unsigned char>(m_text[end])) != 0) {
      ++end;
    }
    const std::string word(m_text.substr(m_at, end - m_at));
    m_at = end;
    if (word == "array" || word == "set") {
      json of = json{{"type", "any"}};
      if (eat('[')) {
        of = type();
        expect("]");
      }
      return word == "array" ? json{{"type", "array"}, {"dynamic", of}} : json{{"type", "set"}, {"of", of}};
    }
    if (word == "object") {
      json key = json{{"type", "any"}};
      json value = json{{"type", "any"}};
      if (eat('[')) {
        key = type();
        expect(":");
        value = type();
        expect("]");
      }
      return json{{"type", "object"}, {"dynamic", {{"key", key}, {"value", value}}}};
    }
    if (word != "any" && word != "string" && word != "number" && word != "boolean" && word != "null") {
      throw std::logic_error("bad built-in signature: " + std::string(m_text));
    }
    return json{{"type", word}};
  }

  std::string_view m_text;
  std::size_t m_at = 0;
};

json declaration(std::string_view signature)
{
  TypeParser p(signature);
  json args = json::array();
  if (!p.peek('=')) {
    do {
      args.push_back(p.type());
    } while (p.eat(','));
  }
  p.expect("=>");
  json result = p.type();
  return json{{"type", "function"}, {"args", args}, {"result", result}};
}

json entry(std::string_view name, std::string_view signature)
{
  json e = {{"name", name}, {"decl", declaration(signature)}};
  if (const auto it = k_infix.find(name); it != k_infix.end()) {
    e["infix"] = it->second;
  }
  return e;
}

} // namespace

std::optional<json> builtin_declaration(std::string_view name)
{
  const auto it = signatures().find(name);
  if (it == signatures().end()) {
    return std::nullopt;
  }
  return declaration(it->second);
}

json capabilities()
{
  std::map<std::string, json> builtins;
  // `=` and `:=` are evaluated by the language itself; OPA lists them as built-ins.
  for (const std::string_view name : {"eq", "assign"}) {
    builtins.emplace(name, entry(name, signatures().at(name)));
  }
  for (const auto table : builtin::tables()) {
    for (const Builtin& b : table) {
      if (b.name.starts_with("internal.") && b.name != "internal.member_2" && b.name != "internal.member_3") {
        continue;
      }
      const auto it = signatures().find(b.name);
      if (it != signatures().end()) {
        builtins.emplace(std::string(b.name), entry(b.name, it->second));
        continue;
      }
      // Not declared here: any arguments, any result (the unit test keeps this list empty).
      json args = json::array();
      for (std::size_t i = 0; i < b.arity; ++i) {
        args.push_back({{"type", "any"}});
      }
      builtins.emplace(
          std::string(b.name),
          json{{"name", b.name}, {"decl", {{"type", "function"}, {"args", args}, {"result", {{"type", "any"}}}}}});
    }
  }
  json list = json::array();
  for (auto& [name, e] : builtins) {
    list.push_back(std::move(e));
  }
  return json{{"builtins", list},
              {"future_keywords", {"contains", "every", "if", "in"}},
              {"features", {"rule_head_ref_string_prefixes", "rule_head_refs", "rego_v1_import"}},
              {"wasm_abi_versions", json::array()},
              {"allow_net", json::array()}};
}

} // namespace tollgate::rego

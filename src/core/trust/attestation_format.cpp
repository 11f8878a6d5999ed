#include "core/trust/attestation_format.hpp"

#include "util/base64.hpp"
#include "util/sha256.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>

namespace tollgate::core {

namespace {

using nlohmann::json;

// The YAML as JSON, scalars as strings: what the user wrote, not how they formatted it.
json yaml_to_json(const YAML::Node& node)
{
  switch (node.Type()) {
  case YAML::NodeType::Scalar:
    return node.Scalar();
  case YAML::NodeType::Sequence: {
    json list = json::array();
    for (const auto& item : node) {
      list.push_back(yaml_to_json(item));
    }
    return list;
  }
  case YAML::NodeType::Map: {
    json map = json::object();
    for (const auto& entry : node) {
      map[entry.first.as<std::string>()] = yaml_to_json(entry.second);
    }
    return map;
  }
  case YAML::NodeType::Null:
  case YAML::NodeType::Undefined:
    break;
  }
  return nullptr;
}

// A field of `object` of type `type`, or an error naming it.
Result<const json*> field(const json& object, const char* name, json::value_t type)
{
  const auto it = object.find(name);
  const bool number = type == json::value_t::number_float;
  if (it == object.end() || (number ? !it->is_number() : it->type() != type)) {
    return fail(fmt::format("the statement lacks a valid `{}`", name));
  }
  return &*it;
}

Result<std::string> string_field(const json& object, const char* name)
{
  auto found = field(object, name, json::value_t::string);
  if (!found) {
    return std::unexpected(found.error());
  }
  return (*found)->get<std::string>();
}

Result<git::Oid> subject_digest(const json& subjects, const char* algorithm)
{
  for (const auto& subject : subjects) {
    if (!subject.is_object() || !subject.contains("digest") || !subject["digest"].is_object()) {
      continue;
    }
    const json& digest = subject["digest"];
    if (auto it = digest.find(algorithm); it != digest.end() && it->is_string()) {
      if (auto id = git::Oid::parse(it->get<std::string>())) {
        return *id;
      }
    }
  }
  return fail(fmt::format("the statement has no subject with a `{}` digest", algorithm));
}

} // namespace

std::string Shard::str() const
{
  return whole() ? std::string() : fmt::format("{}/{}", index, count);
}

Result<Shard> parse_shard(std::string_view text)
{
  const std::size_t slash = text.find('/');
  Shard shard;
  const auto number = [](std::string_view digits, unsigned& out) {
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    return error == std::errc() && end == digits.data() + digits.size() && !digits.empty();
  };
  if (slash == std::string_view::npos || !number(text.substr(0, slash), shard.index) ||
      !number(text.substr(slash + 1), shard.count) || shard.index < 1 || shard.count < 1 || shard.index > shard.count ||
      shard.count > 256) {
    return fail(fmt::format("`{}` is not a shard: give I/N with 1 <= I <= N <= 256 (e.g. 1/4)", text));
  }
  if (shard.count == 1) {
    return Shard{}; // 1/1 is the whole
  }
  return shard;
}

std::string format_statement(const CheckStatement& statement)
{
  json predicate = {
      {"check", {{"id", statement.check_id}, {"kind", statement.kind}, {"definition", statement.definition}}},
      {"result",
       {{"status", statement.status},
        {"summary", statement.summary},
        {"seconds", statement.seconds},
        {"details", statement.details}}},
      {"repository", statement.repository},
      {"tools", statement.tools},
      {"sandbox", statement.sandbox},
      {"finished", statement.finished}};
  if (!statement.shard.whole()) {
    predicate["shard"] = {{"index", statement.shard.index}, {"count", statement.shard.count}};
  }
  const json document = {{"_type", k_statement_type},
                         {"subject",
                          {{{"name", "commit"}, {"digest", {{"gitCommit", statement.commit.hex()}}}},
                           {{"name", "tree"}, {"digest", {{"gitTree", statement.tree.hex()}}}}}},
                         {"predicateType", k_check_predicate_type},
                         {"predicate", predicate}};
  return document.dump();
}

Result<CheckStatement> parse_statement(std::string_view text)
{
  const json document = json::parse(text, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    return fail("the payload is not a JSON object");
  }
  if (document.value("_type", "") != k_statement_type) {
    return fail(fmt::format("the payload is not an in-toto Statement v1 (`_type` is not {})", k_statement_type));
  }
  if (document.value("predicateType", "") != k_check_predicate_type) {
    return fail(fmt::format("the statement's predicateType is not {}", k_check_predicate_type));
  }
  auto subjects = field(document, "subject", json::value_t::array);
  auto predicate = field(document, "predicate", json::value_t::object);
  if (!subjects || !predicate) {
    return fail("the statement lacks its `subject` list or its `predicate`");
  }
  CheckStatement statement;
  auto commit = subject_digest(**subjects, "gitCommit");
  auto tree = subject_digest(**subjects, "gitTree");
  if (!commit || !tree) {
    return std::unexpected(!commit ? commit.error() : tree.error());
  }
  statement.commit = *commit;
  statement.tree = *tree;
  const json& body = **predicate;
  auto check = field(body, "check", json::value_t::object);
  auto result = field(body, "result", json::value_t::object);
  if (!check || !result) {
    return fail("the predicate lacks `check` or `result`");
  }
  auto id = string_field(**check, "id");
  auto kind = string_field(**check, "kind");
  auto definition = string_field(**check, "definition");
  auto status = string_field(**result, "status");
  auto seconds = field(**result, "seconds", json::value_t::number_float);
  if (!id || !kind || !definition || !status || !seconds) {
    return fail("the predicate's check needs `id`, `kind`, `definition`, and its result `status` and `seconds`");
  }
  statement.check_id = *id;
  statement.kind = *kind;
  statement.definition = *definition;
  statement.status = *status;
  statement.seconds = (*seconds)->get<double>();
  if (auto summary = string_field(**result, "summary")) {
    statement.summary = *summary;
  }
  if (auto details = field(**result, "details", json::value_t::object)) {
    statement.details = **details;
  }
  if (auto tools = field(body, "tools", json::value_t::object)) {
    statement.tools = **tools;
  }
  statement.repository = string_field(body, "repository").value_or("");
  statement.sandbox = string_field(body, "sandbox").value_or("");
  if (auto finished = body.find("finished"); finished != body.end() && finished->is_number_integer()) {
    statement.finished = finished->get<std::int64_t>();
  }
  if (auto shard = body.find("shard"); shard != body.end()) {
    const auto index = shard->is_object() ? shard->find("index") : shard->end();
    const auto count = shard->is_object() ? shard->find("count") : shard->end();
    if (index == shard->end() || count == shard->end() || !index->is_number_unsigned() ||
        !count->is_number_unsigned()) {
      return fail("the predicate's `shard` needs unsigned `index` and `count`");
    }
    auto parsed = parse_shard(fmt::format("{}/{}", index->get<unsigned>(), count->get<unsigned>()));
    if (!parsed) {
      return std::unexpected(parsed.error());
    }
    statement.shard = *parsed;
  }
  return statement;
}

std::string pae(std::string_view type, std::string_view body)
{
  return fmt::format("DSSEv1 {} {} {} {}", type.size(), type, body.size(), body);
}

std::string format_envelope(const Envelope& envelope)
{
  json signatures = json::array();
  for (const auto& signature : envelope.signatures) {
    signatures.push_back({{"keyid", signature.keyid}, {"sig", util::base64_encode(signature.sig)}});
  }
  return json({{"payload", util::base64_encode(envelope.payload)},
               {"payloadType", envelope.payload_type},
               {"signatures", signatures}})
             .dump() +
         "\n";
}

Result<Envelope> parse_envelope(std::string_view text)
{
  const json document = json::parse(text, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    return fail("not a DSSE envelope (not a JSON object)");
  }
  const auto type = document.find("payloadType");
  const auto payload = document.find("payload");
  const auto signatures = document.find("signatures");
  if (type == document.end() || !type->is_string() || payload == document.end() || !payload->is_string() ||
      signatures == document.end() || !signatures->is_array() || signatures->empty()) {
    return fail("not a DSSE envelope (needs payloadType, payload and signatures)");
  }
  Envelope envelope;
  envelope.payload_type = type->get<std::string>();
  auto decoded = util::base64_decode(payload->get<std::string>());
  if (!decoded) {
    return fail("the envelope's payload is not base64");
  }
  envelope.payload = std::move(*decoded);
  for (const auto& signature : *signatures) {
    const bool shaped = signature.is_object() && signature.contains("sig") && signature["sig"].is_string();
    auto sig = shaped ? util::base64_decode(signature["sig"].get<std::string>()) : std::nullopt;
    if (!sig) {
      return fail("the envelope holds a signature without a base64 `sig`");
    }
    const auto keyid = signature.find("keyid");
    envelope.signatures.push_back(
        {keyid != signature.end() && keyid->is_string() ? keyid->get<std::string>() : std::string(), std::move(*sig)});
  }
  return envelope;
}

std::string definition_digest(const CheckSpec& spec, const proc::Limits& limits)
{
  const auto optional = [](const std::optional<unsigned>& value) { return value ? json(*value) : json(nullptr); };
  const json definition = {
      {"kind", spec.kind},
      {"id", spec.id},
      {"options", yaml_to_json(spec.options)},
      {"limits",
       {{"confine", limits.confine},
        {"cpu_sec", optional(limits.cpu_sec)},
        {"mem_mb", optional(limits.mem_mb)},
        {"timeout_ms", spec.timeout ? static_cast<std::int64_t>(*spec.timeout * 1000) : limits.timeout.count()},
        {"network", limits.network == proc::Network::none ? "none" : "allow"},
        {"max_procs", limits.max_procs},
        {"passenv", limits.passenv}}}};
  return "sha256:" + util::sha256_hex(definition.dump());
}

bool attestable_id(std::string_view id)
{
  return !id.empty() && id.front() != '.' && id.front() != '-' && id.find("..") == std::string_view::npos &&
         !id.ends_with(".lock") && std::all_of(id.begin(), id.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
         });
}

std::string attestation_ref(const git::Oid& tree, std::string_view check_id, const Shard& shard,
                            std::string_view fingerprint)
{
  const std::string slice = shard.whole() ? std::string() : fmt::format("shard-{}-of-{}/", shard.index, shard.count);
  return fmt::format("{}{}/{}/{}{}", k_attestations_ref_prefix, tree.hex(), check_id, slice, fingerprint);
}

std::optional<AttestationRefName> parse_attestation_ref(std::string_view name)
{
  if (!name.starts_with(k_attestations_ref_prefix)) {
    return std::nullopt;
  }
  std::vector<std::string_view> parts;
  std::string_view rest = name.substr(k_attestations_ref_prefix.size());
  for (std::size_t slash = rest.find('/'); slash != std::string_view::npos; slash = rest.find('/')) {
    parts.push_back(rest.substr(0, slash));
    rest = rest.substr(slash + 1);
  }
  parts.push_back(rest);
  if ((parts.size() != 3 && parts.size() != 4) || !git::Oid::is_hex40(parts.front()) ||
      !git::Oid::is_hex40(parts.back()) || !attestable_id(parts[1])) {
    return std::nullopt;
  }
  AttestationRefName parsed{std::string(parts[0]), std::string(parts[1]), {}, std::string(parts.back())};
  if (parts.size() == 4) {
    unsigned index = 0;
    unsigned count = 0;
    if (std::sscanf(std::string(parts[2]).c_str(), "shard-%u-of-%u", &index, &count) != 2 ||
        fmt::format("shard-{}-of-{}", index, count) != parts[2]) {
      return std::nullopt;
    }
    auto shard = parse_shard(fmt::format("{}/{}", index, count));
    if (!shard || shard->whole()) {
      return std::nullopt;
    }
    parsed.shard = *shard;
  }
  return parsed;
}

} // namespace tollgate::core

#include "cli/policy_support.hpp"

#include "cli/common.hpp"

#include <cstdio>

namespace tollgate::cli {

rego::RegoResult<void> load_policies(rego::Engine& engine, const std::vector<std::string>& paths, bool bundle,
                                     bool tests)
{
  const std::vector<std::string> defaults{"policies"};
  std::vector<rego::RegoError> errors;
  for (const auto& path : paths.empty() ? defaults : paths) {
    if (auto ok = engine.load(path, bundle); !ok) {
      errors.push_back(ok.error());
    }
  }
  if (!errors.empty()) {
    return std::unexpected(rego::combine_errors(std::move(errors)));
  }
  if (tests) {
    engine.rename_duplicate_tests();
  }
  return engine.compile();
}

std::string rego_error_line(const rego::RegoError& error)
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

void print_rego_errors(const rego::RegoError& error, bool json)
{
  if (json) {
    print_json(rego::error_json(error));
    return;
  }
  if (error.more.empty()) {
    std::fprintf(stderr, "1 error occurred: %s\n", rego_error_line(error).c_str());
    return;
  }
  std::fprintf(stderr, "%zu errors occurred:\n%s\n", error.count(), rego_error_line(error).c_str());
  for (const auto& other : error.more) {
    std::fprintf(stderr, "%s\n", rego_error_line(other).c_str());
  }
}

std::string base64(const std::string& bytes)
{
  static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const auto n = (static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16U) |
                   (static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8U) |
                   static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 2]));
    out += k_alphabet[(n >> 18U) & 63U];
    out += k_alphabet[(n >> 12U) & 63U];
    out += k_alphabet[(n >> 6U) & 63U];
    out += k_alphabet[n & 63U];
  }
  if (i < bytes.size()) {
    unsigned n = static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16U;
    if (i + 1 < bytes.size()) {
      n |= static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8U;
    }
    out += k_alphabet[(n >> 18U) & 63U];
    out += k_alphabet[(n >> 12U) & 63U];
    out += i + 1 < bytes.size() ? k_alphabet[(n >> 6U) & 63U] : '=';
    out += '=';
  }
  return out;
}

} // namespace tollgate::cli

#include "core/config/check_kinds.hpp"

#include <optional>
#include <stdexcept>

namespace tollgate::core {

namespace {

std::optional<CheckKinds>& installed()
{
  static std::optional<CheckKinds> k_installed;
  return k_installed;
}

} // namespace

void install_check_kinds(CheckKinds kinds)
{
  installed() = std::move(kinds);
}

const CheckKinds& check_kinds()
{
  if (!installed()) {
    throw std::logic_error("no check kinds installed (checks::install_kinds() was not called)");
  }
  return *installed();
}

const std::vector<std::string>& known_check_kinds()
{
  return check_kinds().names;
}

YamlMap check_options(const CheckSpec& spec, const std::string& file)
{
  YamlMap map(spec.options, file, "check `" + spec.id + "`");
  map.allow("id");
  map.allow("timeout");
  map.allow("when_exists");
  return map;
}

} // namespace tollgate::core

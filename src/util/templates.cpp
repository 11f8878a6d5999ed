#include "util/templates.hpp"

#include "util/fatal.hpp"

#include <algorithm>

namespace tollgate::templates {

std::string_view get(std::string_view name)
{
  const auto& table = all();
  const auto it = std::find_if(table.begin(), table.end(), [&](const Embedded& e) { return e.name == name; });
  if (it == table.end()) {
    throw Fatal(exit_code::k_environment, "template `" + std::string(name) + "` is not compiled into this tollgate");
  }
  return it->content;
}

} // namespace tollgate::templates

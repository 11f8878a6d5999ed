#pragma once
// Templates compiled into the binary from templates/ (see cmake/EmbedTemplates.cmake).

#include <string_view>
#include <vector>

namespace tollgate::templates {

struct Embedded {
  std::string_view name; // path relative to templates/, e.g. "tollgate.yaml.mustache"
  std::string_view content;
};

const std::vector<Embedded>& all();

// The named template; throws Fatal if it is not compiled in (a build error, not a user one).
std::string_view get(std::string_view name);

} // namespace tollgate::templates

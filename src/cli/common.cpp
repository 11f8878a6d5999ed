#include "cli/common.hpp"

#include <cstdio>

namespace tollgate::cli {

void print_json(const nlohmann::json& json)
{
  const std::string document = json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  std::fwrite(document.data(), 1, document.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

} // namespace tollgate::cli

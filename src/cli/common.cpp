#include "cli/common.hpp"

#include <cstdio>

namespace tollgate::cli {

void print_json(const std::string& document)
{
  std::fwrite(document.data(), 1, document.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

} // namespace tollgate::cli

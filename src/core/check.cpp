#include "core/check.hpp"

namespace tollgate::core {

std::string_view to_string(Status status)
{
  switch (status) {
  case Status::pass:
    return "pass";
  case Status::fail:
    return "fail";
  case Status::skipped:
    return "skipped";
  case Status::error:
    return "error";
  }
  return "error";
}

} // namespace tollgate::core

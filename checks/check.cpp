#include "checks/check.hpp"

#include "git/objects.hpp"

namespace tollgate::checks {

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

Result<Candidate> open_candidate(const Context& context)
{
  auto repo = git::Repository::open(context.git_dir);
  if (!repo) {
    return std::unexpected(repo.error());
  }
  auto commit = git::resolve_commit(*repo, context.revision);
  if (!commit) {
    return std::unexpected(commit.error());
  }
  return Candidate{std::move(*repo), *commit};
}

} // namespace tollgate::checks

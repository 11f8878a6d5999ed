#include "core/release/history_rewrites.hpp"

#include "git/refs.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <string>
#include <vector>

namespace tollgate::core {

Result<void> refuse_history_rewrites(const git::Repository& repo)
{
  constexpr std::size_t k_named = 5;
  auto replaced = git::list_refs_under(repo, "refs/replace/");
  if (!replaced) {
    return std::unexpected(replaced.error());
  }
  std::vector<std::string> problems;
  if (!replaced->empty()) {
    std::string names;
    for (std::size_t i = 0; i < replaced->size() && i < k_named; ++i) {
      names += fmt::format("{}{}", i == 0 ? "" : ", ", (*replaced)[i].name);
    }
    if (replaced->size() > k_named) {
      names += fmt::format(" and {} more", replaced->size() - k_named);
    }
    problems.push_back(fmt::format("replace refs ({})", names));
  }
  const std::filesystem::path grafts = repo.common_dir() / "info" / "grafts";
  std::error_code ec;
  if (std::filesystem::symlink_status(grafts, ec).type() != std::filesystem::file_type::not_found && !ec) {
    problems.push_back(fmt::format("a grafts file ({})", grafts.string()));
  }
  if (problems.empty()) {
    return {};
  }
  return fail(fmt::format("the repository rewrites history for plain git: {}; git would show other contents than "
                          "tollgate judges. Remove them (e.g. `git replace -d <sha>`) and run again",
                          problems.size() == 1 ? problems[0] : problems[0] + " and " + problems[1]));
}

} // namespace tollgate::core

#include "core/trust/approval_message.hpp"

#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace tollgate::core {

namespace {

std::string one_line(std::string_view text)
{
  std::string line(util::trim(text));
  std::replace_if(
      line.begin(), line.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return line;
}

} // namespace

std::string format_approval_message(const ApprovalMessage& message)
{
  std::string text = fmt::format("{}\n\nrepository: {}\ncommit: {}\ntree: {}\n", k_approval_header,
                                 one_line(message.repository), message.commit.hex(), message.tree.hex());
  if (const std::string comment = one_line(message.comment); !comment.empty()) {
    text += fmt::format("comment: {}\n", comment);
  }
  return text;
}

Result<ApprovalMessage> parse_approval_message(std::string_view text)
{
  const auto lines = util::split_lines(text);
  if (lines.empty() || lines[0] != k_approval_header) {
    return fail(fmt::format("not a tollgate approval (its first line is not `{}`)", k_approval_header));
  }
  if (lines.size() < 2 || !lines[1].empty()) {
    return fail("malformed approval: a blank line must follow the header");
  }
  ApprovalMessage message;
  bool seen_repository = false;
  bool seen_commit = false;
  bool seen_tree = false;
  bool seen_comment = false;
  for (std::size_t i = 2; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (line.empty() && i + 1 == lines.size()) {
      break;
    }
    const std::size_t colon = line.find(": ");
    if (colon == std::string_view::npos) {
      return fail(fmt::format("malformed approval: line {} is not `key: value`", i + 1));
    }
    const std::string_view key = line.substr(0, colon);
    const std::string_view value = line.substr(colon + 2);
    const auto once = [&](bool& seen) -> Result<void> {
      if (seen) {
        return fail(fmt::format("malformed approval: `{}` appears twice", key));
      }
      seen = true;
      return {};
    };
    Result<void> ok;
    if (key == "repository") {
      ok = once(seen_repository);
      message.repository = std::string(value);
    } else if (key == "commit" || key == "tree") {
      ok = once(key == "commit" ? seen_commit : seen_tree);
      auto id = git::Oid::parse(value);
      if (!id) {
        return fail(fmt::format("malformed approval: `{}` is not a 40-hex id", key));
      }
      (key == "commit" ? message.commit : message.tree) = *id;
    } else if (key == "comment") {
      ok = once(seen_comment);
      message.comment = std::string(value);
    } else {
      return fail(fmt::format("malformed approval: unknown field `{}`", key));
    }
    if (!ok) {
      return std::unexpected(ok.error());
    }
  }
  if (!seen_repository || !seen_commit || !seen_tree) {
    return fail(fmt::format("malformed approval: `{}` is missing",
                            !seen_repository ? "repository" : (!seen_commit ? "commit" : "tree")));
  }
  return message;
}

std::string approval_ref(const git::Oid& commit, std::string_view fingerprint)
{
  return fmt::format("{}{}/{}", k_approvals_ref_prefix, commit.hex(), fingerprint);
}

} // namespace tollgate::core

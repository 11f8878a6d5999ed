#include "git/tags.hpp"

#include "git/objects.hpp"
#include "git/refs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace tollgate::git {

namespace {

constexpr std::string_view k_tags = "refs/tags/";

// "Name <email> 1700000000 +0000" -> name, email, time.
void parse_signature(std::string_view line, std::string_view& name, std::string_view& email, std::int64_t& time)
{
  const std::size_t open = line.find('<');
  const std::size_t close = line.rfind('>');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    name = line;
    return;
  }
  name = line.substr(0, open);
  while (!name.empty() && name.back() == ' ') {
    name.remove_suffix(1);
  }
  email = line.substr(open + 1, close - open - 1);
  std::string_view rest = line.substr(close + 1);
  while (!rest.empty() && rest.front() == ' ') {
    rest.remove_prefix(1);
  }
  std::from_chars(rest.data(), rest.data() + rest.size(), time);
}

} // namespace

Result<std::vector<TagRef>> list_tags(const Repository& repo, std::string_view prefix)
{
  auto refs = list_refs(repo, "refs/tags/*");
  if (!refs) {
    return std::unexpected(refs.error());
  }
  std::vector<TagRef> tags;
  for (const Ref& ref : *refs) {
    const std::string_view name = std::string_view(ref.name).substr(k_tags.size());
    if (!name.starts_with(prefix)) {
      continue;
    }
    auto commit = peel_to_commit(repo, ref.target);
    if (!commit) {
      continue; // a tag of a tree or a blob is no release
    }
    TagRef tag{std::string(name), *commit, std::nullopt};
    if (!(ref.target == *commit)) {
      if (auto annotated = read_tag(repo, ref.target); annotated && annotated->tagger) {
        tag.tagger_time = annotated->tagger->time;
      }
    }
    tags.push_back(std::move(tag));
  }
  return tags; // list_refs sorts by name
}

Result<CommitReader> CommitReader::create(const Repository& repo)
{
  git_odb* odb = nullptr;
  if (git_repository_odb(&odb, repo.get()) != 0) {
    return fail(last_error("cannot open the object database"));
  }
  return CommitReader(odb);
}

Result<CommitView> CommitReader::read(const Oid& id)
{
  m_current.reset();
  git_odb_object* object_raw = nullptr;
  if (git_odb_read(&object_raw, m_odb.get(), id.ptr()) != 0) {
    return fail(last_error(fmt::format("cannot read commit {}", id.short_hex())));
  }
  m_current.reset(object_raw);
  if (git_odb_object_type(object_raw) != GIT_OBJECT_COMMIT) {
    return fail(fmt::format("{} is not a commit", id.short_hex()));
  }
  const std::string_view data(static_cast<const char*>(git_odb_object_data(object_raw)),
                              git_odb_object_size(object_raw));
  CommitView view;
  m_parents.clear();
  std::size_t position = 0;
  while (position < data.size()) {
    const std::size_t end = std::min(data.find('\n', position), data.size());
    const std::string_view line = data.substr(position, end - position);
    position = end + 1;
    if (line.empty()) {
      view.message = position <= data.size() ? data.substr(position) : std::string_view();
      view.parents = m_parents;
      return view;
    }
    if (line.starts_with("parent ")) {
      git_oid parent{};
      if (line.size() < 7 + GIT_OID_HEXSZ || git_oid_fromstrn(&parent, line.data() + 7, GIT_OID_HEXSZ) != 0) {
        return fail(fmt::format("commit {} has a malformed parent line", id.short_hex()));
      }
      m_parents.emplace_back(parent);
    } else if (line.starts_with("author ")) {
      std::int64_t ignored = 0;
      parse_signature(line.substr(7), view.author_name, view.author_email, ignored);
    } else if (line.starts_with("committer ")) {
      std::string_view name;
      std::string_view email;
      parse_signature(line.substr(10), name, email, view.committer_time);
    }
    // Other headers (tree, encoding, gpgsig and its continuation lines) are not needed here.
  }
  view.parents = m_parents;
  return view; // no message at all
}

} // namespace tollgate::git

#include "git/tags.hpp"

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
  git_reference_iterator* iterator_raw = nullptr;
  if (git_reference_iterator_glob_new(&iterator_raw, repo.get(), "refs/tags/*") != 0) {
    return fail(last_error("cannot list the tags"));
  }
  const ReferenceIteratorPtr iterator(iterator_raw);
  std::vector<TagRef> tags;
  for (;;) {
    git_reference* ref_raw = nullptr;
    const int error = git_reference_next(&ref_raw, iterator_raw);
    if (error == GIT_ITEROVER) {
      break;
    }
    if (error != 0) {
      return fail(last_error("cannot list the tags"));
    }
    const ReferencePtr ref(ref_raw);
    const std::string_view full = git_reference_name(ref_raw);
    const std::string_view name = full.substr(k_tags.size());
    if (!name.starts_with(prefix)) {
      continue;
    }
    git_object* peeled_raw = nullptr;
    if (git_reference_peel(&peeled_raw, ref_raw, GIT_OBJECT_COMMIT) != 0) {
      continue; // a tag of a tree or a blob is no release
    }
    const ObjectPtr peeled(peeled_raw);
    TagRef tag{std::string(name), Oid(*git_object_id(peeled_raw)), std::nullopt};
    const git_oid* direct = git_reference_target(ref_raw);
    if (direct != nullptr && !(Oid(*direct) == tag.commit)) {
      git_tag* annotated_raw = nullptr;
      if (git_tag_lookup(&annotated_raw, repo.get(), direct) == 0) {
        const TagPtr annotated(annotated_raw);
        if (const git_signature* tagger = git_tag_tagger(annotated_raw); tagger != nullptr) {
          tag.tagger_time = tagger->when.time;
        }
      }
    }
    tags.push_back(std::move(tag));
  }
  std::sort(tags.begin(), tags.end(), [](const TagRef& a, const TagRef& b) { return a.name < b.name; });
  return tags;
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

#pragma once
// Tags with their peeled targets, and a reader of raw commits for walks over many commits.
// Knows nothing of tollgate.

#include "git/handles.hpp"
#include "git/oid.hpp"
#include "git/repository.hpp"
#include "util/expected.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::git {

struct TagRef {
  std::string name;                        // without `refs/tags/`
  Oid commit;                              // peeled through annotated tags
  std::optional<std::int64_t> tagger_time; // annotated tags only
};

// Every tag whose name starts with `prefix` and that peels to a commit (others are left out),
// sorted by name.
Result<std::vector<TagRef>> list_tags(const Repository& repo, std::string_view prefix);

// A commit read straight from the object database: the fields a changelog needs, as views into
// the object, valid until the next `CommitReader::read`.
struct CommitView {
  std::string_view author_name;
  std::string_view author_email;
  std::int64_t committer_time = 0;
  std::span<const Oid> parents;
  std::string_view message; // raw, trailers included
};

// Reads commits one after the other without libgit2's object cache or full parse (for walks over
// tens of thousands of commits).
class CommitReader {
public:
  static Result<CommitReader> create(const Repository& repo);
  Result<CommitView> read(const Oid& id);

private:
  explicit CommitReader(git_odb* odb) : m_odb(odb) {}
  OdbPtr m_odb;
  OdbObjectPtr m_current;
  std::vector<Oid> m_parents;
};

} // namespace tollgate::git

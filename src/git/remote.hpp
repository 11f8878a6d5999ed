#pragma once
// Remotes through libgit2: what a remote advertises (its objects downloaded, no ref created or
// moved), and the fetch refspecs of a configured remote. Knows nothing of tollgate.

#include "git/oid.hpp"
#include "git/repository.hpp"
#include "util/expected.hpp"

#include <string>
#include <vector>

namespace tollgate::git {

struct RemoteRef {
  std::string name; // "refs/heads/main"
  Oid target;       // as advertised (a tag's object, not its peeled commit)
};

// The URL `remote` stands for: the configured `remote.<remote>.url`, else `remote` itself (a URL or
// a path).
std::string remote_location(const Repository& repo, const std::string& remote);

// Connects to `remote` (a remote name or a URL) and downloads into the object database the objects
// of the advertised refs that `refspecs` select (e.g. `refs/tags/*:refs/tags/*`; only their sources matter), as
// `git fetch` would, but without creating or moving any ref (FETCH_HEAD included). Returns every
// advertised ref but HEAD and the peeled `^{}` entries, sorted by name. Fails with the URL and
// libgit2's message when the remote cannot be reached or read, and for a bare word that names no
// configured remote (a mistyped name, not a path).
Result<std::vector<RemoteRef>> download_refs(const Repository& repo, const std::string& remote,
                                             const std::vector<std::string>& refspecs);

// The fetch refspecs of the configured remote `name` (`remote.<name>.fetch`), in order.
Result<std::vector<std::string>> fetch_refspecs(const Repository& repo, const std::string& name);

// Adds `refspec` to the fetch refspecs of the configured remote `name`, in the repository's config.
Result<void> add_fetch_refspec(const Repository& repo, const std::string& name, const std::string& refspec);

} // namespace tollgate::git

#pragma once
// What trust reads, or Fatal with the contract's exit code: the whole history, a revision, the trust
// root and the floor for a candidate, a signing context, a maintainer's key.

#include "core/config/config.hpp"
#include "core/trust/floor.hpp"
#include "core/trust/trust_root.hpp"
#include "git/oid.hpp"
#include "git/repository.hpp"
#include "gpg/context.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tollgate::core {

// Fatal(3) in a shallow clone: `what` needs the history (release tags, the trust root at stable,
// ancestry), which a cut-off history would answer wrongly.
void require_full_history(const git::Repository& repo, std::string_view what);
// Fatal(2) when `rev` does not name a commit.
git::Oid resolve_revision(const git::Repository& repo, const std::string& rev);
// Fatal(2) for a malformed MAINTAINERS.yaml or tollgate.yaml at the trust root, Fatal(3) otherwise
// (a shallow clone included).
TrustRoot trust_root_or_fatal(const git::Repository& repo, const Config& config, const git::Oid& candidate);

// The configuration in force for `candidate` (load_floor): Fatal(2) when tollgate.yaml at the trust
// root or the candidate is invalid, Fatal(3) otherwise (a shallow clone included).
Floor floor_or_fatal(const git::Repository& repo, const Config& config, const git::Oid& candidate);

// The floor's lines for a text report: where the rules come from on a first promotion, then one
// line per loosening ignored.
std::vector<std::string> floor_lines(const Floor& floor);

// A gpgme context to sign with: Fatal(3) when gpg is missing. Without a terminal on standard input
// it never asks for a passphrase: a key that needs one fails at once instead of hanging.
gpg::Context signing_context();

// Fatal(3) unless `key` belongs to a maintainer of the trust root for `candidate`: releases and
// demotions must verify later, and `tollgate verify` accepts only maintainers' signatures.
void require_maintainer_key(const git::Repository& repo, const Config& config, const git::Oid& candidate,
                            const gpg::KeyInfo& key, const std::string& what);

} // namespace tollgate::core

#pragma once
// Which secret key signs: an explicit choice, else `release.signing_key`, else git's
// `user.signingkey`, else gpg's first secret key that can sign.

#include "git/repository.hpp"
#include "gpg/context.hpp"
#include "util/expected.hpp"

#include <functional>
#include <string>

namespace tollgate::core {

// `explicit_key` and `configured` may be a fingerprint, a key id or an email. An error names what
// was looked for and why it cannot sign (absent, no secret part here, expired, revoked).
Result<gpg::KeyInfo> choose_signing_key(const gpg::Context& gpg, const git::Repository& repo,
                                        const std::string& explicit_key, const std::string& configured);

// The key that attests check results: an explicit choice, else the one secret key here that
// `is_attester` accepts (CI imports its attester key and names nothing), else as choose_signing_key
// without `release.signing_key`, which names the release signer, not CI. Several attester keys here
// and no choice is an error naming them.
Result<gpg::KeyInfo> choose_attesting_key(const gpg::Context& gpg, const git::Repository& repo,
                                          const std::string& explicit_key,
                                          const std::function<bool(const std::string&)>& is_attester);

} // namespace tollgate::core

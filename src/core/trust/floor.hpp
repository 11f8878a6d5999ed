#pragma once
// The governance floor (DESIGN.md §7.6): `tollgate.yaml` at the trust root (`stable`) is the
// minimum for `promote` and `gate`. A candidate may add checks and tighten settings; each loosening
// it attempts is ignored, with one note that names the setting.

#include "core/config/config.hpp"
#include "core/trust/trust_root.hpp"
#include "git/oid.hpp"
#include "git/repository.hpp"

#include <expected>
#include <optional>
#include <string>
#include <vector>

namespace tollgate::core {

struct Floor {
  Config config;                  // the configuration in force
  std::vector<std::string> notes; // one per loosening ignored (a dropped check included)
  bool first_promotion = false;   // no stable release yet: the candidate's own file is the trust root
  std::string stable;             // "v1.2.0" (or the stable tag's name when its record is unreadable)
  git::Oid stable_commit;
  // "stable v1.2.0 <40 hex>" or "candidate (first promotion)": the promotion record's `Rules:`.
  std::string rules() const;
};

inline constexpr const char* k_first_promotion_note =
    "no stable release yet: the candidate's own tollgate.yaml is the trust root";

// The stricter of two approval settings: required = max, `commit` beats `tree`, exclusion beats none.
ApprovalsConfig tighter(const ApprovalsConfig& a, const ApprovalsConfig& b);

// The configuration in force given `stable` (tollgate.yaml at the trust root; nullopt when that
// commit has none, then the defaults are the floor) and the `candidate`'s. `stable_name` names the
// stable release in notes ("v1.2.0"). The candidate's other sections (release, changelog, rollback)
// are kept.
Floor apply_floor(const std::optional<Config>& stable, const Config& candidate, const std::string& stable_name);

// The floor for `candidate`: tollgate.yaml read from the trust-root commit and from the candidate
// commit itself (never the work tree; `local` names the stable tag and stands in when the candidate
// commit has no tollgate.yaml). The first promotion takes the candidate's file as it is.
std::expected<Floor, TrustRootError> load_floor(const git::Repository& repo, const Config& local,
                                                const git::Oid& candidate);

} // namespace tollgate::core

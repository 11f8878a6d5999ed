#pragma once
// Commits -> Keep a Changelog sections and the SemVer bump they call for, by the `changelog:`
// settings: merges and fixups left out (unless configured), a revert and the commit it reverts
// cancelled when both are in range, non-conventional commits listed only with `include_other`,
// scopes of `hide_scopes` left out unless they bump. Display and bump are separate settings.

#include "changelog/history.hpp"
#include "changelog/settings.hpp"

#include <string>
#include <vector>

namespace tollgate::changelog {

struct Section {
  std::string title;                // "Added"
  std::vector<std::size_t> changes; // indices into the changes grouped: breaking first, then newest first
};

struct Grouping {
  std::vector<Section> sections; // in Keep a Changelog order
  Bump bump = Bump::none;        // the highest bump_of over the changes not cancelled, listed or not
  std::size_t listed = 0;        // entries over all sections
};

Grouping group_changes(const std::vector<Change>& changes, const Settings& settings);

// What a change bumps: breaking -> major, else its type's entry of `settings.bump` (reverts: `revert`);
// merges (unless speaking for their branch), fixups and free text nothing.
Bump bump_of(const Change& change, const Settings& settings);

// The section a change is listed under, "" when it is left out (ignores revert cancelling).
std::string title_for(const Change& change, const Settings& settings);

} // namespace tollgate::changelog

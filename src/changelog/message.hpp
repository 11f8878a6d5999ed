#pragma once
// Conventional Commits 1.0.0 messages: `type(scope)!: description`, body, git-trailer footers,
// `BREAKING CHANGE:` / `BREAKING-CHANGE:`; and the other shapes a history holds (merges,
// `Revert "..."`, fixup!/squash!/amend!, free text). Pure text in, facts out; never fails.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::changelog {

enum class MessageKind {
  conventional, // `type(scope)!: description`
  merge,        // `Merge branch ...`, `Merge pull request ...` (the history also knows by parents)
  revert,       // git's `Revert "<header>"` (GitHub's ` (#N)` suffix allowed), or a body `This reverts commit <sha>.`
  fixup,        // `fixup! ...`, `squash! ...`, `amend! ...`
  other,        // anything else
};
std::string_view to_string(MessageKind kind);

struct Footer {
  std::string token; // as written (`BREAKING CHANGE`, `Refs`, `Signed-off-by`)
  std::string value; // continuation lines joined with '\n'
};

// Kept small: the whole history's changelog holds one per commit.
struct Message {
  MessageKind kind = MessageKind::other;
  bool breaking = false;
  // `Revert "..."` wrappers (git's `Reapply "..."` counts 2): 1 a revert, 2 the revert of a revert (the change is back)
  std::uint8_t revert_depth = 0;
  std::string type;        // lower case; "revert" for git's reverts; "" otherwise
  std::string scope;       // as written, "" when absent
  std::string description; // the conventional description, or the whole header line
  std::string body;        // the paragraphs between the header and the footers
  std::vector<Footer> footers;
  // Every BREAKING CHANGE / BREAKING-CHANGE footer or body line (whitespace collapsed), in order; the
  // description for `!` without such a note.
  std::vector<std::string> breaking_notes;
  std::string reverts; // the commit a revert names (hex, possibly abbreviated), "" when none
};

// The breaking notes joined with "; ".
std::string breaking_note(const Message& message);

// The header a `Revert "..."` names without a trailing ` (#N)` (`feat: x` of
// `Revert "feat: x" (#12)`); "" for anything else.
std::string_view reverted_header(const Message& message);

Message parse_message(std::string_view message);

// The conventional header alone; false when `header` is not `type(scope)!: description`.
bool parse_header(std::string_view header, Message& out);

} // namespace tollgate::changelog

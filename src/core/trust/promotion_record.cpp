#include "core/trust/promotion_record.hpp"

#include "git/signed_tag.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace tollgate::core {

namespace {

std::string one_line(std::string_view text)
{
  std::string line(util::trim(text));
  for (char& c : line) {
    if (c == '\n' || c == '\r') {
      c = ' ';
    }
  }
  return line;
}

std::string format_previous(const std::optional<StableRef>& previous)
{
  return previous ? fmt::format("{} {}", previous->tag, previous->commit.hex()) : std::string("none");
}

Result<std::optional<StableRef>> parse_previous(std::string_view value)
{
  if (value == "none") {
    return std::optional<StableRef>();
  }
  const std::size_t space = value.rfind(' ');
  if (space == std::string_view::npos) {
    return fail("`Previous-stable:` must be `<tag> <commit>` or `none`");
  }
  auto commit = git::Oid::parse(value.substr(space + 1));
  if (!commit) {
    return fail("`Previous-stable:` names no commit id");
  }
  return std::optional<StableRef>(StableRef{std::string(value.substr(0, space)), *commit});
}

// The trailers block: the `Key: value` lines from the line `<first>: v1` (the format and its
// version, checked here and not listed) to the end.
struct Trailers {
  std::vector<std::pair<std::string, std::string>> lines;
  std::string before; // everything above the block
};

Result<Trailers> split_trailers(std::string_view message, std::string_view first)
{
  message = git::split_signature(message).payload; // a tag's message as libgit2 gives it ends with the signature
  const std::string marker = "\n" + std::string(first) + ": ";
  const std::size_t at = message.rfind(marker);
  if (at == std::string_view::npos) {
    return fail(fmt::format("no `{}:` record in the message", first));
  }
  Trailers trailers;
  trailers.before = std::string(message.substr(0, at));
  const auto lines = util::split_line_views(message.substr(at + 1));
  if (const std::string_view version = lines.front().substr(marker.size() - 1); version != "v1") {
    return fail(fmt::format("unknown `{}:` record version `{}`", first, version));
  }
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (line.empty()) {
      continue;
    }
    const std::size_t colon = line.find(": ");
    if (colon == std::string_view::npos) {
      return fail(fmt::format("malformed record line `{}`", line));
    }
    trailers.lines.emplace_back(line.substr(0, colon), line.substr(colon + 2));
  }
  return trailers;
}

// `Name <email> FINGERPRINT OBJECT` (`Approved-by:`, `Sign-off:`).
Result<RecordedApproval> parse_signer(const std::string& value, const std::string& key)
{
  const std::size_t close = value.rfind('>');
  const std::size_t open = value.rfind('<', close);
  if (open == std::string::npos || close == std::string::npos) {
    return fail(fmt::format("`{}:` must be `Name <email> <fingerprint> <object>`", key));
  }
  const std::string rest(util::trim(std::string_view(value).substr(close + 1)));
  const std::size_t space = rest.find(' ');
  auto object = git::Oid::parse(space == std::string::npos ? "" : rest.substr(space + 1));
  if (!object) {
    return fail(fmt::format("`{}:` names no signed object", key));
  }
  return RecordedApproval{std::string(util::trim(std::string_view(value).substr(0, open))),
                          value.substr(open + 1, close - open - 1), rest.substr(0, space), *object};
}

std::string format_signer(const RecordedApproval& signer)
{
  return fmt::format("{} <{}> {} {}", one_line(signer.name), one_line(signer.email), signer.fingerprint,
                     signer.approval.hex());
}

// `From-stage: <stage> <tag object> <time>` and `Soak: <n>s held <n>s`.
Result<void> parse_evidence(const std::string& key, const std::string& value, StageEvidence& evidence)
{
  if (key == "From-stage") {
    const auto words = util::split_simple_command(value).value_or(std::vector<std::string>{});
    auto tag = words.size() == 3 ? git::Oid::parse(words[1]) : Result<git::Oid>(fail("three words"));
    if (!tag || words[2].empty() || words[2].size() > 18 ||
        words[2].find_first_not_of("0123456789") != std::string::npos) {
      return fail("`From-stage:` must be `<stage> <tag object> <time>`");
    }
    evidence.from_stage = words[0];
    evidence.from_tag = *tag;
    evidence.entered = std::stoll(words[2]);
    return {};
  }
  long long soak = 0;
  long long held = 0;
  char tail = 0;
  if (std::sscanf(value.c_str(), "%llds held %llds%c", &soak, &held, &tail) != 2) {
    return fail("`Soak:` must be `<seconds>s held <seconds>s`");
  }
  evidence.soak = soak;
  evidence.held = held;
  return {};
}

Result<RecordedResult> parse_result(const std::string& value, const std::string& key)
{
  const std::size_t space = value.rfind(' ');
  if (space == std::string::npos) {
    return fail(fmt::format("`{}:` must be `<id> <status>`", key));
  }
  return RecordedResult{value.substr(0, space), value.substr(space + 1)};
}

} // namespace

bool PromotionRecord::unconfined() const
{
  return sandbox.starts_with("confine=off") || sandbox.find(" confine=off") != std::string::npos;
}

std::string format_release_message(const PromotionRecord& record)
{
  std::string text = fmt::format("Release {}\n\n", record.tag);
  if (const std::string notes(util::trim(record.notes)); !notes.empty()) {
    text += notes + "\n\n";
  }
  text += fmt::format("Tollgate-Promotion: v1\nCandidate: {}\n", record.candidate.hex());
  for (const auto& approval : record.approvals) {
    text += fmt::format("Approved-by: {}\n", format_signer(approval));
  }
  for (const auto& check : record.checks) {
    text += fmt::format("Check: {} {}\n", check.id, check.status);
  }
  for (const auto& attested : record.attestations) {
    text += fmt::format("Attested-by: {} {} {} {}\n", attested.check, attested.fingerprint, attested.attestation.hex(),
                        one_line(attested.attester));
  }
  for (const auto& policy : record.policies) {
    text += fmt::format("Policy: {} {}\n", policy.id, policy.status);
  }
  if (!record.rules.empty()) {
    text += fmt::format("Rules: {}\n", one_line(record.rules));
  }
  if (!record.sandbox.empty()) {
    text += fmt::format("Sandbox: {}\n", one_line(record.sandbox));
  }
  for (const auto& note : record.floor_notes) {
    text += fmt::format("Floor-note: {}\n", one_line(note));
  }
  if (record.recovered_trust_root) {
    text += fmt::format("Recovered-trust-root: {}\n", format_previous(record.recovered_trust_root));
  }
  text += fmt::format("Previous-stable: {}\n", format_previous(record.previous_stable));
  return text;
}

Result<PromotionRecord> parse_release_message(std::string_view message)
{
  PromotionRecord record;
  if (!message.starts_with("Release ")) {
    return fail("not a tollgate release (its message does not start with `Release <tag>`)");
  }
  const std::size_t end = message.find('\n');
  record.tag = std::string(message.substr(8, end == std::string_view::npos ? std::string_view::npos : end - 8));
  auto trailers = split_trailers(message, "Tollgate-Promotion");
  if (!trailers) {
    return std::unexpected(trailers.error());
  }
  record.notes =
      std::string(util::trim(std::string_view(trailers->before).substr(std::min(end, trailers->before.size()))));
  bool candidate = false;
  bool previous = false;
  for (const auto& [key, value] : trailers->lines) {
    if (key == "Candidate") {
      auto id = git::Oid::parse(value);
      if (!id) {
        return fail("`Candidate:` is not a commit id");
      }
      record.candidate = *id;
      candidate = true;
    } else if (key == "Approved-by") {
      auto approval = parse_signer(value, key);
      if (!approval) {
        return std::unexpected(approval.error());
      }
      record.approvals.push_back(std::move(*approval));
    } else if (key == "Check" || key == "Policy") {
      auto result = parse_result(value, key);
      if (!result) {
        return std::unexpected(result.error());
      }
      (key == "Check" ? record.checks : record.policies).push_back(std::move(*result));
    } else if (key == "Attested-by") {
      // CHECK FINGERPRINT OBJECT NAME
      const std::size_t first = value.find(' ');
      const std::size_t second = first == std::string::npos ? first : value.find(' ', first + 1);
      const std::size_t third = second == std::string::npos ? second : value.find(' ', second + 1);
      auto object = git::Oid::parse(third == std::string::npos ? "" : value.substr(second + 1, third - second - 1));
      if (!object) {
        return fail("`Attested-by:` must be `<check> <fingerprint> <attestation> <attester>`");
      }
      record.attestations.push_back(
          {value.substr(0, first), value.substr(first + 1, second - first - 1), *object, value.substr(third + 1)});
    } else if (key == "Previous-stable") {
      auto parsed = parse_previous(value);
      if (!parsed) {
        return std::unexpected(parsed.error());
      }
      record.previous_stable = std::move(*parsed);
      previous = true;
    } else if (key == "Rules") {
      record.rules = value;
    } else if (key == "Sandbox") {
      record.sandbox = value;
    } else if (key == "Floor-note") {
      record.floor_notes.push_back(value);
    } else if (key == "Recovered-trust-root") {
      auto parsed = parse_previous(value);
      if (!parsed || !*parsed) {
        return fail("`Recovered-trust-root:` must be `<tag> <40 hex>`");
      }
      record.recovered_trust_root = std::move(*parsed);
    } else {
      return fail(fmt::format("unknown record field `{}`", key));
    }
  }
  if (!candidate || !previous) {
    return fail("the promotion record lacks `Candidate:` or `Previous-stable:`");
  }
  const std::size_t digit = record.tag.find_first_of("0123456789");
  record.version = digit == std::string::npos ? record.tag : record.tag.substr(digit);
  return record;
}

std::string format_stable_message(const StableRecord& record)
{
  std::string text =
      fmt::format("{} -> {}\n\nTollgate-Stable: v1\n", record.stage.empty() ? "stable" : record.stage, record.release);
  if (!record.stage.empty()) {
    text += fmt::format("Stage: {}\n", record.stage);
  }
  text += fmt::format("Release: {} {}\nPrevious-stable: {}\n", record.release, record.release_tag.hex(),
                      format_previous(record.previous_stable));
  if (const auto& evidence = record.evidence) {
    text += fmt::format("From-stage: {} {} {}\nSoak: {}s held {}s\n", evidence->from_stage, evidence->from_tag.hex(),
                        evidence->entered, evidence->soak, evidence->held);
    for (const auto& signoff : evidence->signoffs) {
      text += fmt::format("Sign-off: {}\n", format_signer(signoff));
    }
    if (!evidence->verify.empty()) {
      text += fmt::format("Verify: {}\n", one_line(evidence->verify));
    }
  }
  if (!record.demoted_by.empty()) {
    text += fmt::format("Demoted-by: {}\nReason: {}\n", one_line(record.demoted_by), one_line(record.reason));
  }
  return text;
}

Result<StableRecord> parse_stable_message(std::string_view message)
{
  auto trailers = split_trailers(message, "Tollgate-Stable");
  if (!trailers) {
    return std::unexpected(trailers.error());
  }
  StableRecord record;
  bool release = false;
  bool previous = false;
  for (const auto& [key, value] : trailers->lines) {
    if (key == "Release") {
      const std::size_t space = value.rfind(' ');
      auto id = git::Oid::parse(space == std::string::npos ? "" : value.substr(space + 1));
      if (!id) {
        return fail("`Release:` must be `<tag> <tag object>`");
      }
      record.release = value.substr(0, space);
      record.release_tag = *id;
      release = true;
    } else if (key == "Previous-stable") {
      auto parsed = parse_previous(value);
      if (!parsed) {
        return std::unexpected(parsed.error());
      }
      record.previous_stable = std::move(*parsed);
      previous = true;
    } else if (key == "Demoted-by") {
      record.demoted_by = value;
    } else if (key == "Reason") {
      record.reason = value;
    } else if (key == "Stage") {
      record.stage = value;
    } else if (key == "From-stage" || key == "Soak" || key == "Sign-off" || key == "Verify") {
      StageEvidence& evidence = record.evidence ? *record.evidence : record.evidence.emplace();
      if (key == "Sign-off") {
        auto signoff = parse_signer(value, key);
        if (!signoff) {
          return std::unexpected(signoff.error());
        }
        evidence.signoffs.push_back(std::move(*signoff));
      } else if (key == "Verify") {
        evidence.verify = value;
      } else if (auto parsed = parse_evidence(key, value, evidence); !parsed) {
        return std::unexpected(parsed.error());
      }
    } else {
      return fail(fmt::format("unknown stable record field `{}`", key));
    }
  }
  if (!release || !previous) {
    return fail("the stable record lacks `Release:` or `Previous-stable:`");
  }
  return record;
}

} // namespace tollgate::core

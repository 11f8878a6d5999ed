#include "core/release/signoffs.hpp"

#include "core/config/repository_identity.hpp"
#include "core/trust/audit_log.hpp"
#include "core/trust/signature_verifier.hpp"
#include "git/objects.hpp"
#include "git/signed_tag.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <set>

namespace tollgate::core {

namespace {

// A sign-off read from its ref: the tag object's bytes split at the signature.
struct Filed {
  ApprovalRecord record;
  std::string raw;
  std::size_t split = 0;
};

Filed read_filed(const git::Repository& repo, const git::Ref& ref)
{
  Filed filed;
  filed.record.ref = ref.name;
  filed.record.verdict = Verdict::malformed;
  auto raw = git::read_raw(repo, ref.target);
  if (!raw) {
    filed.record.reason = fmt::format("points at a missing object {}", ref.target.short_hex());
    return filed;
  }
  filed.record.object = ref.target.hex();
  if (raw->type != GIT_OBJECT_TAG) {
    filed.record.reason = "not a signed tag object";
    return filed;
  }
  filed.raw = std::move(raw->data);
  const auto parts = git::split_signature(filed.raw);
  if (parts.signature.empty()) {
    filed.record.verdict = Verdict::unsigned_tag;
    filed.record.reason = "the tag object is not signed";
    return filed;
  }
  filed.split = parts.payload.size();
  filed.record.verdict = Verdict::counts; // provisional: judged after verification
  return filed;
}

void judge(Filed& filed, const SignatureVerdict& verification, const TrustRoot& root, const std::string& stage,
           const std::string& release, const git::Oid& release_tag, std::set<std::string>& counted)
{
  ApprovalRecord& record = filed.record;
  const auto reject = [&](Verdict verdict, std::string reason) {
    record.verdict = verdict;
    record.reason = std::move(reason);
  };
  record.fingerprint = verification.primary;
  record.signed_at = verification.created;
  if (auto refused = signature_refusal(verification, std::time(nullptr))) {
    return reject(refused->first, std::move(refused->second));
  }
  const Maintainer* maintainer = root.maintainers.by_fingerprint(verification.primary);
  if (maintainer == nullptr) {
    return reject(Verdict::not_maintainer, fmt::format("key {} belongs to no maintainer in {} at {}",
                                                       verification.primary, root.maintainers_path, root.source));
  }
  record.maintainer = maintainer->name;
  record.email = maintainer->email;
  record.roles = maintainer->roles;
  auto header = git::parse_tag_payload(std::string_view(filed.raw).substr(0, filed.split));
  auto message = header ? parse_signoff_message(header->message) : Result<SignoffMessage>(fail("unreadable"));
  if (!header || !message) {
    return reject(Verdict::malformed, header ? message.error().message : header.error().message);
  }
  record.commit = message->tag.hex();
  record.comment = message->comment;
  if (header->type != "tag" || header->object != message->tag) {
    return reject(Verdict::wrong_target, fmt::format("its tag object targets {} but its message signs off {}",
                                                     header->object.short_hex(), message->tag.short_hex()));
  }
  if (util::to_lower(record.ref) != util::to_lower(signoff_ref(stage, release, verification.primary))) {
    return reject(Verdict::misfiled, fmt::format("filed under {} but signed by {} for {} at {}", record.ref,
                                                 verification.primary, message->release, message->stage));
  }
  if (message->stage != stage || message->release != release || message->tag != release_tag) {
    return reject(Verdict::other_commit,
                  fmt::format("it signs off {} ({}) for {}, not {} ({}) for {}", message->release,
                              message->tag.short_hex(), message->stage, release, release_tag.short_hex(), stage));
  }
  if (root.repository.empty() || normalise_repository(message->repository) != root.repository) {
    return reject(Verdict::other_repository,
                  fmt::format("made for repository `{}`, this is `{}`", message->repository, root.repository));
  }
  if (!counted.insert(maintainer->name + '\n' + maintainer->email).second) {
    return reject(Verdict::duplicate,
                  fmt::format("{} is counted already (one sign-off per maintainer)", maintainer->name));
  }
  record.verdict = Verdict::counts;
  record.reason = "counts";
}

} // namespace

std::string format_signoff_message(const SignoffMessage& message)
{
  std::string text = fmt::format("{}\n\nrepository: {}\nstage: {}\nrelease: {}\ntag: {}\n", k_signoff_header,
                                 message.repository, message.stage, message.release, message.tag.hex());
  if (const std::string comment(util::trim(message.comment)); !comment.empty()) {
    text += fmt::format("comment: {}\n", util::printable(comment));
  }
  return text;
}

Result<SignoffMessage> parse_signoff_message(std::string_view text)
{
  const auto lines = util::split_lines(text);
  if (lines.size() < 2 || lines[0] != k_signoff_header || !lines[1].empty()) {
    return fail(fmt::format("not a sign-off (it does not start with `{}`)", k_signoff_header));
  }
  SignoffMessage message;
  std::set<std::string> seen;
  for (std::size_t i = 2; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    const std::size_t colon = line.find(": ");
    const std::string key = colon == std::string::npos ? line : line.substr(0, colon);
    if (colon == std::string::npos || !seen.insert(key).second) {
      return fail(fmt::format("malformed sign-off line `{}`", util::printable(line)));
    }
    const std::string value = line.substr(colon + 2);
    if (key == "repository") {
      message.repository = value;
    } else if (key == "stage") {
      message.stage = value;
    } else if (key == "release") {
      message.release = value;
    } else if (key == "tag") {
      auto id = git::Oid::parse(value);
      if (!id) {
        return fail("`tag:` is not a tag object id");
      }
      message.tag = *id;
    } else if (key == "comment") {
      message.comment = value;
    } else {
      return fail(fmt::format("unknown sign-off field `{}`", util::printable(key)));
    }
  }
  for (const char* key : {"repository", "stage", "release", "tag"}) {
    if (!seen.contains(key)) {
      return fail(fmt::format("the sign-off lacks `{}:`", key));
    }
  }
  return message;
}

std::string signoff_ref(std::string_view stage, std::string_view release, std::string_view fingerprint)
{
  return fmt::format("{}{}/{}/{}", k_signoffs_ref_prefix, stage, release, fingerprint);
}

int SignoffReport::counted() const
{
  return static_cast<int>(std::count_if(signoffs.begin(), signoffs.end(), [](const auto& s) { return s.counts(); }));
}

Result<SignoffReport> evaluate_signoffs(const git::Repository& repo, const TrustRoot& root, const std::string& stage,
                                        const std::string& release, const git::Oid& release_tag, int required,
                                        const std::vector<git::Ref>* only)
{
  SignoffReport report;
  report.required = required;
  auto refs = only != nullptr
                  ? Result<std::vector<git::Ref>>(*only)
                  : git::list_refs_under(repo, fmt::format("{}{}/{}/", k_signoffs_ref_prefix, stage, release));
  if (!refs) {
    return std::unexpected(refs.error());
  }
  std::vector<Filed> items;
  std::vector<SignedBytes> signed_bytes;
  for (const auto& ref : *refs) {
    items.push_back(read_filed(repo, ref));
  }
  for (const auto& item : items) {
    if (item.record.verdict == Verdict::counts) {
      const std::string_view raw = item.raw;
      signed_bytes.push_back(SignedBytes{raw.substr(0, item.split), raw.substr(item.split)});
    }
  }
  std::vector<SignatureVerdict> verdicts;
  if (!signed_bytes.empty()) {
    auto verifier = SignatureVerifier::open(root.keys, root.digest, root.verify);
    auto verified = verifier ? verifier->verify(signed_bytes)
                             : Result<std::vector<SignatureVerdict>>(std::unexpected(verifier.error()));
    if (!verified) {
      return std::unexpected(verified.error());
    }
    verdicts = std::move(*verified);
  }
  std::set<std::string> counted;
  std::size_t next = 0;
  for (auto& item : items) {
    if (item.record.verdict == Verdict::counts) {
      judge(item, verdicts[next++], root, stage, release, release_tag, counted);
    }
    report.signoffs.push_back(std::move(item.record));
  }
  return report;
}

Result<CreatedApproval> create_signoff(const git::Repository& repo, const gpg::Context& gpg, const gpg::KeyInfo& key,
                                       const SignoffMessage& message)
{
  const std::string payload =
      git::tag_payload(message.tag, "tag", fmt::format("signoff-{}-{}", message.stage, message.release),
                       identity_of(key), format_signoff_message(message));
  return write_signed_ref(repo, gpg, key, payload, signoff_ref(message.stage, message.release, key.fingerprint),
                          "tollgate approve --stage");
}

} // namespace tollgate::core

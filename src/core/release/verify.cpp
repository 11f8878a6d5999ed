#include "core/release/verify.hpp"

#include "core/checklist/checks_in_force.hpp"
#include "core/checklist/workspace.hpp"
#include "core/release/history_rewrites.hpp"
#include "core/release/signoffs.hpp"
#include "core/release/stages.hpp"
#include "core/release/trust_root_recovery.hpp"
#include "core/trust/approval_message.hpp"
#include "core/trust/approvals.hpp"
#include "core/trust/audit_log.hpp"
#include "core/trust/promotion_record.hpp"
#include "core/trust/signature_verifier.hpp"
#include "core/trust/trust_root.hpp"
#include "git/objects.hpp"
#include "git/refs.hpp"
#include "git/signed_tag.hpp"
#include "openpgp/verify.hpp"
#include "util/fatal.hpp"
#include "util/strings.hpp"
#include "version_files/edit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

namespace tollgate::core {

namespace {

class Verifier {
public:
  Verifier(const git::Repository& repo, const Config& local, VerifyReport& report)
      : m_repo(repo), m_local(local), m_report(report)
  {
  }

  void add(std::string name, bool ok, std::string detail)
  {
    m_report.findings.push_back(VerifyFinding{std::move(name), ok, std::move(detail)});
  }

  // The signer of `raw` (a signed object's bytes split by `split`) if it is a maintainer of `root`.
  Result<std::string> signed_by_maintainer(std::string_view payload, std::string_view signature, const TrustRoot& root)
  {
    if (signature.empty()) {
      return fail("it is not signed");
    }
    auto verifier = SignatureVerifier::open(root.keys, root.digest, root.verify);
    if (!verifier) {
      return std::unexpected(verifier.error());
    }
    auto verification = verifier->verify(SignedBytes{payload, signature});
    if (!verification) {
      return std::unexpected(verification.error());
    }
    if (verification->state != gpg::SignatureState::good) {
      return fail(std::string(gpg::to_string(verification->state)));
    }
    const Maintainer* maintainer = root.maintainers.by_fingerprint(verification->primary);
    if (maintainer == nullptr) {
      return fail(fmt::format("signed by {}, who is no maintainer at {}", verification->primary, root.source));
    }
    return fmt::format("{} <{}>", maintainer->name, maintainer->email);
  }

  Result<std::string> tag_signer(const git::Oid& tag, const TrustRoot& root)
  {
    auto raw = git::read_raw(m_repo, tag);
    if (!raw) {
      return std::unexpected(raw.error());
    }
    const auto parts = git::split_signature(raw->data);
    return signed_by_maintainer(parts.payload, parts.signature, root);
  }

  // The trust root a release was approved against: the stable release before it, or its candidate
  // for the first one.
  std::optional<TrustRoot> root_before(const PromotionRecord& record)
  {
    if (record.recovered_trust_root) {
      return recovered_root(record);
    }
    if (!record.previous_stable) {
      if (auto first = first_release_root(record)) {
        return first;
      }
    }
    auto root = record.previous_stable
                    ? load_trust_root_at(m_repo, m_local, record.previous_stable->commit, false,
                                         fmt::format("{} ({})", record.previous_stable->tag,
                                                     record.previous_stable->commit.short_hex()))
                    : load_trust_root_at(m_repo, m_local, record.candidate, true,
                                         fmt::format("candidate {} (the first release)", record.candidate.short_hex()));
    if (!root) {
      add("trust root", false, root.error().message);
      return std::nullopt;
    }
    return std::move(*root);
  }

  // With stages (docs/stages.md), a release cut before any reached stable was approved under the
  // first release, whose commit its `Rules:` names: taken when it is an earlier commit of its history.
  std::optional<TrustRoot> first_release_root(const PromotionRecord& record)
  {
    const auto words = util::split_simple_command(record.rules).value_or(std::vector<std::string>{});
    auto commit = words.size() == 3 && words[0] == "stable" ? git::Oid::parse(words[2])
                                                            : Result<git::Oid>(fail("no earlier trust root"));
    if (!commit || *commit == record.candidate) {
      return std::nullopt;
    }
    auto earlier = git::descends_from(m_repo, record.candidate, *commit);
    if (!earlier || !*earlier) {
      return std::nullopt;
    }
    auto root = load_trust_root_at(m_repo, m_local, *commit, false,
                                   fmt::format("{}, the first release (none was stable yet)", commit->short_hex()));
    if (!root) {
      add("trust root", false, root.error().message);
      return std::nullopt;
    }
    return std::move(*root);
  }

  // A release promoted with --recover-trust-root: only when the trust root at its Previous-stable is
  // broken, and the one it names is an earlier release of the same history.
  std::optional<TrustRoot> recovered_root(const PromotionRecord& record)
  {
    const StableRef& used = *record.recovered_trust_root;
    if (!record.previous_stable) {
      add("trust root", false, "the record claims a recovered trust root but names no previous stable release");
      return std::nullopt;
    }
    const auto broken = trust_root_problem(m_repo, m_local, record.previous_stable->commit, std::time(nullptr));
    if (!broken) {
      add("trust root", false,
          fmt::format("the record claims the trust root at {} was broken, but it is usable: the recovery to {} "
                      "was not justified",
                      record.previous_stable->tag, used.tag));
      return std::nullopt;
    }
    auto earlier = git::descends_from(m_repo, record.previous_stable->commit, used.commit);
    auto tag = git::read_ref(m_repo, "refs/tags/" + used.tag);
    std::optional<git::Oid> tagged;
    if (tag && *tag) {
      if (auto commit = git::peel_to_commit(m_repo, **tag)) {
        tagged = *commit;
      }
    }
    if (!earlier || !*earlier || tagged != used.commit) {
      add("trust root", false,
          fmt::format("the recovered trust root {} ({}) is not an earlier release of this history", used.tag,
                      used.commit.short_hex()));
      return std::nullopt;
    }
    auto root = load_trust_root_at(m_repo, m_local, used.commit, false,
                                   fmt::format("{} ({}), recovered: the one at {} is broken ({})", used.tag,
                                               used.commit.short_hex(), record.previous_stable->tag, *broken));
    if (!root) {
      add("trust root", false, root.error().message);
      return std::nullopt;
    }
    add("trust root", true, root->source);
    return std::move(*root);
  }

  void verify_release_tag(const std::string& name, const git::Oid& tag_id)
  {
    auto tag = git::read_tag(m_repo, tag_id);
    if (!tag) {
      add("release tag", false, tag.error().message);
      return;
    }
    auto record = parse_release_message(tag->message);
    if (!record) {
      add("promotion record", false, fmt::format("{}: {}", name, record.error().message));
      return;
    }
    add("promotion record", true,
        fmt::format("{}: candidate {}, {} approval(s){}{}", name, record->candidate.short_hex(),
                    record->approvals.size(), record->sandbox.empty() ? "" : "; sandbox: " + record->sandbox,
                    record->unconfined() ? " (UNCONFINED: its checks ran with confine=off)" : ""));
    auto root = root_before(*record);
    if (!root) {
      return;
    }
    m_root = *root;
    auto signer = tag_signer(tag_id, *root);
    add("release signature", signer.has_value(),
        signer ? fmt::format("{} signed by {}", name, *signer) : fmt::format("{}: {}", name, signer.error().message));

    // The release commit: the candidate plus the CHANGELOG and the version strings of the
    // candidate's release.version_files, nothing else.
    auto commit = git::read_commit(m_repo, tag->target);
    if (!commit) {
      add("changelog-only commit", false, commit.error().message);
    } else if (commit->parents.size() != 1 || commit->parents.front() != record->candidate) {
      add("changelog-only commit", false,
          fmt::format("{} is not a commit on top of the approved candidate {}", tag->target.short_hex(),
                      record->candidate.short_hex()));
    } else {
      for (auto& finding :
           version_files::judge_release_commit(m_repo, record->candidate, tag->target, m_local.release.changelog,
                                               version_files_at(record->candidate), record->version)) {
        add(std::move(finding.name), finding.ok, std::move(finding.detail));
      }
    }

    // The recorded approvals, judged again against that trust root.
    std::vector<git::Ref> refs;
    for (const auto& approval : record->approvals) {
      refs.push_back(git::Ref{approval_ref(record->candidate, approval.fingerprint), approval.approval});
    }
    const ApprovalPolicy policy{root->approvals.required, root->approvals.bind, root->approvals.exclude_author,
                                root->approvals.roles};
    auto approvals = evaluate_approvals(m_repo, *root, record->candidate, policy, &refs, VerdictCache::skip);
    if (!approvals) {
      add("approvals", false, approvals.error().message);
      return;
    }
    std::vector<std::string> refused;
    for (const auto& approval : approvals->approvals) {
      if (!approval.counts()) {
        refused.push_back(
            fmt::format("{}: {}", approval.maintainer.empty() ? approval.ref : approval.maintainer, approval.reason));
      }
    }
    add("approvals", approvals->satisfied() && refused.empty(),
        fmt::format("{} against {}{}", approvals->summary(), root->source,
                    refused.empty() ? "" : fmt::format("; refused: {}", fmt::join(refused, "; "))));
    m_release_commit = tag->target;
  }

  void verify_audit_log(const git::Oid& release_tag)
  {
    auto head = git::read_ref(m_repo, k_audit_log_ref);
    if (!head || !*head) {
      add("audit log", false, "refs/tollgate/log does not exist");
      return;
    }
    auto entries = read_audit_log(m_repo, **head);
    if (!entries) {
      add("audit log", false, entries.error().message);
      return;
    }
    bool found = false;
    for (std::size_t i = 0; i < entries->size(); ++i) {
      const AuditEntry& entry = (*entries)[i];
      if (entry.parents.size() > 1 || (i + 1 < entries->size() && entry.parents.empty())) {
        add("audit log", false, fmt::format("entry {} breaks the chain", entry.commit.short_hex()));
        return;
      }
      if (entry.event.is_null() || !entry.event.contains("commit")) {
        add("audit log", false, fmt::format("entry {} holds no readable event.json", entry.commit.short_hex()));
        return;
      }
      auto event_commit = git::Oid::parse(entry.event.value("commit", ""));
      std::optional<TrustRoot> root;
      if (event_commit) {
        if (auto loaded = load_trust_root_at(m_repo, m_local, *event_commit, false, event_commit->short_hex())) {
          root = std::move(*loaded);
        }
      }
      if (!root) {
        add("audit log", false,
            fmt::format("entry {}: cannot read the keys of the release it names", entry.commit.short_hex()));
        return;
      }
      if (auto signer = signed_by_maintainer(entry.payload, entry.signature, *root); !signer) {
        add("audit log", false,
            fmt::format("entry {} ({}): {}", entry.commit.short_hex(), entry.summary, signer.error().message));
        return;
      }
      found = found || entry.event.value("release_tag", "") == release_tag.hex();
    }
    add("audit log", found,
        found ? fmt::format("{} signed entries, unbroken, one records this release", entries->size())
              : "no audit-log entry records this release");
    m_entries = std::move(*entries);
  }

  // The release's path through the stages (docs/stages.md), from the signed audit log: every stage
  // tag on its commit was moved there by an entry, and every stage move met the stage path
  // recorded at the cut (from the stage before, soak held, sign-offs, verify).
  void verify_stage_path(const std::string& release, const git::Oid& release_tag)
  {
    const std::vector<StageEvent> events = stage_events(m_entries, release_tag.hex(), m_local.release.stable_tag);
    const auto cut = std::find_if(events.begin(), events.end(), [](const auto& e) { return e.kind == "promote"; });
    if (cut == events.end() || !m_release_commit) {
      return; // the audit-log finding says so
    }
    const nlohmann::json path = cut->event.value("stages", nlohmann::json::array());
    if (!path.is_array() || path.size() < 2) {
      return; // cut without stages: one stage, stable, judged above
    }
    std::vector<std::string> names;
    for (const auto& stage : path) {
      names.push_back(stage.value("name", ""));
    }
    std::vector<std::string> problems;
    std::vector<std::string> reached;
    for (std::size_t k = 0; k < names.size(); ++k) {
      std::string problem = held_stage(release, names, k, events);
      if (!problem.empty()) {
        problems.push_back(std::move(problem));
      }
    }
    for (const auto& event : events) {
      if (event.kind == "promote") {
        reached.push_back(event.stage + " (cut)");
        continue;
      }
      if (event.kind != "stage") {
        continue;
      }
      const auto at = std::find(names.begin(), names.end(), event.stage);
      if (at == names.end() || at == names.begin()) {
        problems.push_back(fmt::format("an entry moves {} to `{}`, which is not a later stage of its path ({})",
                                       release, event.stage, fmt::join(names, ", ")));
        continue;
      }
      const std::size_t k = static_cast<std::size_t>(at - names.begin());
      std::string problem = stage_move_problem(release, release_tag, path[k], names[k - 1], event, events);
      if (!problem.empty()) {
        problems.push_back(std::move(problem));
      } else {
        reached.push_back(fmt::format("{} (held {} of {}, {} sign-off(s), verify {})", event.stage,
                                      format_duration(event.time - entered(names[k - 1], event, events)),
                                      format_duration(path[k].value("soak", std::int64_t{0})),
                                      event.event.value("signoffs", nlohmann::json::array()).size(),
                                      event.event["verify"].is_object() ? "pass" : "none"));
      }
    }
    add("stage path", problems.empty(),
        problems.empty() ? fmt::format("{}: {}", release, fmt::join(reached, ", "))
                         : fmt::format("{}", fmt::join(problems, "; ")));
  }

  std::optional<git::Oid> m_release_commit;

private:
  // When the release entered `stage` before `move`: the newest entry that moved it there earlier.
  static std::int64_t entered(const std::string& stage, const StageEvent& move, const std::vector<StageEvent>& events)
  {
    std::int64_t when = -1;
    for (const auto& event : events) {
      if (&event == &move) {
        break;
      }
      if (event.stage == stage && event.kind != "demote") {
        when = event.time;
      }
    }
    return when;
  }

  // Why stage `names[k]`'s tag on the release's commit is not accounted for, or "" (or not there).
  std::string held_stage(const std::string& release, const std::vector<std::string>& names, std::size_t k,
                         const std::vector<StageEvent>& events)
  {
    const std::string& stage = names[k];
    auto tag = git::read_ref(m_repo, "refs/tags/" + stage);
    if (!tag || !*tag) {
      return {};
    }
    auto commit = git::peel_to_commit(m_repo, **tag);
    if (!commit || *commit != *m_release_commit) {
      return {};
    }
    const bool moved = std::any_of(events.begin(), events.end(), [&](const StageEvent& event) {
      return event.stage == stage && (event.event.value("stage_tag", "") == (*tag)->hex() ||
                                      event.event.value("stable_tag", "") == (*tag)->hex());
    });
    const bool entered_once = std::any_of(events.begin(), events.end(), [&](const StageEvent& event) {
      return event.stage == stage && event.kind != "demote";
    });
    if (moved && entered_once) {
      return {};
    }
    return fmt::format("{} holds {}, but no signed audit-log entry moved it there{}", stage, release,
                       k == 0 ? std::string() : fmt::format(" from {}", names[k - 1]));
  }

  // Why the stage move `event` (to the stage `requirement` describes, from `before`) does not meet
  // the stage path, or "".
  std::string stage_move_problem(const std::string& release, const git::Oid& release_tag,
                                 const nlohmann::json& requirement, const std::string& before, const StageEvent& event,
                                 const std::vector<StageEvent>& events)
  {
    const std::string& stage = event.stage;
    if (event.event.value("from_stage", "") != before) {
      return fmt::format("the move of {} to `{}` did not come from `{}`", release, stage, before);
    }
    const std::int64_t since = entered(before, event, events);
    if (since < 0) {
      return fmt::format("{} moved to `{}` without an entry that put it at `{}` first", release, stage, before);
    }
    const std::int64_t soak = requirement.value("soak", std::int64_t{0});
    if (event.time - since < soak) {
      return fmt::format("{} moved to `{}` after {} at `{}`, short of the {} soak", release, stage,
                         format_duration(event.time - since), before, format_duration(soak));
    }
    if (!requirement.value("verify", "").empty() &&
        !(event.event["verify"].is_object() && event.event["verify"].value("status", "") == "pass")) {
      return fmt::format("{} moved to `{}` without a passing verify", release, stage);
    }
    const int required = requirement.value("signoffs", 0);
    if (required == 0) {
      return {};
    }
    if (!m_root) {
      return fmt::format("the sign-offs of {} for `{}` cannot be judged without a trust root", release, stage);
    }
    std::vector<git::Ref> refs;
    for (const auto& signoff : event.event.value("signoffs", nlohmann::json::array())) {
      if (auto object = git::Oid::parse(signoff.value("signoff", ""))) {
        refs.push_back(git::Ref{signoff_ref(stage, release, signoff.value("fingerprint", "")), *object});
      }
    }
    auto judged = evaluate_signoffs(m_repo, *m_root, stage, release, release_tag, required, &refs);
    if (!judged || !judged->satisfied()) {
      return fmt::format("{} moved to `{}` with {} of {} valid sign-offs{}", release, stage,
                         judged ? judged->counted() : 0, required,
                         judged ? std::string() : " (" + judged.error().message + ")");
    }
    return {};
  }

  // release.version_files of the tollgate.yaml `commit` holds (what its promotion edited).
  Result<std::vector<version_files::Entry>> version_files_at(const git::Oid& commit)
  {
    auto text = git::read_file_at(m_repo, commit, k_config_file);
    if (!text) {
      return std::unexpected(text.error());
    }
    auto config = parse_config(text->value_or(""), k_config_file);
    if (!config) {
      return std::unexpected(config.error());
    }
    return config->release.version_files;
  }

  const git::Repository& m_repo;
  const Config& m_local;
  VerifyReport& m_report;
  std::optional<TrustRoot> m_root;   // the trust root the release was approved against
  std::vector<AuditEntry> m_entries; // the audit log, once verified
};

} // namespace

bool VerifyReport::ok() const
{
  return !findings.empty() && std::all_of(findings.begin(), findings.end(), [](const auto& f) { return f.ok; });
}

nlohmann::json VerifyReport::to_json() const
{
  nlohmann::json list = nlohmann::json::array();
  for (const auto& finding : findings) {
    list.push_back({{"check", finding.name}, {"ok", finding.ok}, {"detail", finding.detail}});
  }
  return {{"tag", tag}, {"release", release}, {"ok", ok()}, {"findings", list}};
}

Result<VerifyReport> verify_release(const git::Repository& repo, const Config& local, const std::string& tag)
{
  VerifyReport report;
  report.tag = tag;
  auto id = git::read_ref(repo, "refs/tags/" + tag);
  if (!id) {
    return std::unexpected(id.error());
  }
  if (!*id) {
    return fail(fmt::format("there is no tag `{}`", tag));
  }
  Verifier verifier(repo, local, report);
  auto object = git::read_tag(repo, **id);
  if (!object) {
    verifier.add("signed tag", false, fmt::format("`{}` is a lightweight tag, not a signed tag object", tag));
    return report;
  }
  report.release = tag;
  git::Oid release_tag = **id;
  if (auto stable = parse_stable_message(object->message)) {
    // `stable`: its own signature, then the release it names.
    report.release = stable->release;
    auto named = git::read_ref(repo, "refs/tags/" + stable->release);
    if (!named || !*named || **named != stable->release_tag) {
      verifier.add("stable record", false,
                   fmt::format("{} names {} {}, but that tag is {}", tag, stable->release,
                               stable->release_tag.short_hex(),
                               named && *named ? (*named)->short_hex() : std::string("missing")));
      return report;
    }
    auto release = git::read_tag(repo, stable->release_tag);
    if (!release || release->target != object->target) {
      verifier.add("stable record", false,
                   fmt::format("{} does not point at the commit {} tags", tag, stable->release));
      return report;
    }
    verifier.add("stable record", true,
                 fmt::format("{} -> {}{}", tag, stable->release,
                             stable->demoted_by.empty()
                                 ? ""
                                 : fmt::format(" (demoted by {}: {})", stable->demoted_by, stable->reason)));
    release_tag = stable->release_tag;
    auto record = parse_release_message(release->message);
    if (record) {
      if (auto root = verifier.root_before(*record)) {
        // A demotion is signed by whoever demoted; either way, by a maintainer of that trust root
        // or, after a demotion, of the release it demoted to.
        auto signer = verifier.tag_signer(**id, *root);
        if (!signer && !stable->demoted_by.empty()) {
          if (auto now = load_trust_root_at(repo, local, object->target, false, object->target.short_hex())) {
            signer = verifier.tag_signer(**id, *now);
          }
        }
        verifier.add("stable signature", signer.has_value(),
                     signer ? fmt::format("{} signed by {}", tag, *signer)
                            : fmt::format("{}: {}", tag, signer.error().message));
      }
    }
  }
  verifier.verify_release_tag(report.release, release_tag);
  verifier.verify_audit_log(release_tag);
  verifier.verify_stage_path(report.release, release_tag);
  return report;
}

VerifyReport verify(const std::string& tag)
{
  const std::jthread rnp_loader = openpgp::load_in_background(); // while the repository opens
  const Workspace workspace = find_workspace(WorkTree::optional);
  const Config config = load_workspace_config(workspace);
  const git::Repository repo = open_repository(workspace);
  if (auto plain = refuse_history_rewrites(repo); !plain) {
    environment_error("verify refused: " + plain.error().message);
  }
  auto report = verify_release(repo, config, tag.empty() ? config.release.stable_tag : tag);
  if (!report) {
    usage_error(report.error().message);
  }
  return std::move(*report);
}

} // namespace tollgate::core

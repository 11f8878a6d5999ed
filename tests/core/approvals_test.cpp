// Threat tests for approvals (DESIGN.md §4): real keys in a temporary GNUPGHOME, real repositories.
// Each attack is its own test case and must be refused with its specific reason.

#include "core/config/config.hpp"
#include "core/trust/approvals.hpp"
#include "core/trust/trust_root.hpp"
#include "git/objects.hpp"
#include "gpg/context.hpp"
#include "support/gpg_fixture.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <vector>

using namespace tollgate;
using test::Keys;
using test::quote;
using test::sh;

namespace {

constexpr const char* k_repository = "example.com/demo";

class ApprovalRepo {
public:
  // A repository whose MAINTAINERS.yaml lists `maintainers` (Bob with both his keys) and whose
  // .tollgate/keys holds the keys of `keys`; HEAD is a commit by Carol.
  explicit ApprovalRepo(std::vector<std::string> maintainers = {"ada", "bob", "carol", "rita", "olga"},
                        std::vector<std::string> keys = {"ada", "bob", "bob2", "carol", "mallory", "rita", "olga"},
                        const std::string& extra_config = "")
  {
    git("init -q -b main");
    git("config user.name 'Carol Author'");
    git("config user.email carol@example.com");
    git("config commit.gpgsign false");
    write_trust(maintainers, keys, extra_config);
    base = commit("feat: base");
  }

  std::string path() const { return m_dir.path().string() + "/repo"; }

  std::string git(const std::string& args) const
  {
    std::filesystem::create_directories(path());
    return trim(sh("git -C " + quote(path()) + " " + args));
  }

  void write_trust(const std::vector<std::string>& maintainers, const std::vector<std::string>& keys,
                   const std::string& extra_config = "") const
  {
    std::string yaml = "maintainers:\n";
    for (const auto& id : maintainers) {
      const auto& key = Keys::get()[id];
      std::string fingerprints = key.fingerprint;
      if (id == "bob") {
        fingerprints += ", " + Keys::get()["bob2"].fingerprint;
      }
      yaml += fmt::format("  - name: {}\n    email: {}\n    keys: [{}]\n    roles: [release]\n", key.name, key.email,
                          fingerprints);
    }
    m_dir.write("repo/MAINTAINERS.yaml", yaml);
    std::filesystem::remove_all(path() + "/.tollgate/keys");
    for (const auto& id : keys) {
      m_dir.write("repo/.tollgate/keys/" + id + ".asc", Keys::get()[id].armored);
    }
    m_dir.write("repo/tollgate.yaml",
                fmt::format("version: 1\nrelease:\n  repository: {}\n{}", k_repository, extra_config));
  }

  std::string commit(const std::string& message, const std::string& author = "Carol Author <carol@example.com>")
  {
    m_dir.write("repo/file.txt", message + std::to_string(++m_counter));
    git("add -A");
    git("commit -q --author " + quote(author) + " -m " + quote(message));
    return git("rev-parse HEAD");
  }

  git::Repository open() const { return *git::Repository::open(path()); }

  // Approves `commit` with tollgate's own code path, as `tollgate approve` does.
  std::string approve(const std::string& id, const std::string& commit_sha) const
  {
    const auto repo = open();
    auto gpg = gpg::Context::create();
    REQUIRE(gpg);
    auto keys = gpg->list_keys(true, Keys::get()[id].fingerprint);
    REQUIRE(keys);
    REQUIRE(keys->size() == 1);
    auto created = core::create_approval(repo, *gpg, keys->front(), k_repository, *git::Oid::parse(commit_sha), "");
    REQUIRE(created);
    return created->ref;
  }

  // A hand-made approval object: `target` in its header, `message` as its text, signed by `id`
  // (unless `sign` is false) at `faked_time` when given; filed under `ref_commit`/`ref_key`.
  std::string craft(const std::string& id, const std::string& target, const std::string& message, bool sign = true,
                    const std::string& faked_time = "", std::string ref_commit = "", std::string ref_key = "") const
  {
    const auto& key = Keys::get()[id];
    const std::string payload = fmt::format("object {}\ntype commit\ntag approval-crafted\ntagger {} <{}> "
                                            "1700000000 +0000\n\n{}",
                                            target, key.name, key.email, message);
    const auto payload_file = m_dir.write("payload", payload);
    std::string object = payload;
    if (sign) {
      const std::string faked = faked_time.empty() ? "" : "--faked-system-time " + faked_time + "! ";
      sh("gpg --batch --yes --quiet " + faked + "--local-user " + key.fingerprint + " --armor --detach-sign -o " +
         quote(payload_file.string() + ".asc") + " " + quote(payload_file.string()) + " 2>/dev/null");
      object += test::read_file(payload_file.string() + ".asc");
    }
    return store(object, ref_commit.empty() ? target : ref_commit, ref_key.empty() ? key.fingerprint : ref_key);
  }

  // Writes `object` as a tag object and files it under refs/tollgate/approvals/<commit>/<key>.
  std::string store(const std::string& object, const std::string& commit_sha, const std::string& key) const
  {
    const auto file = m_dir.write("object", object);
    const std::string id = git("hash-object -t tag -w --literally " + quote(file.string()));
    const std::string ref = fmt::format("refs/tollgate/approvals/{}/{}", commit_sha, key);
    git("update-ref " + ref + " " + id);
    return ref;
  }

  static std::string message(const std::string& commit_sha, const std::string& tree,
                             const std::string& repository = k_repository)
  {
    return fmt::format("tollgate approval v1\n\nrepository: {}\ncommit: {}\ntree: {}\n", repository, commit_sha, tree);
  }

  std::string tree_of(const std::string& commit_sha) const { return git("rev-parse " + commit_sha + "^{tree}"); }

  core::ApprovalsReport evaluate(const std::string& candidate, const std::string& bind = "commit",
                                 int required = 2) const
  {
    const auto repo = open();
    auto config = core::parse_config(test::read_file(path() + "/tollgate.yaml"), "tollgate.yaml");
    REQUIRE(config);
    const auto id = *git::Oid::parse(candidate);
    auto root = core::load_trust_root(repo, *config, id);
    if (!root) {
      FAIL(root.error().message);
    }
    core::ApprovalPolicy policy{required, bind, true, {}};
    auto report = core::evaluate_approvals(repo, *root, id, policy);
    if (!report) {
      FAIL(report.error().message);
    }
    last_trust_source = root->source;
    return std::move(*report);
  }

  static core::ApprovalRecord find(const core::ApprovalsReport& report, const std::string& ref)
  {
    for (const auto& approval : report.approvals) {
      if (approval.ref == ref) {
        return approval;
      }
    }
    FAIL("no approval under " + ref);
    throw std::logic_error("unreachable");
  }

  std::string base;
  mutable std::string last_trust_source;

private:
  static std::string trim(std::string text)
  {
    while (!text.empty() && text.back() == '\n') {
      text.pop_back();
    }
    return text;
  }

  test::TempDir m_dir;
  int m_counter = 0;
};

} // namespace

TEST_CASE("approvals: two distinct maintainers with valid keys open the gate", "[approvals]")
{
  ApprovalRepo repo;
  repo.approve("ada", repo.base);
  repo.approve("bob", repo.base);
  const auto report = repo.evaluate(repo.base);
  CHECK(report.counted() == 2);
  CHECK(report.satisfied());
  CHECK(report.summary() == "2 of 2 required approvals");
  CHECK(report.bootstrap);
  for (const auto& approval : report.approvals) {
    CHECK(approval.reason == "counts");
  }
  // The same verdicts come from the verification cache on the second run.
  const auto again = repo.evaluate(repo.base);
  CHECK(again.counted() == 2);
}

TEST_CASE("approvals: git verify-tag accepts the approval objects tollgate signs", "[approvals]")
{
  ApprovalRepo repo;
  const std::string ref = repo.approve("ada", repo.base);
  CHECK(test::sh_status("git -C " + quote(repo.path()) + " verify-tag " + repo.git("rev-parse " + ref)) == 0);
  CHECK(repo.git("cat-file -t " + ref) == "tag");
}

TEST_CASE("approvals: a key that is in the keys folder but belongs to no maintainer does not count", "[approvals]")
{
  ApprovalRepo repo;
  const auto ref = repo.approve("mallory", repo.base);
  const auto& approval = ApprovalRepo::find(repo.evaluate(repo.base), ref);
  CHECK(approval.verdict == core::Verdict::not_maintainer);
  CHECK_THAT(approval.reason, Catch::Contains("belongs to no maintainer"));
}

TEST_CASE("approvals: a key the trust root does not hold is an unknown key", "[approvals]")
{
  ApprovalRepo repo;
  const auto ref = repo.approve("eve", repo.base);
  const auto report = repo.evaluate(repo.base);
  CHECK(ApprovalRepo::find(report, ref).verdict == core::Verdict::unknown_key);
  CHECK(report.counted() == 0);
}

TEST_CASE("approvals: a maintainer's revoked key does not count", "[approvals]")
{
  ApprovalRepo repo;
  const auto ref = repo.approve("rita", repo.base); // signed before the revocation reached the repository
  const auto& approval = ApprovalRepo::find(repo.evaluate(repo.base), ref);
  CHECK(approval.verdict == core::Verdict::revoked_key);
}

TEST_CASE("approvals: a maintainer's expired key does not count", "[approvals]")
{
  ApprovalRepo repo;
  const auto ref =
      repo.craft("olga", repo.base, ApprovalRepo::message(repo.base, repo.tree_of(repo.base)), true, "20200601T000000");
  const auto& approval = ApprovalRepo::find(repo.evaluate(repo.base), ref);
  CHECK(approval.verdict == core::Verdict::expired_key);
}

TEST_CASE("approvals: an approval whose message names another commit does not count", "[approvals]")
{
  ApprovalRepo repo;
  const std::string other = repo.base;
  const std::string candidate = repo.commit("fix: candidate");
  // Signed by Ada, tag and message both for `other`, filed under the candidate.
  const auto ref = repo.craft("ada", other, ApprovalRepo::message(other, repo.tree_of(other)), true, "", candidate);
  const auto& approval = ApprovalRepo::find(repo.evaluate(candidate), ref);
  CHECK(approval.verdict == core::Verdict::other_commit);
}

TEST_CASE("approvals: a tag object that targets another commit than its message says does not count", "[approvals]")
{
  ApprovalRepo repo;
  const std::string candidate = repo.commit("fix: candidate");
  // The header targets the candidate but the signed message approves the base.
  const auto ref = repo.craft("ada", candidate, ApprovalRepo::message(repo.base, repo.tree_of(repo.base)));
  const auto& approval = ApprovalRepo::find(repo.evaluate(candidate), ref);
  CHECK(approval.verdict == core::Verdict::wrong_target);
}

TEST_CASE("approvals: a tampered message no longer matches its signature", "[approvals]")
{
  ApprovalRepo repo;
  const std::string candidate = repo.commit("fix: candidate");
  const std::string ref = repo.approve("ada", repo.base);
  // Re-point a copy of Ada's approval of the base at the candidate by editing its text.
  std::string raw = repo.git("cat-file tag " + ref) + "\n";
  const std::string base_tree = repo.tree_of(repo.base);
  for (const std::string& from : {repo.base}) {
    for (std::size_t pos = raw.find(from); pos != std::string::npos; pos = raw.find(from)) {
      raw.replace(pos, from.size(), candidate);
    }
  }
  for (std::size_t pos = raw.find(base_tree); pos != std::string::npos; pos = raw.find(base_tree)) {
    raw.replace(pos, base_tree.size(), repo.tree_of(candidate));
  }
  const auto tampered = repo.store(raw, candidate, Keys::get()["ada"].fingerprint);
  const auto& approval = ApprovalRepo::find(repo.evaluate(candidate), tampered);
  CHECK(approval.verdict == core::Verdict::bad_signature);
}

TEST_CASE("approvals: a copy of a valid approval under another commit's ref does not count", "[approvals]")
{
  ApprovalRepo repo;
  const std::string candidate = repo.commit("fix: candidate");
  const std::string valid = repo.approve("ada", repo.base);
  const std::string object = repo.git("rev-parse " + valid);
  const std::string copy = fmt::format("refs/tollgate/approvals/{}/{}", candidate, Keys::get()["ada"].fingerprint);
  repo.git("update-ref " + copy + " " + object);
  const auto report = repo.evaluate(candidate);
  CHECK(ApprovalRepo::find(report, copy).verdict == core::Verdict::other_commit);
  CHECK(report.counted() == 0);
}

TEST_CASE("approvals: an unsigned annotated tag does not count", "[approvals]")
{
  ApprovalRepo repo;
  const auto ref =
      repo.craft("ada", repo.base, ApprovalRepo::message(repo.base, repo.tree_of(repo.base)), /*sign=*/false);
  CHECK(ApprovalRepo::find(repo.evaluate(repo.base), ref).verdict == core::Verdict::unsigned_tag);
}

TEST_CASE("approvals: an approval made for another repository does not count", "[approvals]")
{
  ApprovalRepo repo;
  const auto ref = repo.craft("ada", repo.base,
                              ApprovalRepo::message(repo.base, repo.tree_of(repo.base), "github.com/someone/fork"));
  const auto& approval = ApprovalRepo::find(repo.evaluate(repo.base), ref);
  CHECK(approval.verdict == core::Verdict::other_repository);
  CHECK_THAT(approval.reason, Catch::Contains("github.com/someone/fork"));
}

TEST_CASE("approvals: the candidate's author cannot approve their own commit", "[approvals]")
{
  ApprovalRepo repo; // the base commit is Carol's, and Carol is a maintainer
  const auto ref = repo.approve("carol", repo.base);
  repo.approve("ada", repo.base);
  const auto report = repo.evaluate(repo.base);
  CHECK(ApprovalRepo::find(report, ref).verdict == core::Verdict::own_commit);
  CHECK(report.counted() == 1);
  CHECK_FALSE(report.satisfied());
}

TEST_CASE("approvals: two keys of one maintainer count once", "[approvals]")
{
  ApprovalRepo repo;
  const auto first = repo.approve("bob", repo.base);
  const auto second = repo.approve("bob2", repo.base);
  const auto report = repo.evaluate(repo.base);
  CHECK(report.counted() == 1);
  const bool one_duplicate = ApprovalRepo::find(report, first).verdict == core::Verdict::duplicate ||
                             ApprovalRepo::find(report, second).verdict == core::Verdict::duplicate;
  CHECK(one_duplicate);
}

TEST_CASE("approvals: a candidate that adds its author to MAINTAINERS.yaml cannot self-approve", "[approvals]")
{
  ApprovalRepo repo({"ada", "bob"}, {"ada", "bob", "bob2"});
  repo.git("tag stable " + repo.base);
  // Eve's change makes her a maintainer with her key, then she approves it herself.
  repo.write_trust({"ada", "bob", "eve"}, {"ada", "bob", "bob2", "eve"});
  const std::string candidate = repo.commit("feat: trust me", "Eve Outsider <eve@example.com>");
  const auto ref = repo.approve("eve", candidate);
  const auto report = repo.evaluate(candidate);
  CHECK_FALSE(report.bootstrap);
  CHECK_THAT(repo.last_trust_source, Catch::StartsWith("stable"));
  const auto& approval = ApprovalRepo::find(report, ref);
  CHECK_FALSE(approval.counts());
  CHECK(approval.verdict == core::Verdict::unknown_key); // stable's keys folder does not hold Eve's key
}

TEST_CASE("approvals: a candidate that lowers approvals.required does not lower it", "[approvals]")
{
  ApprovalRepo repo({"ada", "bob"}, {"ada", "bob", "bob2"}, "approvals:\n  required: 2\n");
  repo.git("tag stable " + repo.base);
  repo.write_trust({"ada", "bob"}, {"ada", "bob", "bob2"}, "approvals:\n  required: 1\n");
  const std::string candidate = repo.commit("chore: one approval is enough", "Dan <dan@example.com>");
  const auto repo_handle = repo.open();
  auto config = core::parse_config(test::read_file(repo.path() + "/tollgate.yaml"), "tollgate.yaml");
  REQUIRE(config);
  REQUIRE(config->approvals.required == 1);
  auto root = core::load_trust_root(repo_handle, *config, *git::Oid::parse(candidate));
  REQUIRE(root);
  CHECK(root->approvals.required == 2);
  CHECK(core::tighten(root->approvals, 1, std::nullopt, std::nullopt).required == 2);
  CHECK(core::tighten(root->approvals, 3, std::nullopt, std::nullopt).required == 3);
}

TEST_CASE("approvals: a maintainer removed at stable does not count", "[approvals]")
{
  ApprovalRepo repo({"ada"}, {"ada", "bob", "bob2"}); // Bob was removed; his key file stayed
  repo.git("tag stable " + repo.base);
  repo.write_trust({"ada", "bob"}, {"ada", "bob", "bob2"});
  const std::string candidate = repo.commit("feat: bring Bob back", "Dan <dan@example.com>");
  const auto ref = repo.approve("bob", candidate);
  const auto& approval = ApprovalRepo::find(repo.evaluate(candidate), ref);
  CHECK(approval.verdict == core::Verdict::not_maintainer);
}

TEST_CASE("approvals: garbage under refs/tollgate/approvals is refused, not fatal", "[approvals]")
{
  ApprovalRepo repo;
  repo.approve("ada", repo.base);
  const std::string blob = repo.git("hash-object -w --stdin </dev/null");
  const std::string blob_ref = fmt::format("refs/tollgate/approvals/{}/{}", repo.base, Keys::get()["bob"].fingerprint);
  repo.git("update-ref " + blob_ref + " " + blob);
  // A ref to an object that does not exist (git update-ref refuses it: write the file directly).
  const std::string missing_ref =
      fmt::format("refs/tollgate/approvals/{}/{}", repo.base, Keys::get()["carol"].fingerprint);
  std::filesystem::create_directories(repo.path() + "/.git/refs/tollgate/approvals/" + repo.base);
  test::TempDir scratch;
  std::filesystem::copy_file(scratch.write("ref", "0123456789012345678901234567890123456789\n"),
                             repo.path() + "/.git/" + missing_ref);
  const auto report = repo.evaluate(repo.base);
  CHECK(ApprovalRepo::find(report, blob_ref).verdict == core::Verdict::malformed);
  CHECK_THAT(ApprovalRepo::find(report, blob_ref).reason, Catch::Contains("blob"));
  CHECK(ApprovalRepo::find(report, missing_ref).verdict == core::Verdict::malformed);
  CHECK_THAT(ApprovalRepo::find(report, missing_ref).reason, Catch::Contains("missing"));
  CHECK(report.counted() == 1);
}

TEST_CASE("approvals: with bind tree, approvals of a commit with the same tree count", "[approvals]")
{
  ApprovalRepo repo;
  const std::string approved = repo.commit("feat: reviewed", "Dan <dan@example.com>");
  repo.approve("ada", approved);
  repo.approve("bob", approved);
  // Rebased/amended: another commit, the same tree.
  repo.git("commit -q --amend --author 'Dan <dan@example.com>' -m 'feat: reviewed (amended)'");
  const std::string candidate = repo.git("rev-parse HEAD");
  REQUIRE(candidate != approved);
  REQUIRE(repo.tree_of(candidate) == repo.tree_of(approved));
  CHECK(repo.evaluate(candidate, "tree").counted() == 2);
  CHECK(repo.evaluate(candidate, "commit").counted() == 0);
}

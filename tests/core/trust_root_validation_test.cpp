// A trust root under which nothing could be approved is found before it is promoted.

#include "core/trust/trust_root_validation.hpp"
#include "support/gpg_fixture.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <ctime>
#include <fstream>

using namespace tollgate;

namespace {

std::string entry(const test::TestKey& key, const std::string& roles = "[release]")
{
  return fmt::format("  - name: {}\n    email: {}\n    keys: [{}]\n    roles: {}\n", key.name, key.email,
                     key.fingerprint, roles);
}

core::TrustRootFiles files(const std::string& config, const std::string& maintainers,
                           const std::vector<std::string>& key_ids)
{
  core::TrustRootFiles files;
  files.origin = "test";
  if (!config.empty()) {
    files.config_text = config;
  }
  files.maintainers_text = maintainers;
  files.maintainers_path = "MAINTAINERS.yaml";
  for (const auto& id : key_ids) {
    files.keys.push_back(gpg::ArmoredKey{".tollgate/keys/" + id + ".asc", test::Keys::get()[id].armored});
  }
  return files;
}

core::TrustRootSummary validate(const core::TrustRootFiles& f)
{
  return core::validate_trust_root(f, std::time(nullptr));
}

} // namespace

TEST_CASE("two maintainers with their keys make a valid trust root", "[trust-root]")
{
  const auto& keys = test::Keys::get();
  auto summary = validate(files("", "maintainers:\n" + entry(keys["ada"]) + entry(keys["bob"]), {"ada", "bob"}));
  CHECK(summary.ok());
  CHECK(summary.maintainers == 2);
  CHECK(summary.can_approve == 2);
  CHECK(summary.required == 2);
}

TEST_CASE("a listed key that no key file holds is named with its line", "[trust-root]")
{
  const auto& keys = test::Keys::get();
  auto summary = validate(files("", "maintainers:\n" + entry(keys["ada"]) + entry(keys["bob"]), {"ada"}));
  REQUIRE(summary.problems.size() == 2);
  CHECK_THAT(summary.problems[0], Catch::StartsWith("MAINTAINERS.yaml:6:5: maintainer `Bob Builder` lists key " +
                                                    keys["bob"].fingerprint + ", which no file"));
  CHECK_THAT(summary.problems[1], Catch::Contains("approvals.required is 2 but only 1 maintainer"));
  CHECK(summary.can_approve == 1);
}

TEST_CASE("revoked and expired keys cannot approve", "[trust-root]")
{
  const auto& keys = test::Keys::get();
  auto summary = validate(files("approvals:\n  required: 2\n",
                                "maintainers:\n" + entry(keys["ada"]) + entry(keys["rita"]) + entry(keys["olga"]),
                                {"ada", "rita", "olga"}));
  CHECK(summary.can_approve == 1);
  REQUIRE(summary.problems.size() == 1);
  CHECK_THAT(summary.problems[0], Catch::StartsWith("tollgate.yaml:2:13: approvals.required is 2 but only 1"));
  CHECK_THAT(summary.problems[0], Catch::Contains("revoked"));
  CHECK_THAT(summary.problems[0], Catch::Contains("expired"));
}

TEST_CASE("a required role that no able maintainer holds", "[trust-root]")
{
  const auto& keys = test::Keys::get();
  const std::string maintainers = "maintainers:\n" + entry(keys["ada"]) + entry(keys["bob"], "[release, security]");
  CHECK(validate(files("approvals:\n  roles: [security]\n", maintainers, {"ada", "bob"})).ok());
  auto summary = validate(files("approvals:\n  roles: [security]\n", maintainers, {"ada"}));
  REQUIRE_FALSE(summary.ok());
  CHECK_THAT(summary.problems.back(),
             Catch::StartsWith("tollgate.yaml:2:10: approvals.roles requires `security`, but no maintainer"));
}

TEST_CASE("malformed files and junk key files are problems", "[trust-root]")
{
  const auto& keys = test::Keys::get();
  auto bad_yaml = validate(files("", "maintainers:\n  - {name: Eve\n", {}));
  REQUIRE(bad_yaml.problems.size() == 1);
  CHECK_THAT(bad_yaml.problems[0], Catch::StartsWith("MAINTAINERS.yaml:"));
  auto bad_config = validate(files("approvals:\n  requried: 2\n", "maintainers: []\n", {}));
  REQUIRE(bad_config.problems.size() == 1);
  CHECK_THAT(bad_config.problems[0], Catch::StartsWith("tollgate.yaml:2:3:"));
  auto junk = files("", "maintainers:\n" + entry(keys["ada"]) + entry(keys["bob"]), {"ada", "bob"});
  junk.keys.push_back(gpg::ArmoredKey{".tollgate/keys/junk.asc", "hello"});
  auto summary = validate(junk);
  REQUIRE(summary.problems.size() == 1);
  CHECK_THAT(summary.problems[0], Catch::StartsWith(".tollgate/keys/junk.asc: "));
  core::TrustRootFiles none = files("", "", {});
  none.maintainers_text.reset();
  CHECK_THAT(validate(none).problems.at(0), Catch::StartsWith("MAINTAINERS.yaml: not found"));
}

TEST_CASE("a work tree's trust root is read without following symbolic links", "[trust-root]")
{
  const auto& keys = test::Keys::get();
  test::TempDir dir;
  std::filesystem::create_directories(dir.path() / ".tollgate/keys");
  std::ofstream(dir.path() / "MAINTAINERS.yaml") << "maintainers:\n" + entry(keys["ada"]) + entry(keys["bob"]);
  std::ofstream(dir.path() / ".tollgate/keys/ada.asc") << keys["ada"].armored;
  std::ofstream(dir.path() / "outside.asc") << keys["bob"].armored;
  std::filesystem::create_symlink(dir.path() / "outside.asc", dir.path() / ".tollgate/keys/bob.asc");
  auto read = core::trust_root_files_in(dir.path(), core::Config{});
  REQUIRE(read);
  CHECK(read->keys.size() == 1);
  REQUIRE(read->refused.size() == 1);
  CHECK_THAT(read->refused[0], Catch::Contains("bob.asc: a symbolic link"));
  CHECK_FALSE(core::validate_trust_root(*read, std::time(nullptr)).ok());
  std::filesystem::remove(dir.path() / ".tollgate/keys/bob.asc");
  std::filesystem::copy_file(dir.path() / "outside.asc", dir.path() / ".tollgate/keys/bob.asc");
  read = core::trust_root_files_in(dir.path(), core::Config{});
  REQUIRE(read);
  CHECK(core::validate_trust_root(*read, std::time(nullptr)).ok());
}

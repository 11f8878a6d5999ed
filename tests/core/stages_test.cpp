// Sign-off messages (strict, like approvals), the stage path of a configuration, the audit log's
// stage events and durations as people read them.

#include "core/release/signoffs.hpp"
#include "core/release/stages.hpp"

#include <catch2/catch.hpp>

using namespace tollgate;

namespace {

const git::Oid k_tag = *git::Oid::parse("1111111111111111111111111111111111111111");

} // namespace

TEST_CASE("a sign-off message survives format then parse; anything else is refused", "[stages]")
{
  const core::SignoffMessage message{"example.com/p", "stable", "v1.4.0", k_tag, "looked at the dashboards"};
  const std::string text = core::format_signoff_message(message);
  CHECK(text == "tollgate signoff v1\n\nrepository: example.com/p\nstage: stable\nrelease: v1.4.0\ntag: " +
                    k_tag.hex() + "\ncomment: looked at the dashboards\n");
  auto parsed = core::parse_signoff_message(text);
  REQUIRE(parsed);
  CHECK(parsed->repository == "example.com/p");
  CHECK(parsed->stage == "stable");
  CHECK(parsed->release == "v1.4.0");
  CHECK(parsed->tag == k_tag);
  CHECK(parsed->comment == "looked at the dashboards");
  const std::string base = "tollgate signoff v1\n\nrepository: r\nstage: s\nrelease: v1\ntag: " + k_tag.hex() + "\n";
  CHECK(core::parse_signoff_message(base));
  CHECK_FALSE(core::parse_signoff_message("tollgate approval v1\n\nrepository: r\n"));
  CHECK_FALSE(core::parse_signoff_message(base + "stage: other\n"));           // twice
  CHECK_FALSE(core::parse_signoff_message(base + "commit: abc\n"));            // unknown field
  CHECK_FALSE(core::parse_signoff_message(base.substr(0, base.find("tag:")))); // no tag
  CHECK_FALSE(core::parse_signoff_message("tollgate signoff v1\n\nrepository: r\nstage: s\nrelease: v1\ntag: xyz\n"));
  CHECK(core::signoff_ref("stable", "v1.4.0", "ABCD") == "refs/tollgate/signoffs/stable/v1.4.0/ABCD");
}

TEST_CASE("the stage path: the configured stages, or one stage, stable, with rollback.deploy", "[stages]")
{
  core::Config config;
  config.rollback.deploy = "deploy {{tag}}";
  const core::StagePath single = core::stage_path_of(config, "here");
  REQUIRE(single.stages.size() == 1);
  CHECK(single.stages[0].name == "stable");
  CHECK(single.stages[0].deploy == "deploy {{tag}}");
  CHECK_FALSE(single.staged());
  CHECK_FALSE(single.configured);
  config.release.stages = {core::StageConfig{}, core::StageConfig{}};
  config.release.stages[0].name = "staging";
  config.release.stages[1].name = "stable";
  config.release.stages[1].soak = 60;
  const core::StagePath two = core::stage_path_of(config, "here");
  CHECK(two.staged());
  CHECK(two.configured);
  CHECK(two.index_of("stable") == 1u);
  CHECK_FALSE(two.index_of("prod"));
  CHECK(two.to_json()[1]["soak"] == 60);
}

TEST_CASE("stage events: the entries that moved one release tag object, oldest first", "[stages]")
{
  std::vector<core::AuditEntry> entries(4);
  entries[0].event = {{"event", "stage"}, {"stage", "stable"}, {"release_tag", k_tag.hex()}, {"time", 30}};
  entries[1].event = {{"event", "promote"}, {"stage", "staging"}, {"release_tag", "other"}, {"time", 20}};
  entries[2].event = {{"event", "promote"}, {"stage", "staging"}, {"release_tag", k_tag.hex()}, {"time", 10}};
  entries[3].event = {{"event", "promote"}, {"release_tag", k_tag.hex()}, {"time", 5}}; // before stages: stable
  const auto events = core::stage_events(entries, k_tag.hex(), "stable");
  REQUIRE(events.size() == 3);
  CHECK(events[0].stage == "stable");
  CHECK(events[0].time == 5);
  CHECK(events[1].stage == "staging");
  CHECK(events[2].kind == "stage");
  CHECK(events[2].time == 30);
}

TEST_CASE("durations: two adjacent units at most", "[stages]")
{
  CHECK(core::format_duration(0) == "0s");
  CHECK(core::format_duration(-5) == "0s");
  CHECK(core::format_duration(59) == "59s");
  CHECK(core::format_duration(3600) == "1h");
  CHECK(core::format_duration(3725) == "1h 2m");
  CHECK(core::format_duration(86405) == "1d");
  CHECK(core::format_duration(90061) == "1d 1h");
}

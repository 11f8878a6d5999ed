#include "core/config/repository_identity.hpp"

#include <catch2/catch.hpp>

using namespace tollgate;

TEST_CASE("the forms of one repository's URL are one identity", "[approvals]")
{
  for (const char* url :
       {"https://github.com/acme/proj", "https://github.com/acme/proj.git", "git@github.com:acme/proj.git",
        "ssh://git@github.com/acme/proj", "github.com/acme/proj", "https://GitHub.COM/acme/proj/",
        "ssh://git@github.com:22/acme/proj.git", "https://user:token@github.com:443/acme/proj",
        "git://github.com/acme/proj", "  github.com/acme/proj  ", "http://github.com:80/acme/proj"}) {
    INFO(url);
    auto identity = core::repository_identity(url);
    REQUIRE(identity);
    CHECK(*identity == "github.com/acme/proj");
  }
  CHECK(core::repository_identity("https://gitlab.com/group/sub/project.git").value() ==
        "gitlab.com/group/sub/project");
  CHECK(core::repository_identity("ssh://git@git.example.com:2222/team/app").value() ==
        "git.example.com:2222/team/app");
  CHECK(core::repository_identity("/srv/git/app.git/").value() == "/srv/git/app");
  CHECK(core::repository_identity("file:///srv/git/app.git").value() == "/srv/git/app");
  CHECK(core::repository_identity("localhost/team/app").value() == "localhost/team/app");
}

TEST_CASE("different repositories stay different identities", "[approvals]")
{
  CHECK(core::normalise_repository("https://github.com/acme/proj") !=
        core::normalise_repository("https://github.com/acme/fork"));
  CHECK(core::normalise_repository("github.com/acme/proj") != core::normalise_repository("gitlab.com/acme/proj"));
  CHECK(core::normalise_repository("git.example.com:2222/team/app") !=
        core::normalise_repository("git.example.com/team/app"));
}

TEST_CASE("an empty or unparseable identity is an error", "[approvals]")
{
  struct Case {
    const char* text;
    const char* reason;
  };
  for (const Case& c : {Case{"", "is empty"}, Case{"   ", "is empty"}, Case{"my-project", "not a repository identity"},
                        Case{"acme/proj", "is not a host name"}, Case{"https://github.com", "no repository"},
                        Case{"https://github.com/", "no repository"}, Case{"acme proj", "contains blanks"},
                        Case{"git@github.com:", "no repository"}, Case{"https://exa mple.com/a", "contains blanks"},
                        Case{"https://host:port/a", "not a port"}, Case{"file://relative/path", "is empty"}}) {
    INFO(c.text);
    auto identity = core::repository_identity(c.text);
    REQUIRE_FALSE(identity);
    CHECK_THAT(identity.error().message, Catch::Contains(c.reason));
  }
  // Lenient: what does not parse is kept, trimmed, and matches no parsed identity.
  CHECK(core::normalise_repository("  my-project ") == "my-project");
}

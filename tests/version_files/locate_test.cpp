// Each built-in format and the pattern entries: the version is found where a packaging tool reads
// it, and an edit changes those bytes and no others (CRLF, odd spacing, comments, a lockfile).

#include "version_files/edit.hpp"
#include "version_files/locate.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace tollgate;
using namespace tollgate::version_files;

namespace {

Entry entry_for(const std::string& path, const std::string& pattern = "")
{
  auto entry = make_entry(path, pattern, "tollgate.yaml:9:7");
  INFO(path << " " << pattern);
  REQUIRE(entry.has_value());
  return *entry;
}

// The file `text` after releasing 2.0.0 (compared by the caller with the text written out by hand).
std::string released(const std::string& path, const std::string& text, const std::string& pattern = "")
{
  auto edit = edit_text(entry_for(path, pattern), text, "2.0.0");
  INFO(text);
  if (!edit) {
    FAIL(edit.error().message);
  }
  CHECK(edit->before == text);
  return edit->after;
}

// `text` with the first `old` (and the one after it when `times` is 2) replaced by 2.0.0.
std::string with_version(std::string text, const std::string& old, int times = 1)
{
  for (int i = 0; i < times; ++i) {
    const std::size_t at = text.find(old);
    REQUIRE(at != std::string::npos);
    text.replace(at, old.size(), "2.0.0");
  }
  return text;
}

std::string error_of(const std::string& path, const std::string& text, const std::string& pattern = "")
{
  auto edit = edit_text(entry_for(path, pattern), text, "2.0.0");
  INFO(text);
  REQUIRE_FALSE(edit.has_value());
  return edit.error().message;
}

} // namespace

TEST_CASE("version files: pyproject.toml [project] version, formatting kept byte for byte", "[version_files]")
{
  const std::string text = "# top comment\r\n"
                           "[build-system]\r\n"
                           "requires = [\"hatchling\"]   # version = \"9.9.9\"\r\n"
                           "\r\n"
                           "[project]\r\n"
                           "name   =   'demo'\r\n"
                           "description = \"\"\"\r\n"
                           "[tool.poetry]\r\n"
                           "version = \"6.6.6\"\r\n"
                           "\"\"\"\r\n"
                           "dependencies = [\r\n"
                           "  \"a>=1\",  # [project]\r\n"
                           "  [1, 2],\r\n"
                           "]\r\n"
                           "version    =\t\"1.4.0rc1\"   # bumped by tollgate\r\n"
                           "\r\n"
                           "[project.urls]\r\n"
                           "version = \"https://example.com\"\r\n";
  CHECK(released("pyproject.toml", text) == with_version(text, "1.4.0rc1"));

  auto spans = locate(entry_for("pyproject.toml"), text);
  REQUIRE(spans);
  REQUIRE(spans->size() == 1);
  CHECK((*spans)[0].what == "[project] version");
  CHECK(position_of(text, (*spans)[0].offset).line == 15);
}

TEST_CASE("version files: pyproject.toml [tool.poetry], both tables, dotted keys", "[version_files]")
{
  const std::string poetry = "[tool.poetry]\nname = \"demo\"\nversion = '0.3.1'\n[tool.poetry.dependencies]\n"
                             "python = \"^3.11\"\n";
  CHECK(released("pyproject.toml", poetry) ==
        "[tool.poetry]\nname = \"demo\"\nversion = '2.0.0'\n[tool.poetry.dependencies]\npython = \"^3.11\"\n");
  // Both tables: both are set.
  const std::string both = "[project]\nversion = \"0.3.1\"\n\n[tool.poetry]\nversion = \"0.3.1\"\n";
  CHECK(released("pyproject.toml", both) == "[project]\nversion = \"2.0.0\"\n\n[tool.poetry]\nversion = \"2.0.0\"\n");
  // A dotted key from the `[tool]` table, and spaces inside the header.
  const std::string dotted = "[ tool ]\npoetry . version = \"0.3.1\" # here\n";
  CHECK(released("sub/pyproject.toml", dotted) == "[ tool ]\npoetry . version = \"2.0.0\" # here\n");
}

TEST_CASE("version files: pyproject.toml errors name file:line:col", "[version_files]")
{
  CHECK(error_of("pyproject.toml", "[project]\nname = \"x\"\ndynamic = [\"version\", \"readme\"]\n") ==
        "pyproject.toml:3:11: [project] declares the version dynamic (computed when the package is built, not "
        "written here): list the file that holds it, with a pattern, instead");
  CHECK(error_of("pyproject.toml", "[project]\nname = \"x\"\n") ==
        "tollgate.yaml:9:7: version file `pyproject.toml`: no version found (looked for [project] version or "
        "[tool.poetry] version)");
  CHECK(error_of("pyproject.toml", "[project]\nversion = \"1\"\nversion = \"2\"\n") ==
        "pyproject.toml:3:12: [project] version a second time (the first at line 2, column 12)");
  CHECK(error_of("pyproject.toml", "[project]\nversion = 1\n") ==
        "pyproject.toml:2:11: [project] version is no plain string, not a version string");
  CHECK(error_of("pyproject.toml", "[project]\nversion = \"1\\u002e0\"\n") ==
        "pyproject.toml:2:12: [project] version holds an escape sequence: write it plainly");
  CHECK(error_of("pyproject.toml", "[project]\nversion = \"1.0\n").starts_with("pyproject.toml:2:11: not valid TOML"));
  CHECK(error_of("pyproject.toml", "[project\nversion = \"1.0\"\n").starts_with("pyproject.toml:1:9: not valid TOML"));
}

TEST_CASE("version files: Cargo.toml [package] and [workspace.package]", "[version_files]")
{
  const std::string text = "[package]\nname = \"demo\"\nversion = \"0.1.0\" # keep\nedition = \"2021\"\n\n"
                           "[dependencies]\nserde = { version = \"1.0\", features = [\"derive\"] }\n";
  CHECK(released("Cargo.toml", text) == with_version(text, "0.1.0"));
  CHECK(released("Cargo.toml", "[workspace]\nmembers = [\"a\"]\n[workspace.package]\nversion = \"0.1.0\"\n") ==
        "[workspace]\nmembers = [\"a\"]\n[workspace.package]\nversion = \"2.0.0\"\n");
  CHECK(error_of("Cargo.toml", "[package]\nname = \"a\"\nversion.workspace = true\n") ==
        "Cargo.toml:3:21: [package] version is a table, not a version string (inherited from the workspace: list the "
        "workspace's Cargo.toml instead)");
  CHECK(error_of("Cargo.toml", "[package]\nversion = { workspace = true }\n")
            .starts_with("Cargo.toml:2:11: [package] version is no plain string"));
}

TEST_CASE("version files: package.json keeps its formatting", "[version_files]")
{
  const std::string text = "{\r\n"
                           "    \"name\":\"demo\",\r\n"
                           "    \"scripts\": {\"version\": \"echo 9.9.9\"},\r\n"
                           "    \"version\" :   \"1.2.3-beta.1\",\r\n"
                           "    \"dependencies\": {\"left-pad\": \"^1.3.0\"},\r\n"
                           "    \"config\": [{\"version\": \"8.8.8\"}]\r\n"
                           "}";
  CHECK(released("package.json", text) == with_version(text, "1.2.3-beta.1"));
  CHECK(error_of("package.json", "{\"name\": \"x\", \"scripts\": {\"version\": \"1\"}}") ==
        "tollgate.yaml:9:7: version file `package.json`: no version found (looked for a top-level \"version\")");
  CHECK(error_of("package.json", "{\"version\": \"1\",\n \"version\": \"2\"}") ==
        "package.json:2:14: \"version\" a second time (the first at line 1, column 14)");
  CHECK(error_of("package.json", "{\"version\": 1}") == "package.json:1:13: \"version\" is not a string");
  CHECK(error_of("package.json", "{\"version\": \"1\",}")
            .starts_with("package.json:1:17: not valid JSON: expected a member name"));
  CHECK(error_of("package.json", "[1]").starts_with("package.json:1:1: not valid JSON: the document is not an object"));
  CHECK(error_of("package.json", std::string(2000, '[')).starts_with("package.json:1:1: not valid JSON"));
}

TEST_CASE("version files: package-lock.json's two root entries, nothing else", "[version_files]")
{
  const std::string text = R"({
  "name": "demo",
  "version": "0.1.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "demo",
      "version": "0.1.0",
      "license": "MIT",
      "dependencies": {
        "left-pad": "^1.3.0"
      }
    },
    "node_modules/left-pad": {
      "version": "1.3.0",
      "resolved": "https://registry.example/left-pad/-/left-pad-1.3.0.tgz",
      "integrity": "sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQ9ZaRk7yCY5T9BDwa4/Xq6AjGvCPo3YY2nI+S5kb9Bdr4dA=="
    }
  },
  "dependencies": {"left-pad": {"version": "1.3.0"}}
}
)";
  CHECK(released("package-lock.json", text) == with_version(text, "0.1.0", 2));
  auto spans = locate(entry_for("package-lock.json"), text);
  REQUIRE(spans);
  REQUIRE(spans->size() == 2);
  CHECK((*spans)[1].what == "packages[\"\"].version");
  // lockfileVersion 1: the top-level version only.
  CHECK(released("npm-shrinkwrap.json", "{\"version\":\"0.1.0\",\"lockfileVersion\":1}") ==
        "{\"version\":\"2.0.0\",\"lockfileVersion\":1}");
}

TEST_CASE("version files: setup.cfg [metadata] version", "[version_files]")
{
  const std::string text = "[metadata]\r\n"
                           "name = demo\r\n"
                           "; version = 6.6.6\r\n"
                           "Version :   0.9.0   \r\n"
                           "description = a demo\r\n"
                           "    version = 7.7.7 (a continuation line)\r\n"
                           "[options]\r\n"
                           "version = 8.8.8\r\n";
  CHECK(released("setup.cfg", text) == with_version(text, "0.9.0"));
  CHECK(error_of("setup.cfg", "[metadata]\nversion = attr: demo.__version__\n") ==
        "setup.cfg:2:11: [metadata] version is dynamic (`attr: demo.__version__`): list the file that holds it, "
        "with a pattern, instead");
  CHECK(error_of("setup.cfg", "[metadata]\nversion = 1\nversion = 2\n") ==
        "setup.cfg:3:11: [metadata] version a second time (the first at line 2, column 11)");
}

TEST_CASE("version files: a pattern's one capture group is the version", "[version_files]")
{
  const std::string text = "\"\"\"Demo.\"\"\"\n"
                           "__version__  =  \"0.4.0\"  # the only place\n"
                           "VERSION_NOTE = '__version__ = \"1.0\" is not at a line start'\n";
  CHECK(released("src/demo/__init__.py", text, R"re(^__version__\s*=\s*"([^"]+)")re") == with_version(text, "0.4.0"));
  CHECK(error_of("src/demo/__init__.py", text, R"re(__version__\s*=\s*"([^"]+)")re") ==
        "src/demo/__init__.py:3:32: the pattern matches a second time (the first at line 2, column 18): make it "
        "match only the version");
  CHECK(error_of("VERSION", "nothing\n", R"(^(\d+\.\d+\.\d+)$)") ==
        "tollgate.yaml:9:7: version file `VERSION`: no version found (looked for a match of the pattern)");
  CHECK(released("VERSION", "1.0.0\n", R"(^(\d+\.\d+\.\d+)$)") == "2.0.0\n");
}

namespace {

std::string entry_error(const std::string& path, const std::string& pattern)
{
  auto entry = make_entry(path, pattern, "x");
  INFO(path << " " << pattern);
  REQUIRE_FALSE(entry.has_value());
  return entry.error().message;
}

} // namespace

TEST_CASE("version files: entries are checked when tollgate.yaml loads", "[version_files]")
{
  CHECK(entry_error("VERSION", "").find("no built-in format") != std::string::npos);
  CHECK(entry_error("a.py", "v(\\d+)(\\d+)").find("exactly one capture group") != std::string::npos);
  CHECK(entry_error("a.py", "v(").find("does not compile") != std::string::npos);
  CHECK(entry_error("../x/package.json", "").find("`..` is not allowed") != std::string::npos);
  CHECK(entry_error("/etc/package.json", "").find("relative") != std::string::npos);
  CHECK(entry_error(".tollgate/keys/a.asc", "(x)").find("governance file") != std::string::npos);
  CHECK(entry_error("MAINTAINERS.yaml", "(x)").find("governance file") != std::string::npos);
  CHECK(entry_for("web/package.json").format == Format::package_json);
  CHECK(entry_for("setup.cfg", "^v=(.*)$").format == Format::pattern);
}

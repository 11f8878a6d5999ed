#include "core/trust/trust_root_validation.hpp"

#include "core/trust/maintainers.hpp"
#include "core/trust/trust_root.hpp"
#include "git/objects.hpp"
#include "openpgp/keys.hpp"
#include "openpgp/verify.hpp"
#include "util/fd.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <map>
#include <sys/stat.h>
#include <unistd.h>

namespace tollgate::core {

namespace {

namespace fs = std::filesystem;

// The maintainers file the configuration names (the fallback's when there is none or it does not load).
std::string maintainers_path_of(const std::optional<std::string>& config_text, const Config& fallback)
{
  if (config_text) {
    if (auto parsed = parse_config(*config_text, k_config_file)) {
      return parsed->approvals.maintainers;
    }
  }
  return fallback.approvals.maintainers;
}

// A regular file under `root`, never through a symbolic link; nullopt when absent.
Result<std::optional<std::string>> read_plain_file(const fs::path& root, const std::string& relative)
{
  std::string text;
  const util::Fd dir(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) {
    return fail(fmt::format("{}: {}", root.string(), std::strerror(errno)));
  }
  // Walk the path one component at a time so that no directory on the way is a link either.
  fs::path rel(relative);
  int at = dir.get();
  util::Fd current;
  for (auto it = rel.begin(); it != rel.end(); ++it) {
    const bool last = std::next(it) == rel.end();
    const int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (last ? 0 : O_DIRECTORY);
    util::Fd next(::openat(at, it->c_str(), flags));
    if (!next) {
      if (errno == ENOENT) {
        return std::optional<std::string>();
      }
      return fail(fmt::format("{}: {}", relative, errno == ELOOP ? "a symbolic link (refused)" : std::strerror(errno)));
    }
    current = std::move(next);
    at = current.get();
  }
  struct stat info {};
  if (::fstat(current.get(), &info) != 0 || !S_ISREG(info.st_mode)) {
    return fail(fmt::format("{}: not a regular file", relative));
  }
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(current.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return fail(fmt::format("{}: {}", relative, std::strerror(errno)));
    }
    if (n == 0) {
      break;
    }
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > (std::size_t{16} << 20)) {
      return fail(fmt::format("{}: larger than 16 MiB", relative));
    }
  }
  return std::optional<std::string>(std::move(text));
}

// `file:line:col` of the node at `path` in `text` (a YAML mapping), or `file` when it is not there.
std::string where(const std::string& file, const std::optional<std::string>& text,
                  std::initializer_list<const char*> path)
{
  if (!text) {
    return file;
  }
  try {
    YAML::Node node = YAML::Load(*text);
    for (const char* key : path) {
      if (!node.IsMap() || !node[key]) {
        return file;
      }
      node = node[key];
    }
    const YAML::Mark mark = node.Mark();
    return mark.is_null() ? file : fmt::format("{}:{}:{}", file, mark.line + 1, mark.column + 1);
  } catch (const YAML::Exception&) {
    return file;
  }
}

std::string short_key(std::string_view fingerprint)
{
  return fingerprint.size() > 16 ? std::string(fingerprint.substr(fingerprint.size() - 16)) : std::string(fingerprint);
}

std::string when(std::uint64_t seconds)
{
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d", &tm);
  return text;
}

} // namespace

Result<TrustRootFiles> trust_root_files_at(const git::Repository& repo, const git::Oid& commit, const Config& fallback)
{
  TrustRootFiles files;
  files.origin = "commit " + commit.short_hex();
  auto config = git::read_file_at(repo, commit, k_config_file);
  if (!config) {
    return std::unexpected(config.error());
  }
  files.config_text = std::move(*config);
  files.maintainers_path = maintainers_path_of(files.config_text, fallback);
  auto maintainers = git::read_file_at(repo, commit, files.maintainers_path);
  if (!maintainers) {
    return std::unexpected(maintainers.error());
  }
  files.maintainers_text = std::move(*maintainers);
  auto keys = git::read_dir_at(repo, commit, k_keys_dir);
  if (!keys) {
    return std::unexpected(keys.error());
  }
  for (auto& [name, text] : *keys) {
    if (name.ends_with(".asc")) {
      files.keys.push_back(gpg::ArmoredKey{std::string(k_keys_dir) + "/" + name, std::move(text)});
    }
  }
  return files;
}

Result<TrustRootFiles> trust_root_files_in(const fs::path& root, const Config& fallback)
{
  TrustRootFiles files;
  files.origin = "the work tree";
  auto config = read_plain_file(root, k_config_file);
  if (!config) {
    return std::unexpected(config.error());
  }
  files.config_text = std::move(*config);
  files.maintainers_path = maintainers_path_of(files.config_text, fallback);
  auto maintainers = read_plain_file(root, files.maintainers_path);
  if (!maintainers) {
    files.refused.push_back(maintainers.error().message);
  } else {
    files.maintainers_text = std::move(*maintainers);
  }
  std::error_code ec;
  std::vector<std::string> names;
  for (fs::directory_iterator it(root / k_keys_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.ends_with(".asc")) {
      names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    const std::string relative = std::string(k_keys_dir) + "/" + name;
    auto text = read_plain_file(root, relative);
    if (!text) {
      files.refused.push_back(text.error().message);
    } else if (*text) {
      files.keys.push_back(gpg::ArmoredKey{relative, std::move(**text)});
    }
  }
  return files;
}

TrustRootSummary validate_trust_root(const TrustRootFiles& files, std::int64_t now)
{
  TrustRootSummary summary;
  summary.problems = files.refused;
  Config config;
  if (files.config_text) {
    auto parsed = parse_config(*files.config_text, k_config_file);
    if (!parsed) {
      summary.problems.push_back(parsed.error().message);
      summary.file_problems = summary.problems.size();
      return summary;
    }
    config = std::move(*parsed);
  }
  summary.required = config.approvals.required;
  summary.exclude_author = config.approvals.exclude_author;
  const std::string& path = files.maintainers_path;
  if (!files.maintainers_text) {
    if (files.refused.empty()) {
      summary.problems.push_back(fmt::format(
          "{}: not found in {}: without it nobody can approve; `tollgate init` writes one", path, files.origin));
    }
    summary.file_problems = summary.problems.size();
    return summary;
  }
  auto maintainers = parse_maintainers(*files.maintainers_text, path);
  if (!maintainers) {
    summary.problems.push_back(maintainers.error().message);
    summary.file_problems = summary.problems.size();
    return summary;
  }
  summary.maintainers = static_cast<int>(maintainers->list.size());

  // Every primary key the key files hold, by fingerprint.
  std::map<std::string, openpgp::PublicKey> keys;
  // The files as one keyring, as approvals are verified against them (and shared with that
  // verification when the trust root's keys are these); file by file only to say which fails.
  std::vector<openpgp::KeyFile> key_files;
  key_files.reserve(files.keys.size());
  for (const auto& file : files.keys) {
    key_files.push_back(openpgp::KeyFile{file.name, file.text});
  }
  if (auto ring = openpgp::Keyring::shared(key_files)) {
    for (auto& key : (*ring)->primary_keys()) {
      keys.emplace(key.fingerprint, std::move(key));
    }
  } else {
    std::vector<std::string_view> texts;
    texts.reserve(files.keys.size());
    for (const auto& file : files.keys) {
      texts.push_back(file.text);
    }
    auto read = openpgp::read_public_keys_each(texts);
    for (std::size_t i = 0; i < files.keys.size(); ++i) {
      if (!read[i]) {
        summary.problems.push_back(fmt::format("{}: {}", files.keys[i].name, read[i].error().message));
        continue;
      }
      for (auto& key : *read[i]) {
        keys.emplace(key.fingerprint, std::move(key));
      }
    }
  }

  // Who can approve: a maintainer with at least one listed key present, valid now and able to sign.
  std::vector<const Maintainer*> able;
  std::vector<std::string> unable; // "Name (why)"
  for (const auto& maintainer : maintainers->list) {
    std::string why;
    bool can = false;
    for (const auto& fingerprint : maintainer.keys) {
      const auto found = keys.find(fingerprint);
      if (found == keys.end()) {
        summary.problems.push_back(fmt::format(
            "{}: maintainer `{}` lists key {}, which no file under {}/ holds (add it: gpg --armor --export {} > "
            "{}/{}.asc)",
            maintainer.location.str(), maintainer.name, fingerprint, k_keys_dir, fingerprint, k_keys_dir,
            maintainer.email.substr(0, maintainer.email.find('@'))));
        why = fmt::format("key {} missing", short_key(fingerprint));
        continue;
      }
      const openpgp::PublicKey& key = found->second;
      if (key.revoked) {
        why = fmt::format("key {} revoked", short_key(fingerprint));
      } else if (key.valid_till != UINT64_MAX && key.valid_till <= static_cast<std::uint64_t>(now)) {
        why = key.valid_till == 0 ? fmt::format("key {} not valid", short_key(fingerprint))
                                  : fmt::format("key {} expired {}", short_key(fingerprint), when(key.valid_till));
      } else if (!key.valid) {
        why = fmt::format("key {} not valid", short_key(fingerprint));
      } else if (!key.can_sign) {
        why = fmt::format("key {} cannot sign", short_key(fingerprint));
      } else {
        can = true;
      }
    }
    if (can) {
      able.push_back(&maintainer);
    } else {
      unable.push_back(fmt::format("{}: {}", maintainer.name, why));
    }
  }
  summary.can_approve = static_cast<int>(able.size());
  summary.file_problems = summary.problems.size();
  const std::string config_file = files.config_text ? std::string(k_config_file) : path;
  if (summary.can_approve < config.approvals.required) {
    summary.problems.push_back(fmt::format(
        "{}: approvals.required is {} but only {} maintainer{} in {} can approve{}: no promotion could ever pass",
        where(config_file, files.config_text, {"approvals", "required"}), config.approvals.required,
        summary.can_approve, summary.can_approve == 1 ? "" : "s", path,
        unable.empty() ? "" : fmt::format(" ({})", fmt::join(unable, "; "))));
  }
  for (const auto& role : config.approvals.roles) {
    const bool held = std::any_of(able.begin(), able.end(), [&](const Maintainer* m) {
      return std::find(m->roles.begin(), m->roles.end(), role) != m->roles.end();
    });
    if (!held) {
      summary.problems.push_back(
          fmt::format("{}: approvals.roles requires `{}`, but no maintainer in {} who can approve holds that role",
                      where(config_file, files.config_text, {"approvals", "roles"}), role, path));
    }
  }
  return summary;
}

Result<TrustRootSummary> validate_trust_root_at(const git::Repository& repo, const git::Oid& commit,
                                                const Config& fallback, std::int64_t now)
{
  auto files = trust_root_files_at(repo, commit, fallback);
  if (!files) {
    return std::unexpected(files.error());
  }
  if (auto usable = openpgp::available(); !usable) { // the keys cannot be read here: not their fault
    return std::unexpected(usable.error());
  }
  return validate_trust_root(*files, now);
}

} // namespace tollgate::core

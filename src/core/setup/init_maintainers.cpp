#include "core/setup/init_maintainers.hpp"

#include "core/checklist/report.hpp"
#include "core/trust/maintainers.hpp"
#include "core/trust/trust_root.hpp"
#include "gpg/context.hpp"
#include "util/fatal.hpp"
#include "util/strings.hpp"
#include "util/templates.hpp"

#include <fmt/format.h>
#include <kainjow/mustache.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>

namespace tollgate::core {

namespace {

namespace fs = std::filesystem;

// An email's local part fit for a file name in .tollgate/keys/.
std::string key_file_stem(const std::string& email)
{
  std::string stem = email.substr(0, email.find('@'));
  for (char& c : stem) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_' && c != '+' && c != '.') {
      c = '_';
    }
  }
  return stem.empty() || stem.starts_with('.') ? "maintainer" + stem : stem;
}

} // namespace

bool present(const fs::path& path)
{
  std::error_code ec;
  return fs::exists(path, ec);
}

std::string yaml_quoted(const std::string& text)
{
  return nlohmann::json(text).dump();
}

MaintainersPlan plan_maintainers(const fs::path& root, const Config& config, bool force)
{
  MaintainersPlan plan;
  plan.path = config.approvals.maintainers;
  if (present(root / plan.path) && !force) {
    plan.kept = true;
    plan.note = "exists, kept (--force rewrites it)";
    return plan;
  }
  kainjow::mustache::data data;
  plan.note = "nobody listed yet (no secret key with an email here): create a key with `gpg --quick-gen-key`, then "
              "run `tollgate init --force`, or list the maintainers by hand";
  if (auto gpg = gpg::Context::create()) {
    auto keys = gpg->list_keys(true).value_or(std::vector<gpg::KeyInfo>{});
    const auto usable = std::find_if(keys.begin(), keys.end(), [](const auto& k) { return k.usable_for_signing(); });
    if (usable != keys.end()) {
      const std::string& uid = usable->user_id;
      const std::size_t open = uid.rfind('<');
      const std::size_t close = uid.rfind('>');
      const bool has_email = open != std::string::npos && close != std::string::npos && open < close;
      const std::string email = has_email ? uid.substr(open + 1, close - open - 1) : "";
      const std::string name = has_email ? std::string(util::trim(std::string_view(uid).substr(0, open))) : uid;
      if (auto armored = gpg->export_public_key(usable->fingerprint); armored && email.find('@') != std::string::npos) {
        const std::string key_path = fmt::format("{}/{}.asc", k_keys_dir, key_file_stem(email));
        if (!present(root / key_path) || force) {
          plan.key_path = key_path;
          plan.armored_key = *armored;
        }
        kainjow::mustache::data entry;
        entry.set("name", yaml_quoted(name.empty() ? email : name));
        entry.set("email", yaml_quoted(email));
        entry.set("fingerprint", usable->fingerprint);
        data.set("maintainer", entry);
        plan.note = fmt::format("{} <{}>, key in {}; add the other maintainers", name, email, key_path);
      }
    }
  }
  kainjow::mustache::mustache tmpl{std::string(templates::get("MAINTAINERS.yaml.mustache"))};
  plan.text = tmpl.render(data);
  // What we write must load: a template mistake or an odd user id must never leave a broken trust root.
  if (auto parsed = parse_maintainers(plan.text, plan.path); !tmpl.is_valid() || !parsed) {
    environment_error("the generated " + plan.path +
                      " does not load: " + (parsed ? tmpl.error_message() : parsed.error().message));
  }
  return plan;
}

std::vector<std::string> write_maintainers(const fs::path& root, const MaintainersPlan& plan)
{
  if (plan.kept) {
    return {};
  }
  std::vector<std::string> wrote{plan.path};
  if (!plan.key_path.empty()) {
    fs::create_directories((root / plan.key_path).parent_path());
    write_file_atomically(root / plan.key_path, plan.armored_key);
    wrote.push_back(plan.key_path);
  }
  fs::create_directories((root / plan.path).parent_path());
  write_file_atomically(root / plan.path, plan.text);
  return wrote;
}

std::optional<std::string> maintainers_warning(const fs::path& root, const std::string& path,
                                               const ApprovalsConfig& approvals)
{
  std::ifstream in(root / path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto parsed = parse_maintainers(text, path);
  if (!parsed) {
    return fmt::format("the kept {} does not load: {}", path, parsed.error().message);
  }
  const auto count = static_cast<int>(parsed->list.size());
  const std::string listed = fmt::format("{} lists {} maintainer{}", path, count, count == 1 ? "" : "s");
  if (approvals.required > 0 && approvals.exclude_author && count < approvals.required + 1) {
    return fmt::format("{} for approvals.required: {} with exclude_author: no commit by a maintainer can ever be "
                       "promoted (its author's approval does not count){}; list at least {}",
                       listed, approvals.required, count < approvals.required ? ", nor any other commit" : "",
                       approvals.required + 1);
  }
  if (count < approvals.required) {
    return fmt::format("{} for approvals.required: {}: nothing can be promoted; list at least {}", listed,
                       approvals.required, approvals.required);
  }
  return std::nullopt;
}

} // namespace tollgate::core

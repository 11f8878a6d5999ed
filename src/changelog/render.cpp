#include "changelog/render.hpp"

#include "util/templates.hpp"

#include <fmt/format.h>
#include <kainjow/mustache.hpp>

#include <chrono>
#include <fstream>
#include <sstream>

namespace tollgate::changelog {

namespace {

namespace mustache = kainjow::mustache;

constexpr std::string_view k_override_dir = ".tollgate/templates/changelog";

Result<std::string> template_text(const std::filesystem::path& work_dir, std::string_view name)
{
  if (!work_dir.empty()) {
    const std::filesystem::path path = work_dir / k_override_dir / name;
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
      std::ifstream in(path, std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      if (!in) {
        return fail(fmt::format("{}/{}: cannot read the template", k_override_dir, name));
      }
      return text.str();
    }
  }
  return std::string(templates::get("changelog/" + std::string(name)));
}

Result<std::string> render(const std::string& text, const std::string& origin, const mustache::data& data)
{
  mustache::mustache tmpl{text};
  if (!tmpl.is_valid()) {
    return fail(fmt::format("{}: {}", origin, tmpl.error_message()));
  }
  tmpl.set_custom_escape([](const std::string& s) { return s; }); // Markdown, not HTML
  std::string out = tmpl.render(data);
  if (!tmpl.is_valid()) {
    return fail(fmt::format("{}: {}", origin, tmpl.error_message()));
  }
  return out;
}

// Template whitespace is forgiving: no blank lines at the start, at most one blank line in a
// row, exactly one newline at the end.
std::string tidy(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  std::size_t newlines = 0;
  for (const char c : text) {
    if (c == '\n') {
      ++newlines;
      continue;
    }
    if (newlines > 0 && !out.empty()) {
      out.append(std::min<std::size_t>(newlines, 2), '\n');
    }
    newlines = 0;
    out += c;
  }
  if (!out.empty()) {
    out += '\n';
  }
  return out;
}

mustache::data entry_data(const Change& change, const std::optional<Forge>& forge)
{
  const Message& message = change.message;
  const std::string hash = change.id.hex();
  mustache::data entry;
  entry.set("hash", hash);
  entry.set("short_hash", hash.substr(0, 7));
  entry.set("type", message.type);
  entry.set("scope", message.scope);
  entry.set("has_scope", !message.scope.empty());
  entry.set("subject", forge ? link_references(*forge, message.description) : message.description);
  entry.set("breaking", message.breaking);
  const std::string note = breaking_note(message);
  entry.set("breaking_note", note);
  if (message.breaking) { // a list per entry costs: only where there are notes
    mustache::data notes{mustache::data::type::list};
    for (const std::string& each : message.breaking_notes) {
      notes << mustache::data(each);
    }
    entry.set("breaking_notes", std::move(notes));
  }
  entry.set("has_breaking_note", message.breaking && note != message.description);
  entry.set("author", change.author);
  entry.set("body", message.body);
  return entry;
}

} // namespace

Result<Templates> load_templates(const std::filesystem::path& work_dir)
{
  Templates templates;
  auto header = template_text(work_dir, "header.mustache");
  if (!header) {
    return std::unexpected(header.error());
  }
  auto section = template_text(work_dir, "section.mustache");
  if (!section) {
    return std::unexpected(section.error());
  }
  templates.header = std::move(*header);
  templates.section = std::move(*section);
  const bool own = !work_dir.empty() && std::filesystem::exists(work_dir / k_override_dir / "section.mustache");
  templates.origin = own ? std::string(k_override_dir) + "/section.mustache" : "built-in changelog/section.mustache";
  return templates;
}

Result<std::string> render_section(const Templates& templates, const SectionData& data)
{
  mustache::data root;
  root.set("unreleased", data.unreleased);
  root.set("version", data.version);
  root.set("tag", data.tag);
  root.set("previous_tag", data.previous_tag);
  root.set("date", data.date);
  root.set("compare_url", data.compare_url);
  mustache::data sections{mustache::data::type::list};
  if (data.grouping != nullptr) {
    for (const Section& section : data.grouping->sections) {
      mustache::data entries{mustache::data::type::list};
      for (const std::size_t index : section.changes) {
        entries << entry_data((*data.changes)[index], data.issue_forge);
      }
      mustache::data item;
      item.set("title", section.title);
      item.set("entries", std::move(entries));
      sections << item;
    }
  }
  root.set("sections", std::move(sections));
  root.set("empty", data.grouping == nullptr || data.grouping->sections.empty());
  auto text = render(templates.section, templates.origin, root);
  if (!text) {
    return text;
  }
  return tidy(*text);
}

Result<std::string> render_header(const Templates& templates)
{
  return render(templates.header, "changelog/header.mustache", mustache::data{});
}

std::string iso_date(std::int64_t seconds)
{
  const std::chrono::sys_seconds time{std::chrono::seconds(seconds)};
  const std::chrono::year_month_day day{std::chrono::floor<std::chrono::days>(time)};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                     static_cast<unsigned>(day.day()));
}

} // namespace tollgate::changelog

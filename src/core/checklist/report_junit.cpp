#include "core/checklist/report.hpp"

#include "util/fatal.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <unistd.h>

namespace tollgate::core {

namespace {

// A JUnit body holds the end of the log, not all of it.
constexpr std::size_t k_max_log_bytes = 256 * 1024;

std::string xml_escape(std::string_view raw)
{
  const std::string text = util::sanitize_utf8(raw);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&apos;";
      break;
    default:
      // XML 1.0 forbids most control characters, which test output sometimes carries.
      if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') {
        out += "?";
      } else {
        out.push_back(c);
      }
    }
  }
  return out;
}

} // namespace

std::string to_junit(const RunReport& report, std::string_view suite_name)
{
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += fmt::format("<testsuites name=\"{0}\" tests=\"{1}\" failures=\"{2}\" errors=\"{3}\" skipped=\"{4}\" "
                     "time=\"{5:.3f}\">\n",
                     xml_escape(suite_name), report.checks.size(), report.count(checks::Status::fail),
                     report.count(checks::Status::error), report.count(checks::Status::skipped), report.seconds);
  xml += fmt::format("  <testsuite name=\"{0}\" tests=\"{1}\" failures=\"{2}\" errors=\"{3}\" skipped=\"{4}\" "
                     "time=\"{5:.3f}\">\n",
                     xml_escape(suite_name), report.checks.size(), report.count(checks::Status::fail),
                     report.count(checks::Status::error), report.count(checks::Status::skipped), report.seconds);
  for (const auto& check : report.checks) {
    const auto& result = check.result;
    xml += fmt::format("    <testcase name=\"{}\" classname=\"{}.{}\" time=\"{:.3f}\">\n", xml_escape(check.id),
                       xml_escape(suite_name), xml_escape(check.kind), result.seconds);
    const std::string summary = xml_escape(result.summary);
    switch (result.status) {
    case checks::Status::pass:
      break;
    case checks::Status::skipped:
      xml += fmt::format("      <skipped message=\"{}\"/>\n", summary);
      break;
    case checks::Status::fail:
    case checks::Status::error: {
      const char* element = result.status == checks::Status::fail ? "failure" : "error";
      xml += fmt::format(
          "      <{0} message=\"{1}\">{2}</{0}>\n", element, summary,
          xml_escape(result.log.empty() ? result.summary : util::read_file_tail(result.log, k_max_log_bytes)));
      break;
    }
    }
    if (!result.log.empty()) {
      xml += fmt::format("      <system-out>{}</system-out>\n", xml_escape(result.log.string()));
    }
    xml += "    </testcase>\n";
  }
  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content)
{
  const std::filesystem::path temporary = path.string() + fmt::format(".tmp-{}", ::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      environment_error(fmt::format("cannot write {}", path.string()));
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    environment_error(fmt::format("cannot write {}: {}", path.string(), ec.message()));
  }
}

void require_writable(const std::filesystem::path& path, std::string_view option)
{
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    usage_error(fmt::format("{} {}: is a directory (give a file name)", option, path.string()));
  }
  const std::filesystem::path probe = path.string() + fmt::format(".tmp-{}", ::getpid());
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int error = errno;
    usage_error(
        fmt::format("{} {}: cannot write there ({}); nothing was run", option, path.string(), std::strerror(error)));
  }
  ::close(fd);
  ::unlink(probe.c_str());
}

} // namespace tollgate::core

#include "support/temp_dir.hpp"
#include "util/file.hpp"

#include <catch2/catch.hpp>

using namespace tollgate;

TEST_CASE("read_file_tail returns the end of a file, or all of a small one", "[file]")
{
  const test::TempDir dir;
  const auto small = dir.write("small.log", "one\ntwo\n");
  CHECK(util::read_file_tail(small, 1024) == "one\ntwo\n");
  CHECK(util::read_file_tail(small, 4) == "two\n");
  CHECK(util::read_file_tail(small, 0).empty());

  std::string big(100000, 'x');
  big += "the end\n";
  const auto large = dir.write("large.log", big);
  CHECK(util::read_file_tail(large, 8) == "the end\n");
  CHECK(util::read_file_tail(large, 1 << 20).size() == big.size());

  CHECK(util::read_file_tail(dir.path() / "missing.log", 10).empty());
}

// The capabilities document: generated from the registration tables, every built-in declared.

#include "rego/builtins.hpp"
#include "rego/engine.hpp"
#include "rego/support.hpp"

#include <set>

using namespace tollgate::rego;

TEST_CASE("every registered built-in has a type declaration", "[rego][builtins][capabilities]")
{
  for (const auto table : builtin::tables()) {
    for (const Builtin& b : table) {
      if (b.name.starts_with("internal.") && b.name != "internal.member_2" && b.name != "internal.member_3") {
        continue;
      }
      INFO(b.name);
      const auto decl = builtin_declaration(b.name);
      REQUIRE(decl.has_value());
      CHECK(decl->at("args").size() == b.arity);
    }
  }
}

TEST_CASE("capabilities list exactly the registered built-ins, in OPA's shape", "[rego][builtins][capabilities]")
{
  const auto caps = capabilities();
  std::set<std::string> listed;
  for (const auto& b : caps.at("builtins")) {
    listed.insert(b.at("name").get<std::string>());
    if (b.at("name") != "eq" && b.at("name") != "assign") {
      CHECK(find_builtin(b.at("name").get<std::string>()) != nullptr);
    }
  }
  CHECK(listed.count("time.format") == 1);
  CHECK(listed.count("http.send") == 1);
  CHECK(listed.count("eq") == 1);
  CHECK(listed.count("rand.intn") == 0); // not implemented, so not listed
  CHECK(caps.at("allow_net") == nlohmann::json::array());
  const auto& builtins = caps.at("builtins");
  const auto plus =
      std::find_if(builtins.begin(), builtins.end(), [](const auto& b) { return b.at("name") == "plus"; });
  REQUIRE(plus != builtins.end());
  CHECK(plus->dump() == R"({"decl":{"args":[{"type":"number"},{"type":"number"}],"result":{"type":"number"},)"
                        R"("type":"function"},"infix":"+","name":"plus"})");
  const auto date =
      std::find_if(builtins.begin(), builtins.end(), [](const auto& b) { return b.at("name") == "time.date"; });
  REQUIRE(date != builtins.end());
  CHECK(date->at("decl").at("args")[0].dump() ==
        R"({"of":[{"type":"number"},{"static":[{"type":"number"},{"type":"string"}],"type":"array"}],"type":"any"})");
}

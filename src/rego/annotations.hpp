#pragma once
// METADATA annotations: `# METADATA` comment blocks of YAML before a package or a rule, and what
// `rego.metadata.rule()` and `rego.metadata.chain()` return for a rule (OPA's scope rules: rule,
// document, package, subpackages).

#include "rego/ast.hpp"
#include "rego/error.hpp"
#include "rego/lexer.hpp"

#include <memory>
#include <vector>

namespace tollgate::rego {

// Reads the METADATA blocks among `comments` into `module.annotations`, each attached to the
// package or the rule that follows it; a block that is not YAML is a `rego_parse_error`.
RegoResult<void> parse_annotations(Module& module, const std::vector<Comment>& comments);

class AnnotationSet {
public:
  explicit AnnotationSet(const std::vector<std::unique_ptr<Module>>& modules) : m_modules(modules) {}

  // `[{"path": [...], "annotations": {...}}, ...]` from `rule` out to its package's ancestors.
  Value chain(const Rule& rule) const;
  // The rule-scope annotations of `rule` (an empty object when there are none).
  Value rule(const Rule& rule) const;

private:
  const std::vector<std::unique_ptr<Module>>& m_modules;
};

} // namespace tollgate::rego

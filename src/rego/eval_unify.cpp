// Unification: a term against a value, and two terms against each other (patterns on both
// sides are matched element by element).

#include "rego/eval.hpp"

#include <algorithm>

namespace tollgate::rego::detail {

bool Evaluator::unbound_pattern(const Term& t, Frame& frame) const
{
  switch (t.kind) {
  case TermKind::var:
    return t.slot >= 0 && !frame.at(t.slot).defined();
  case TermKind::array:
    return std::any_of(t.items.begin(), t.items.end(),
                       [&](const TermPtr& item) { return unbound_pattern(*item, frame); });
  case TermKind::object:
    for (std::size_t i = 1; i < t.items.size(); i += 2) {
      if (unbound_pattern(*t.items[i], frame)) {
        return true;
      }
    }
    return false;
  default:
    return false;
  }
}

bool Evaluator::unify_value(const Term& t, const Value& v, Frame& frame, Next next)
{
  switch (t.kind) {
  case TermKind::scalar:
    return t.value == v ? next() : false;
  case TermKind::var: {
    if (t.slot < 0) {
      break;
    }
    Value& slot = frame.at(t.slot);
    if (slot.defined()) {
      return slot == v ? next() : false;
    }
    slot = v;
    const bool stop = next();
    frame.at(t.slot) = Value();
    return stop;
  }
  case TermKind::array: {
    if (!v.is_array() || v.size() != t.items.size()) {
      return false;
    }
    if (!unbound_pattern(t, frame)) {
      break;
    }
    const auto& values = v.as_array();
    // Unify element by element.
    struct Step {
      Evaluator& self;
      const Term& t;
      const Array& values;
      Frame& frame;
      Next next;
      bool run(std::size_t i)
      {
        if (i == values.size()) {
          return next();
        }
        return self.unify_value(*t.items[i], values[i], frame, [&] { return run(i + 1); });
      }
    };
    Step step{*this, t, values, frame, next};
    return step.run(0);
  }
  case TermKind::object: {
    if (!v.is_object() || v.size() * 2 != t.items.size()) {
      return false;
    }
    if (!unbound_pattern(t, frame)) {
      break;
    }
    struct Step {
      Evaluator& self;
      const Term& t;
      const Value& object;
      Frame& frame;
      Next next;
      bool run(std::size_t i)
      {
        if (i == t.items.size()) {
          return next();
        }
        return self.term(*t.items[i], frame, [&](const Value& key) {
          const Value member = object.get(key);
          if (!member.defined()) {
            return false;
          }
          return self.unify_value(*t.items[i + 1], member, frame, [&] { return run(i + 2); });
        });
      }
    };
    Step step{*this, t, v, frame, next};
    return step.run(0);
  }
  default:
    break;
  }
  return term(t, frame, [&](const Value& mine) { return mine == v ? next() : false; });
}

bool Evaluator::unify_terms(const Term& a, const Term& b, Frame& frame, Next next)
{
  const bool a_open = unbound_pattern(a, frame);
  const bool b_open = unbound_pattern(b, frame);
  if (a_open && b_open) {
    if (a.kind == TermKind::array && b.kind == TermKind::array && a.items.size() == b.items.size()) {
      struct Step {
        Evaluator& self;
        const Term& a;
        const Term& b;
        Frame& frame;
        Next next;
        bool run(std::size_t i)
        {
          if (i == a.items.size()) {
            return next();
          }
          return self.unify_terms(*a.items[i], *b.items[i], frame, [&] { return run(i + 1); });
        }
      };
      Step step{*this, a, b, frame, next};
      return step.run(0);
    }
    if (a.kind == TermKind::object && b.kind == TermKind::object && a.items.size() == b.items.size()) {
      return unify_objects(a, b, frame, next);
    }
    if ((a.kind == TermKind::array && b.kind == TermKind::array) ||
        (a.kind == TermKind::object && b.kind == TermKind::object)) {
      return false;
    }
    fail(a.loc, "eval_internal_error", "cannot unify two unbound terms");
  }
  if (a_open) {
    return term(b, frame, [&](const Value& v) { return unify_value(a, v, frame, next); });
  }
  return term(a, frame, [&](const Value& v) { return unify_value(b, v, frame, next); });
}

// Object patterns on both sides: pair the values by key (keys are ground), then unify the pairs.
bool Evaluator::unify_objects(const Term& a, const Term& b, Frame& frame, Next next)
{
  std::vector<std::pair<const Term*, const Term*>> pairs;
  for (std::size_t i = 0; i < a.items.size(); i += 2) {
    Value key;
    term(*a.items[i], frame, [&](const Value& k) {
      key = k;
      return true;
    });
    const Term* match = nullptr;
    for (std::size_t j = 0; j < b.items.size() && match == nullptr; j += 2) {
      term(*b.items[j], frame, [&](const Value& k) {
        if (k == key) {
          match = b.items[j + 1].get();
        }
        return true;
      });
    }
    if (!key.defined() || match == nullptr) {
      return false;
    }
    pairs.emplace_back(a.items[i + 1].get(), match);
  }
  struct Step {
    Evaluator& self;
    const std::vector<std::pair<const Term*, const Term*>>& pairs;
    Frame& frame;
    Next next;
    bool run(std::size_t i)
    {
      if (i == pairs.size()) {
        return next();
      }
      return self.unify_terms(*pairs[i].first, *pairs[i].second, frame, [&] { return run(i + 1); });
    }
  };
  Step step{*this, pairs, frame, next};
  return step.run(0);
}

} // namespace tollgate::rego::detail

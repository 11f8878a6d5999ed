#pragma once
// A process-wide memo of a pure function, for what one command computes several times from the
// same inputs (a trust root read by the preflight and two checks). Bounded: past `capacity` entries,
// new results are returned but not kept, so a long history never grows it. Values are results
// (Result<T>): an error is returned, not kept, and the next caller tries again. Thread-safe; the
// value is computed under the lock, so that threads asking at once compute it once.

#include <cstddef>
#include <map>
#include <mutex>
#include <utility>

namespace tollgate::util {

template <class Key, class Value, std::size_t capacity = 16> class Memo {
public:
  template <class Make> Value get(const Key& key, Make&& make)
  {
    const std::scoped_lock guard(m_lock);
    if (auto found = m_values.find(key); found != m_values.end()) {
      return found->second;
    }
    Value value = std::forward<Make>(make)();
    if (value && m_values.size() < capacity) {
      m_values.emplace(key, value);
    }
    return value;
  }

private:
  std::mutex m_lock;
  std::map<Key, Value> m_values;
};

} // namespace tollgate::util

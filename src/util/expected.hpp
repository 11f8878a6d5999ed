#pragma once
// Expected failures are values (STYLE.md point 4): `Result<T>` carries a T or an `Error`.

#include <expected>
#include <string>
#include <utility>

namespace tollgate {

// A one-line, user-facing description of what went wrong, already naming the file/line where known.
struct Error {
  std::string message;
};

template <class T> using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string message)
{
  return std::unexpected<Error>(Error{std::move(message)});
}

} // namespace tollgate

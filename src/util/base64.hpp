#pragma once
// Standard base64 (RFC 4648 §4, padded), as DSSE envelopes carry their payload and signatures.

#include <optional>
#include <string>
#include <string_view>

namespace tollgate::util {

std::string base64_encode(std::string_view bytes);
// nullopt when `text` is not standard base64 (mbedTLS also accepts it unpadded).
std::optional<std::string> base64_decode(std::string_view text);

} // namespace tollgate::util

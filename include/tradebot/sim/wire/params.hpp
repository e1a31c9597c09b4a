#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tradebot::sim::wire {

// application/x-www-form-urlencoded parameters (a query string or a form body), decoded, in
// the order sent. Signature checks use the raw bytes, never a re-encoding of these.
class params {
public:
    // Splits on '&', then on the first '='; percent-escapes and '+' are decoded. A malformed
    // escape is kept verbatim (the venue then rejects the value, not the request).
    static params parse(std::string_view raw);

    [[nodiscard]] std::optional<std::string_view> get(std::string_view key) const noexcept;
    [[nodiscard]] bool has(std::string_view key) const noexcept { return get(key).has_value(); }
    [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& items() const noexcept { return items_; }
    // Adds the parameters of `other` after these (Binance reads query and form body together).
    void append(const params& other);

private:
    std::vector<std::pair<std::string, std::string>> items_;
};

// The query part of a request target ("/a?b=1" -> "b=1"; no '?' -> "").
[[nodiscard]] std::string_view query_of(std::string_view target) noexcept;

}  // namespace tradebot::sim::wire

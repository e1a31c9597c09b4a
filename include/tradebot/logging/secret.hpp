#pragma once

// Secrets (API keys, signing secrets, passwords) and the masking that keeps them out of logs.
// A `secret` prints as *** everywhere; the global registry is the last line of defence: every
// line written by any tradebot sink has every registered value replaced by *** before output.

#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace tradebot::logging {

class secret {
public:
    secret() = default;
    explicit secret(std::string value) : value_{std::move(value)} {}

    // The plain value, for the one place that signs requests or opens a connection.
    [[nodiscard]] const std::string& reveal() const noexcept { return value_; }
    [[nodiscard]] bool empty() const noexcept { return value_.empty(); }

    friend bool operator==(const secret&, const secret&) = default;
    friend std::ostream& operator<<(std::ostream& os, const secret& s);

private:
    std::string value_;
};

inline constexpr std::string_view mask = "***";

// `text` with every occurrence of any non-empty entry of `secrets` replaced by ***. Longer secrets
// are matched first, so a secret containing another is masked whole.
[[nodiscard]] std::string redact(std::string_view text, std::span<const std::string_view> secrets);

// Adds `value` to the values masked in every log line (empty values are ignored). Thread-safe.
void register_secret(std::string value);
// redact() with the registered values. Thread-safe.
[[nodiscard]] std::string redact_registered(std::string_view text);
// True when something is registered; lets hot paths skip the copy.
[[nodiscard]] bool has_registered_secrets() noexcept;
// Forgets every registered value; for tests.
void clear_registered_secrets();

}  // namespace tradebot::logging

template <>
struct fmt::formatter<tradebot::logging::secret> : fmt::formatter<std::string_view> {
    template <class Context>
    auto format(const tradebot::logging::secret&, Context& ctx) const {
        return fmt::formatter<std::string_view>::format(tradebot::logging::mask, ctx);
    }
};

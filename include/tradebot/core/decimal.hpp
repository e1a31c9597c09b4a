#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tradebot::core {

enum class rounding : std::uint8_t {
    down,     // toward zero
    up,       // away from zero
    floor,    // toward -infinity
    ceiling,  // toward +infinity
    half_even,
    half_up,  // ties away from zero
};

// An exact decimal number: a 64-bit mantissa and a decimal scale of 0..18 digits.
// Prices, quantities and money are parsed from and printed to strings; no binary floating
// point is involved anywhere, so "0.1" stays 0.1 and step rounding is exact.
// Operations that cannot be represented (overflow, scale > 18 without a rounding rule)
// throw std::overflow_error / std::domain_error: they are programming errors, not market events.
class decimal {
public:
    static constexpr int max_scale = 18;

    constexpr decimal() noexcept = default;
    static constexpr decimal from_raw(std::int64_t mantissa, int scale) noexcept { return decimal{mantissa, scale}; }
    static constexpr decimal from_int(std::int64_t value) noexcept { return decimal{value, 0}; }

    // Accepts "-12.3400", "+5", ".5", "5.", "1e-8", "1.5E3". Rejects empty strings, junk,
    // more than 18 fractional digits after normalisation, and values that do not fit.
    static std::optional<decimal> parse(std::string_view text) noexcept;
    // parse() or throw std::invalid_argument naming the text; for constants and tests.
    static decimal from_string(std::string_view text);

    [[nodiscard]] constexpr std::int64_t mantissa() const noexcept { return mantissa_; }
    [[nodiscard]] constexpr int scale() const noexcept { return scale_; }
    [[nodiscard]] constexpr bool is_zero() const noexcept { return mantissa_ == 0; }
    [[nodiscard]] constexpr bool is_negative() const noexcept { return mantissa_ < 0; }
    [[nodiscard]] constexpr bool is_positive() const noexcept { return mantissa_ > 0; }
    [[nodiscard]] constexpr int signum() const noexcept { return (mantissa_ > 0) - (mantissa_ < 0); }

    // Plain notation, never an exponent; keeps the scale ("1.50" stays "1.50").
    [[nodiscard]] std::string to_string() const;
    // Writes to_string() into out (at least 22 bytes); returns the length. No allocation.
    std::size_t format_to(char* out) const noexcept;
    // Trailing fractional zeros removed ("1.50" -> "1.5", "2.00" -> "2").
    [[nodiscard]] decimal normalized() const noexcept;
    // Same value at exactly `new_scale` digits, rounded with `mode` when digits are dropped.
    [[nodiscard]] decimal rescale(int new_scale, rounding mode) const;

    // Multiple of `step` (> 0) next to this value, in the given direction. The result has the
    // step's scale, so quantities formatted after rounding carry the venue's precision.
    [[nodiscard]] decimal round_to_step(decimal step, rounding mode) const;
    [[nodiscard]] decimal floor_to_step(decimal step) const { return round_to_step(step, rounding::floor); }
    [[nodiscard]] decimal ceil_to_step(decimal step) const { return round_to_step(step, rounding::ceiling); }
    [[nodiscard]] decimal nearest_step(decimal step) const { return round_to_step(step, rounding::half_up); }
    [[nodiscard]] bool is_multiple_of(decimal step) const;

    // Division has no natural scale: the caller says how many digits and how to round.
    [[nodiscard]] decimal divide(decimal divisor, int result_scale, rounding mode) const;
    // Multiplication keeps the exact product when its scale fits (<= 18), otherwise rounds
    // half-even to 18 digits; multiply() with an explicit scale is the precise form.
    [[nodiscard]] decimal multiply(decimal other, int result_scale, rounding mode) const;

    [[nodiscard]] decimal abs() const;
    [[nodiscard]] constexpr decimal operator-() const { return decimal{-mantissa_, scale_}; }
    friend decimal operator+(decimal a, decimal b);
    friend decimal operator-(decimal a, decimal b);
    friend decimal operator*(decimal a, decimal b);
    decimal& operator+=(decimal o) { return *this = *this + o; }
    decimal& operator-=(decimal o) { return *this = *this - o; }
    decimal& operator*=(decimal o) { return *this = *this * o; }

    // Value comparison: 1.50 == 1.5.
    friend std::strong_ordering operator<=>(decimal a, decimal b) noexcept;
    friend bool operator==(decimal a, decimal b) noexcept { return (a <=> b) == std::strong_ordering::equal; }

    // Equal values hash equally whatever their scale.
    [[nodiscard]] std::size_t hash() const noexcept;

private:
    constexpr decimal(std::int64_t m, int s) noexcept : mantissa_{m}, scale_{static_cast<std::int8_t>(s)} {}

    std::int64_t mantissa_ = 0;
    std::int8_t scale_ = 0;
};

namespace literals {
inline decimal operator""_d(const char* text, std::size_t n) { return decimal::from_string({text, n}); }
}  // namespace literals

}  // namespace tradebot::core

template <>
struct std::hash<tradebot::core::decimal> {
    std::size_t operator()(tradebot::core::decimal d) const noexcept { return d.hash(); }
};

#pragma once

// Runs of ASCII digits read eight at a time (one 8-byte load and three multiplications, the
// SWAR method simdjson and fast_float use) instead of one multiply-add per digit, whose chain of
// dependent multiplications was most of a price's parse time.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace tradebot::core::digits {

[[nodiscard]] inline bool eight_digits(std::uint64_t w) noexcept {
    return (((w & 0xF0F0F0F0F0F0F0F0ULL) | (((w + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4)) ==
            0x3333333333333333ULL);
}

// The value of eight digits loaded little-endian (the first digit in the lowest byte).
[[nodiscard]] inline std::uint64_t eight_value(std::uint64_t w) noexcept {
    w = ((w & 0x0F0F0F0F0F0F0F0FULL) * 2561) >> 8;
    w = ((w & 0x00FF00FF00FF00FFULL) * 6553601) >> 16;
    return ((w & 0x0000FFFF0000FFFFULL) * 42949672960001ULL) >> 32;
}

// Reads the digits at the start of [p, end) into `value` (value = value * 10^k + digits) and
// returns k, their count. The caller bounds the count so that value cannot overflow.
[[nodiscard]] inline std::size_t read(const char* p, const char* end, std::uint64_t& value) noexcept {
    const char* start = p;
    if constexpr (std::endian::native == std::endian::little) {
        while (end - p >= 8) {
            std::uint64_t w = 0;
            std::memcpy(&w, p, sizeof w);
            if (!eight_digits(w)) {
                break;
            }
            value = value * 100'000'000ULL + eight_value(w);
            p += 8;
        }
    }
    while (p != end) {
        const auto d = static_cast<unsigned>(static_cast<unsigned char>(*p)) - '0';
        if (d > 9) {
            break;
        }
        value = value * 10 + d;
        ++p;
    }
    return static_cast<std::size_t>(p - start);
}

// A decimal in plain form, digits[.digits], read by read_plain.
struct plain_decimal {
    std::uint64_t mantissa = 0;  // all digits, the dot left out
    std::size_t whole = 0;       // digits before the dot
    std::size_t fraction = 0;    // digits after it
    bool dot = false;
};

// Reads digits[.digits] at the start of [p, end) into `out` and returns where it stopped. The
// caller bounds end - p (18 characters at most) so that the mantissa cannot overflow, and judges
// the rest (a sign before, what follows, whether a side of the dot may be empty).
[[nodiscard]] inline const char* read_plain(const char* p, const char* end, plain_decimal& out) noexcept {
    out.whole = read(p, end, out.mantissa);
    p += out.whole;
    if (p != end && *p == '.') {
        out.dot = true;
        ++p;
        out.fraction = read(p, end, out.mantissa);
        p += out.fraction;
    }
    return p;
}

}  // namespace tradebot::core::digits

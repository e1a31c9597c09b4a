#pragma once

// A frame read against the exact layout a venue sends for one event: the constant parts (keys,
// punctuation, the event name) are compared as literals and the values are parsed while they
// are passed over, in one pass. It takes only the plainest text: integers of at most 18 digits
// without a leading zero, prices of at most 18 characters in the form digits[.digits], strings
// as json::flat_scan takes them, no whitespace. Any difference from the layout (another key
// order, an extra or missing member, whitespace, an exponent, a longer number) returns false
// and the caller runs json::flat_scan on the same bytes. A text this accepts is valid JSON
// whose members flat_scan reads with the same values, so the paths cannot disagree.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/digits.hpp"
#include "exchange/flat_scan.hpp"
#include "tradebot/core/decimal.hpp"

namespace tradebot::exchange::json {

class fixed_scan {
public:
    explicit fixed_scan(std::string_view text) noexcept : c_{text.data(), text.data() + text.size()} {}

    // The literal bytes `s`.
    // Inline so that each literal's length is a constant and the comparison needs no memcmp call.
    [[nodiscard, gnu::always_inline]] inline bool lit(std::string_view s) noexcept {
        if (static_cast<std::size_t>(c_.end - c_.p) < s.size() || std::memcmp(c_.p, s.data(), s.size()) != 0) {
            return false;
        }
        c_.p += s.size();
        return true;
    }

    // A string's text and its closing quote (the opening one is part of the literal before).
    [[nodiscard, gnu::always_inline]] inline bool str(std::string_view& out) noexcept { return c_.string(out); }

    // A non-negative JSON integer of at most 18 digits.
    [[nodiscard]] bool uint(std::uint64_t& out) noexcept {
        if (c_.p == c_.end) {
            return false;
        }
        if (*c_.p == '0') {
            ++c_.p;
            out = 0;
            return c_.p == c_.end || static_cast<unsigned>(*c_.p - '0') > 9;
        }
        out = 0;
        const char* stop = c_.end - c_.p > 18 ? c_.p + 18 : c_.end;
        const std::size_t n = core::digits::read(c_.p, stop, out);
        c_.p += n;
        return n > 0 && (c_.p == c_.end || static_cast<unsigned>(*c_.p - '0') > 9);
    }

    // A price as a string's text, -?digits[.digits] with at most 18 characters after the sign
    // and a digit on each side of the dot, then the closing quote. Read by the digits::read_plain
    // of decimal::parse's short path, so with the same value and scale.
    [[nodiscard]] bool dec(core::decimal& out) noexcept {
        const bool negative = c_.p != c_.end && *c_.p == '-';
        const char* start = c_.p + (negative ? 1 : 0);
        const char* stop = c_.end - start > 18 ? start + 18 : c_.end;
        core::digits::plain_decimal d;
        const char* p = core::digits::read_plain(start, stop, d);
        if (d.whole == 0 || (d.dot && d.fraction == 0) || p == c_.end || *p != '"') {
            return false;
        }
        c_.p = p + 1;
        const auto v = static_cast<std::int64_t>(d.mantissa);
        out = core::decimal::from_raw(negative ? -v : v, static_cast<int>(d.fraction));
        return true;
    }

    [[nodiscard]] bool at_end() const noexcept { return c_.p == c_.end; }

private:
    flat_detail::cursor c_;
};

}  // namespace tradebot::exchange::json

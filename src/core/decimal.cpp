#include "tradebot/core/decimal.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <stdexcept>

#include "core/digits.hpp"

namespace tradebot::core {
namespace {

__extension__ using i128 = __int128;
__extension__ using u128 = unsigned __int128;

constexpr std::int64_t i64_max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t i64_min = std::numeric_limits<std::int64_t>::min();

constexpr std::array<i128, 39> make_pow10() {
    std::array<i128, 39> p{};
    p[0] = 1;
    for (std::size_t i = 1; i < p.size(); ++i) {
        p[i] = p[i - 1] * 10;
    }
    return p;
}
constexpr auto pow10 = make_pow10();

bool fits(i128 v) { return v >= i64_min && v <= i64_max; }

std::int64_t narrow(i128 v, const char* what) {
    if (!fits(v)) {
        throw std::overflow_error(std::string{"decimal overflow in "} + what);
    }
    return static_cast<std::int64_t>(v);
}

// n / d rounded with `mode`; d > 0.
i128 round_div(i128 n, i128 d, rounding mode) {
    const i128 q = n / d;
    const i128 r = n % d;
    if (r == 0) {
        return q;
    }
    const i128 away = n < 0 ? q - 1 : q + 1;
    const i128 twice_r = (r < 0 ? -r : r) * 2;
    switch (mode) {
    case rounding::down:
        return q;
    case rounding::up:
        return away;
    case rounding::floor:
        return n < 0 ? q - 1 : q;
    case rounding::ceiling:
        return n > 0 ? q + 1 : q;
    case rounding::half_up:
        return twice_r >= d ? away : q;
    case rounding::half_even:
        if (twice_r != d) {
            return twice_r > d ? away : q;
        }
        return (q % 2 == 0) ? q : away;
    }
    return q;
}

// Multiplies by 10^k, failing instead of wrapping.
i128 scale_up(i128 v, int k, const char* what) {
    const i128 limit = std::numeric_limits<i128>::max() / pow10[static_cast<std::size_t>(k)];
    if (v > limit || v < -limit) {
        throw std::overflow_error(std::string{"decimal overflow in "} + what);
    }
    return v * pow10[static_cast<std::size_t>(k)];
}

}  // namespace

std::optional<decimal> decimal::parse(std::string_view text) noexcept {
    std::size_t i = 0;
    const std::size_t n = text.size();
    bool negative = false;
    if (i < n && (text[i] == '+' || text[i] == '-')) {
        negative = text[i] == '-';
        ++i;
    }
    // The wire's plain form ("0.04518498", "74980.00000000") with at most 18 characters: at most
    // 18 digits, so the mantissa fits a uint64 and the scale is at most 18, and the general
    // loop below would give the same result. Anything else (exponent, second dot, longer) falls
    // through to it.
    if (n - i <= 18) {
        digits::plain_decimal d;
        const char* end = text.data() + n;
        if (digits::read_plain(text.data() + i, end, d) == end && d.whole + d.fraction > 0) {
            const auto v = static_cast<std::int64_t>(d.mantissa);
            return decimal{negative ? -v : v, static_cast<int>(d.fraction)};
        }
    }
    i128 mantissa = 0;
    int significant = 0;
    int fraction_digits = 0;
    bool any_digit = false;
    bool in_fraction = false;
    for (; i < n; ++i) {
        const char c = text[i];
        if (c >= '0' && c <= '9') {
            any_digit = true;
            if (in_fraction) {
                ++fraction_digits;
            }
            if (mantissa != 0 || c != '0') {
                if (++significant > 38) {
                    return std::nullopt;
                }
                mantissa = mantissa * 10 + (c - '0');
            }
        } else if (c == '.' && !in_fraction) {
            in_fraction = true;
        } else {
            break;
        }
    }
    if (!any_digit) {
        return std::nullopt;
    }
    int exponent = 0;
    if (i < n && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        bool exp_negative = false;
        if (i < n && (text[i] == '+' || text[i] == '-')) {
            exp_negative = text[i] == '-';
            ++i;
        }
        if (i == n) {
            return std::nullopt;
        }
        for (; i < n; ++i) {
            const char c = text[i];
            if (c < '0' || c > '9' || exponent > 1000) {
                return std::nullopt;
            }
            exponent = exponent * 10 + (c - '0');
        }
        exponent = exp_negative ? -exponent : exponent;
    }
    if (i != n) {
        return std::nullopt;
    }
    int scale = fraction_digits - exponent;
    if (scale < 0) {
        if (mantissa != 0) {
            if (significant - scale > 38) {
                return std::nullopt;
            }
            mantissa *= pow10[static_cast<std::size_t>(-scale)];
        }
        scale = 0;
    }
    while (scale > max_scale && mantissa % 10 == 0) {
        mantissa /= 10;
        --scale;
    }
    if (mantissa == 0) {
        scale = std::min(scale, max_scale);
    }
    if (scale > max_scale) {
        return std::nullopt;
    }
    if (negative) {
        mantissa = -mantissa;
    }
    if (!fits(mantissa)) {
        return std::nullopt;
    }
    return decimal{static_cast<std::int64_t>(mantissa), scale};
}

decimal decimal::from_string(std::string_view text) {
    if (auto d = parse(text)) {
        return *d;
    }
    throw std::invalid_argument("not a decimal number: '" + std::string{text} + "'");
}

std::size_t decimal::format_to(char* out) const noexcept {
    // Magnitude as unsigned so that INT64_MIN prints correctly.
    std::uint64_t mag = mantissa_ < 0 ? 0 - static_cast<std::uint64_t>(mantissa_) : static_cast<std::uint64_t>(mantissa_);
    char digits[24];
    int count = 0;
    do {
        digits[count++] = static_cast<char>('0' + mag % 10);
        mag /= 10;
    } while (mag != 0);
    while (count <= scale_) {
        digits[count++] = '0';  // leading zeros so that "0.001" has its integer zero
    }
    std::size_t len = 0;
    if (mantissa_ < 0) {
        out[len++] = '-';
    }
    for (int d = count - 1; d >= 0; --d) {
        out[len++] = digits[d];
        if (d == scale_ && d != 0) {
            out[len++] = '.';
        }
    }
    return len;
}

std::string decimal::to_string() const {
    char buf[32];
    return std::string{buf, format_to(buf)};
}

decimal decimal::normalized() const noexcept {
    std::int64_t m = mantissa_;
    int s = scale_;
    while (s > 0 && m % 10 == 0) {
        m /= 10;
        --s;
    }
    return decimal{m, s};
}

decimal decimal::rescale(int new_scale, rounding mode) const {
    if (new_scale < 0 || new_scale > max_scale) {
        throw std::domain_error("decimal scale out of range");
    }
    if (new_scale >= scale_) {
        return decimal{narrow(scale_up(mantissa_, new_scale - scale_, "rescale"), "rescale"), new_scale};
    }
    const i128 q = round_div(mantissa_, pow10[static_cast<std::size_t>(scale_ - new_scale)], mode);
    return decimal{narrow(q, "rescale"), new_scale};
}

decimal decimal::round_to_step(decimal step, rounding mode) const {
    if (!step.is_positive()) {
        throw std::domain_error("decimal step must be positive");
    }
    // this / step as an integer count of steps, then back at the step's scale.
    const int common = std::max<int>(scale_, step.scale_);
    const i128 a = scale_up(mantissa_, common - scale_, "round_to_step");
    const i128 b = scale_up(step.mantissa_, common - step.scale_, "round_to_step");
    const i128 steps = round_div(a, b, mode);
    return decimal{narrow(steps * step.mantissa_, "round_to_step"), step.scale_};
}

bool decimal::is_multiple_of(decimal step) const {
    return round_to_step(step, rounding::down) == *this;
}

decimal decimal::divide(decimal divisor, int result_scale, rounding mode) const {
    if (divisor.is_zero()) {
        throw std::domain_error("decimal division by zero");
    }
    if (result_scale < 0 || result_scale > max_scale) {
        throw std::domain_error("decimal scale out of range");
    }
    // result = (a / 10^sa) / (b / 10^sb) * 10^rs = a * 10^(rs - sa + sb) / b
    const int k = result_scale - scale_ + divisor.scale_;
    i128 num = mantissa_;
    i128 den = divisor.mantissa_;
    if (k >= 0) {
        num = scale_up(num, k, "divide");
    } else {
        den = scale_up(den, -k, "divide");
    }
    if (den < 0) {
        num = -num;
        den = -den;
    }
    return decimal{narrow(round_div(num, den, mode), "divide"), result_scale};
}

decimal decimal::multiply(decimal other, int result_scale, rounding mode) const {
    if (result_scale < 0 || result_scale > max_scale) {
        throw std::domain_error("decimal scale out of range");
    }
    // |mantissa| < 2^63 each, so the product fits in 127 bits.
    const i128 product = static_cast<i128>(mantissa_) * other.mantissa_;
    const int product_scale = scale_ + other.scale_;
    if (result_scale >= product_scale) {
        return decimal{narrow(scale_up(product, result_scale - product_scale, "multiply"), "multiply"), result_scale};
    }
    const i128 q = round_div(product, pow10[static_cast<std::size_t>(product_scale - result_scale)], mode);
    return decimal{narrow(q, "multiply"), result_scale};
}

decimal decimal::abs() const {
    if (mantissa_ == i64_min) {
        throw std::overflow_error("decimal overflow in abs");
    }
    return decimal{mantissa_ < 0 ? -mantissa_ : mantissa_, scale_};
}

decimal operator+(decimal a, decimal b) {
    const int s = std::max<int>(a.scale_, b.scale_);
    const i128 sum = scale_up(a.mantissa_, s - a.scale_, "add") + scale_up(b.mantissa_, s - b.scale_, "add");
    return decimal{narrow(sum, "add"), s};
}

decimal operator-(decimal a, decimal b) {
    const int s = std::max<int>(a.scale_, b.scale_);
    const i128 diff = scale_up(a.mantissa_, s - a.scale_, "subtract") - scale_up(b.mantissa_, s - b.scale_, "subtract");
    return decimal{narrow(diff, "subtract"), s};
}

decimal operator*(decimal a, decimal b) {
    i128 product = static_cast<i128>(a.mantissa_) * b.mantissa_;
    int s = a.scale_ + b.scale_;
    // Exact when it fits; otherwise drop exact trailing zeros, then round half-even digit by
    // digit: an int64 holds 18 significant digits, more than any venue quotes.
    while (s > 0 && (s > decimal::max_scale || !fits(product)) && product % 10 == 0) {
        product /= 10;
        --s;
    }
    if (s > decimal::max_scale || !fits(product)) {
        int drop = s - decimal::max_scale;
        i128 limit = product < 0 ? -product : product;
        int needed = 0;
        while (limit > i64_max) {
            limit /= 10;
            ++needed;
        }
        drop = std::min(std::max(drop, needed), s);
        product = round_div(product, pow10[static_cast<std::size_t>(drop)], rounding::half_even);
        s -= drop;
    }
    return decimal{narrow(product, "multiply"), s};
}

std::strong_ordering operator<=>(decimal a, decimal b) noexcept {
    if (a.scale_ == b.scale_) {
        return a.mantissa_ <=> b.mantissa_;
    }
    // Both values fit in 64 bits and the scale gap is at most 18 digits, so no 128-bit overflow.
    const int s = std::max<int>(a.scale_, b.scale_);
    const i128 x = static_cast<i128>(a.mantissa_) * pow10[static_cast<std::size_t>(s - a.scale_)];
    const i128 y = static_cast<i128>(b.mantissa_) * pow10[static_cast<std::size_t>(s - b.scale_)];
    return x <=> y;
}

std::size_t decimal::hash() const noexcept {
    const decimal n = normalized();
    const auto m = static_cast<std::uint64_t>(n.mantissa_);
    return std::hash<std::uint64_t>{}(m * 0x9E3779B97F4A7C15ULL ^ static_cast<std::uint64_t>(n.scale_));
}

}  // namespace tradebot::core

#include "tradebot/signals/timestamp.hpp"

#include <chrono>
#include <cstdint>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace tradebot::signals {
namespace {

// A cursor over the text; every reader returns false instead of reading past the end.
struct reader {
    std::string_view text;
    std::size_t pos = 0;

    [[nodiscard]] bool done() const noexcept { return pos == text.size(); }
    [[nodiscard]] char peek() const noexcept { return done() ? '\0' : text[pos]; }
    bool eat(char c) noexcept {
        if (peek() != c)
            return false;
        ++pos;
        return true;
    }
    // Exactly `n` digits.
    bool digits(int n, int& out) noexcept {
        out = 0;
        for (int i = 0; i < n; ++i) {
            const char c = peek();
            if (c < '0' || c > '9')
                return false;
            out = out * 10 + (c - '0');
            ++pos;
        }
        return true;
    }
};

bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

// Z, ±HH, ±HHMM, ±HH:MM or ±HH:MM:SS, as seconds east of UTC.
bool read_offset(reader& r, std::int64_t& offset_seconds) noexcept {
    offset_seconds = 0;
    if (r.done())
        return true;
    if (r.eat('Z') || r.eat('z'))
        return r.done();
    const char sign = r.peek();
    if (sign != '+' && sign != '-')
        return false;
    ++r.pos;
    int hh = 0;
    int mm = 0;
    int ss = 0;
    if (!r.digits(2, hh))
        return false;
    if (r.eat(':')) {
        if (!r.digits(2, mm))
            return false;
        if (r.eat(':') && !r.digits(2, ss))
            return false;
    } else if (is_digit(r.peek()) && !r.digits(2, mm)) {
        return false;
    }
    if (hh > 15 || mm > 59 || ss > 59 || !r.done())
        return false;
    offset_seconds = (hh * 3600 + mm * 60 + ss) * (sign == '-' ? -1 : 1);
    return true;
}

}  // namespace

std::optional<time_point> parse_timestamp(std::string_view text) noexcept {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    reader r{text};
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    if (!r.digits(4, year) || !r.eat('-') || !r.digits(2, month) || !r.eat('-') || !r.digits(2, day)) {
        return std::nullopt;
    }
    if (!r.eat('T') && !r.eat('t') && !r.eat(' '))
        return std::nullopt;
    if (!r.digits(2, hour) || !r.eat(':') || !r.digits(2, minute))
        return std::nullopt;
    std::int64_t nanos = 0;
    if (r.eat(':')) {
        if (!r.digits(2, second))
            return std::nullopt;
        if (r.eat('.')) {
            int count = 0;
            while (is_digit(r.peek())) {
                if (++count > 9)
                    return std::nullopt;
                nanos = nanos * 10 + (r.peek() - '0');
                ++r.pos;
            }
            if (count == 0)
                return std::nullopt;
            for (int i = count; i < 9; ++i)
                nanos *= 10;
        }
    }
    std::int64_t offset = 0;
    if (!read_offset(r, offset))
        return std::nullopt;

    const std::chrono::year_month_day date{
        std::chrono::year{year},
        std::chrono::month{static_cast<unsigned>(month)},
        std::chrono::day{static_cast<unsigned>(day)}};
    // time_point counts nanoseconds in 64 bits (about 1678..2262); stay well inside.
    if (year < 1970 || year > 2200)
        return std::nullopt;
    if (!date.ok() || hour > 23 || minute > 59 || second > 59)
        return std::nullopt;
    const auto days = std::chrono::sys_days{date}.time_since_epoch();
    const auto local = std::chrono::duration_cast<std::chrono::nanoseconds>(days) + std::chrono::hours{hour} +
                       std::chrono::minutes{minute} + std::chrono::seconds{second} + std::chrono::nanoseconds{nanos};
    return time_point{local - std::chrono::seconds{offset}};
}

std::string format_timestamp(time_point t) {
    const auto us = std::chrono::floor<std::chrono::microseconds>(t);
    const auto seconds = std::chrono::floor<std::chrono::seconds>(us);
    // The fraction is written here: fmt 9 (Debian 12) prints %S of a sub-second time as whole
    // seconds, which dropped it (found by tests/fuzz/signal_validate.cpp).
    auto out = fmt::format("{:%Y-%m-%dT%H:%M:%S}", std::chrono::sys_seconds{seconds.time_since_epoch()});
    if (const auto micros = (us - seconds).count(); micros != 0) {
        out += fmt::format(".{:06}", micros);
    }
    out += 'Z';
    return out;
}

}  // namespace tradebot::signals

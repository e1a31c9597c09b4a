#pragma once

// Field access over a parsed Boost.JSON answer (private to the REST adapter). Bybit sends numbers
// as strings and "" for "no value": text() gives "" for absent, null or non-string members, and
// dec() gives nullopt for "" (never zero, original-bot.md §3.2).

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "tradebot/core/decimal.hpp"

namespace tradebot::exchange::bybit::detail {

namespace bj = boost::json;

[[nodiscard]] inline std::string_view text(const bj::object& o, std::string_view key) noexcept {
    const auto* v = o.if_contains(key);
    if (v != nullptr && v->is_string()) {
        const auto& s = v->get_string();
        return {s.data(), s.size()};
    }
    return {};
}

[[nodiscard]] inline std::optional<core::decimal> dec(const bj::object& o, std::string_view key) noexcept {
    const auto t = text(o, key);
    if (t.empty()) {
        return std::nullopt;
    }
    return core::decimal::parse(t);
}

// A decimal that is "no value" when "" or zero (Bybit's stopLoss / trailingStop / liqPrice).
[[nodiscard]] inline std::optional<core::decimal> nonzero(const bj::object& o, std::string_view key) noexcept {
    auto d = dec(o, key);
    if (d && d->is_zero()) {
        return std::nullopt;
    }
    return d;
}

// An integer sent as a string ("1688639403") or as a JSON number.
[[nodiscard]] inline std::optional<std::int64_t> integer(const bj::object& o, std::string_view key) noexcept {
    const auto* v = o.if_contains(key);
    if (v == nullptr) {
        return std::nullopt;
    }
    if (v->is_int64()) {
        return v->get_int64();
    }
    if (v->is_uint64()) {
        return static_cast<std::int64_t>(v->get_uint64());
    }
    if (v->is_string()) {
        const auto& s = v->get_string();
        std::int64_t out = 0;
        const auto* end = s.data() + s.size();
        const auto [p, ec] = std::from_chars(s.data(), end, out);
        if (ec == std::errc{} && p == end && !s.empty()) {
            return out;
        }
    }
    return std::nullopt;
}

[[nodiscard]] inline bool boolean(const bj::object& o, std::string_view key) noexcept {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_bool() && v->get_bool();
}

[[nodiscard]] inline const bj::array* array(const bj::object& o, std::string_view key) noexcept {
    const auto* v = o.if_contains(key);
    return v != nullptr ? v->if_array() : nullptr;
}

}  // namespace tradebot::exchange::bybit::detail

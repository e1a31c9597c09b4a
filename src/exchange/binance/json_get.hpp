#pragma once

// Lenient field access on Boost.JSON DOM values for the REST answers: the venue sends decimals as
// strings and ids as numbers, but SDK specs disagree in places (§A7 cancel "code" is a string), so
// numbers are accepted as text and text as numbers where that is unambiguous.

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "tradebot/core/decimal.hpp"

namespace tradebot::exchange::binance::detail {

inline std::optional<std::int64_t> as_int(const boost::json::value& v) noexcept {
    if (v.is_int64()) return v.as_int64();
    if (v.is_uint64()) return static_cast<std::int64_t>(v.as_uint64());
    if (v.is_string()) {
        const auto& s = v.as_string();
        std::int64_t n = 0;
        const auto r = std::from_chars(s.data(), s.data() + s.size(), n);
        if (r.ec == std::errc{} && r.ptr == s.data() + s.size()) return n;
    }
    return std::nullopt;
}

inline const boost::json::value* field(const boost::json::object& o, std::string_view key) noexcept {
    return o.if_contains(key);
}

inline std::optional<std::string_view> get_str(const boost::json::object& o, std::string_view key) noexcept {
    const auto* v = o.if_contains(key);
    if (v == nullptr || !v->is_string()) return std::nullopt;
    return std::string_view{v->as_string()};
}

inline std::optional<std::int64_t> get_int(const boost::json::object& o, std::string_view key) noexcept {
    const auto* v = o.if_contains(key);
    if (v == nullptr) return std::nullopt;
    return as_int(*v);
}

// Ids as text: numbers printed in decimal, strings as they are.
inline std::optional<std::string> get_id(const boost::json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr) return std::nullopt;
    if (v->is_string()) return std::string{v->as_string()};
    if (const auto n = as_int(*v)) return std::to_string(*n);
    return std::nullopt;
}

inline std::optional<core::decimal> get_dec(const boost::json::object& o, std::string_view key) noexcept {
    const auto* v = o.if_contains(key);
    if (v == nullptr) return std::nullopt;
    if (v->is_string()) return core::decimal::parse(std::string_view{v->as_string()});
    if (const auto n = as_int(*v)) return core::decimal::from_int(*n);
    return std::nullopt;
}

// A decimal sent as a JSON number (leverageBracket's maintMarginRatio 0.0065): a double is read
// back through its shortest round-trip text, which is the text the venue sent for any number of
// at most 15 significant digits.
inline std::optional<core::decimal> get_number_dec(const boost::json::object& o, std::string_view key) noexcept {
    const auto* v = o.if_contains(key);
    if (v == nullptr || !v->is_double()) return get_dec(o, key);
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v->as_double());
    if (r.ec != std::errc{}) return std::nullopt;
    return core::decimal::parse(std::string_view{buf, static_cast<std::size_t>(r.ptr - buf)});
}

inline bool get_bool(const boost::json::object& o, std::string_view key, bool fallback = false) noexcept {
    const auto* v = o.if_contains(key);
    if (v == nullptr) return fallback;
    if (v->is_bool()) return v->as_bool();
    if (v->is_string()) {
        const std::string_view s = v->as_string();
        return s == "true" || s == "TRUE" || s == "True";
    }
    return fallback;
}

}  // namespace tradebot::exchange::binance::detail

#pragma once

// Structured log lines: a message plus key/value fields, written as
//   ts=2026-11-26T12:00:00.123Z level=info module=db msg="connected" host=127.0.0.1 port=5432
// or, with options::format::json,
//   {"ts":"2026-11-26T12:00:00.123Z","level":"info","module":"db","msg":"connected","host":"127.0.0.1","port":5432}
//
//   logging::info(log_, "connected", kv("host", host), kv("port", port));
//
// The call site only checks the level and packs message and fields into a format-neutral payload;
// quoting, escaping, redaction and the choice of format happen in the sink formatter on the writer
// thread, so the format is chosen once by init() and every value is escaped in exactly one place.
// Plain spdlog calls (log_->info("x {}", y)) still work and come out as the msg field.

#include <concepts>
#include <iterator>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>
#include <spdlog/logger.h>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/logging/secret.hpp"

namespace tradebot::logging {

// One key/value pair. It refers to the value, so build it inside the logging call only.
template <class V>
struct field {
    std::string_view key;
    const V& value;
};

template <class V>
[[nodiscard]] field<V> kv(std::string_view key, const V& value) noexcept {
    return field<V>{key, value};
}

namespace detail {

// Payload layout: '\x1e' then <len>:<message>, then per field <len>:<key><kind><len>:<value>,
// where <kind> is 's' for text and 'r' for a number or boolean (unquoted in JSON).
inline constexpr char payload_marker = '\x1e';
using buffer = fmt::basic_memory_buffer<char, 256>;

void append_piece(buffer& out, std::string_view text);
void begin_payload(buffer& out, std::string_view msg);
void append_field(buffer& out, std::string_view key, char kind, std::string_view value);

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class V>
inline constexpr bool always_false = false;

// Renders `v` into `out` and returns its kind ('s' or 'r').
template <class V>
char render(buffer& out, const V& v) {
    if constexpr (std::is_same_v<V, bool>) {
        const std::string_view text = v ? "true" : "false";
        out.append(text.data(), text.data() + text.size());
        return 'r';
    } else if constexpr (std::is_same_v<V, char>) {
        out.push_back(v);
        return 's';
    } else if constexpr (std::is_arithmetic_v<V>) {
        fmt::format_to(std::back_inserter(out), "{}", v);
        return 'r';
    } else if constexpr (std::is_same_v<V, secret>) {
        out.append(mask.data(), mask.data() + mask.size());
        return 's';
    } else if constexpr (std::is_array_v<V>) {
        const std::string_view text{&v[0]};
        out.append(text.data(), text.data() + text.size());
        return 's';
    } else if constexpr (std::is_convertible_v<const V&, std::string_view>) {
        const std::string_view text{v};
        out.append(text.data(), text.data() + text.size());
        return 's';
    } else if constexpr (std::is_same_v<V, core::decimal>) {
        // Kept a string in JSON too: readers that parse numbers as double would lose digits.
        char digits[32];
        out.append(digits, digits + v.format_to(digits));
        return 's';
    } else if constexpr (std::is_same_v<V, core::symbol>) {
        const std::string_view text = v.view();
        out.append(text.data(), text.data() + text.size());
        return 's';
    } else if constexpr (is_optional<V>::value) {
        if (!v) {
            const std::string_view text = "null";
            out.append(text.data(), text.data() + text.size());
            return 'r';
        }
        return render(out, *v);
    } else if constexpr (requires { { to_string(v) } -> std::convertible_to<std::string_view>; }) {
        const std::string_view text = to_string(v);
        out.append(text.data(), text.data() + text.size());
        return 's';
    } else if constexpr (fmt::is_formattable<V>::value) {
        fmt::format_to(std::back_inserter(out), "{}", v);
        return 's';
    } else if constexpr (requires {
                             v.message();
                             v.value();
                         }) {
        // std::error_code and boost::system::error_code.
        fmt::format_to(std::back_inserter(out), "{} ({})", v.message(), v.value());
        return 's';
    } else {
        static_assert(always_false<V>, "no log rendering for this type: pass a string or add to_string()");
    }
}

template <class V>
void add(buffer& out, buffer& scratch, const field<V>& f) {
    scratch.clear();
    const char kind = render(scratch, f.value);
    append_field(out, f.key, kind, {scratch.data(), scratch.size()});
}

}  // namespace detail

// Logs `msg` with `fields` at `level`; nothing is rendered when the level is off for `logger`.
template <class... V>
void write(spdlog::logger& logger, spdlog::level::level_enum level, std::string_view msg, const field<V>&... fields) {
    if (!logger.should_log(level)) {
        return;
    }
    detail::buffer payload;
    detail::buffer scratch;
    detail::begin_payload(payload, msg);
    (detail::add(payload, scratch, fields), ...);
    logger.log(level, spdlog::string_view_t{payload.data(), payload.size()});
}

#define TRADEBOT_LOGGING_LEVEL_FN(name, lvl)                                                          \
    template <class... V>                                                                             \
    void name(spdlog::logger& logger, std::string_view msg, const field<V>&... fields) {              \
        write(logger, spdlog::level::lvl, msg, fields...);                                            \
    }                                                                                                 \
    template <class... V>                                                                             \
    void name(const std::shared_ptr<spdlog::logger>& logger, std::string_view msg, const field<V>&... fields) { \
        write(*logger, spdlog::level::lvl, msg, fields...);                                           \
    }

TRADEBOT_LOGGING_LEVEL_FN(trace, trace)
TRADEBOT_LOGGING_LEVEL_FN(debug, debug)
TRADEBOT_LOGGING_LEVEL_FN(info, info)
TRADEBOT_LOGGING_LEVEL_FN(warn, warn)
TRADEBOT_LOGGING_LEVEL_FN(error, err)
TRADEBOT_LOGGING_LEVEL_FN(critical, critical)

#undef TRADEBOT_LOGGING_LEVEL_FN

}  // namespace tradebot::logging

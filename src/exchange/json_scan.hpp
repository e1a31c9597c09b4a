#pragma once

// Shared by the Binance and Bybit stream codecs: one pass of simdjson on-demand over an object,
// collecting its scalar members as views (wire order does not matter: venues do not promise
// one) and handing nested objects/arrays to a callback. Only the error-code API is used, so no
// simdjson exception can escape. The views point into the parser's buffers: valid until the
// parser's next iterate().

#include <simdjson.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/digits.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/core/decimal.hpp"
#include "tradebot/events/types.hpp"

namespace tradebot::exchange::json {

namespace od = simdjson::ondemand;

enum class kind : std::uint8_t { string, number, boolean, null };

struct scalar {
    kind type = kind::null;
    std::string_view text;  // unescaped string, raw number token, "true"/"false", "" for null
};

// The scalar members of one object. Objects are small (< 40 members), so a linear scan beats hashing.
class fields {
public:
    void clear() noexcept { items_.clear(); }
    void add(std::string_view key, scalar s) { items_.emplace_back(key, s); }
    [[nodiscard]] const scalar* find(std::string_view key) const noexcept {
        for (const auto& [k, v] : items_) {
            if (k == key) {
                return &v;
            }
        }
        return nullptr;
    }
    [[nodiscard]] bool empty() const noexcept { return items_.empty(); }

private:
    std::vector<std::pair<std::string_view, scalar>> items_;
};

inline simdjson::error_code read_scalar(od::value& v, od::json_type t, scalar& out) {
    switch (t) {
        case od::json_type::string:
            out.type = kind::string;
            return v.get_string().get(out.text);
        case od::json_type::number: {
            out.type = kind::number;
            std::string_view raw = v.raw_json_token();
            while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' || raw.back() == '\t')) {
                raw.remove_suffix(1);
            }
            out.text = raw;
            return simdjson::SUCCESS;
        }
        case od::json_type::boolean: {
            out.type = kind::boolean;
            bool b = false;
            if (const auto e = v.get_bool().get(b)) {
                return e;
            }
            out.text = b ? "true" : "false";
            return simdjson::SUCCESS;
        }
        case od::json_type::null: {
            out.type = kind::null;
            bool is_null = false;
            if (const auto e = v.is_null().get(is_null)) {
                return e;
            }
            return is_null ? simdjson::SUCCESS : simdjson::INCORRECT_TYPE;
        }
        default:
            return simdjson::INCORRECT_TYPE;
    }
}

// Reads every member of `obj`: scalars into `out`, objects and arrays to
// `nested(std::string_view key, od::value& v, od::json_type t) -> simdjson::error_code`
// (which may leave them unread: on-demand skips them).
template <class Nested>
simdjson::error_code read_object(od::object obj, fields& out, Nested&& nested) {
    for (auto member : obj) {
        std::string_view key;
        if (const auto e = member.unescaped_key().get(key)) {
            return e;
        }
        od::value v;
        if (const auto e = member.value().get(v)) {
            return e;
        }
        od::json_type t{};
        if (const auto e = v.type().get(t)) {
            return e;
        }
        if (t == od::json_type::object || t == od::json_type::array) {
            if (const auto e = nested(key, v, t)) {
                return e;
            }
            continue;
        }
        scalar s;
        if (const auto e = read_scalar(v, t, s)) {
            return e;
        }
        out.add(key, s);
    }
    return simdjson::SUCCESS;
}

inline simdjson::error_code read_object(od::object obj, fields& out) {
    return read_object(obj, out, [](std::string_view, od::value&, od::json_type) { return simdjson::SUCCESS; });
}

// Each element of `arr` that is an object goes to `element(od::object)`; other elements are errors.
template <class Element>
simdjson::error_code for_each_object(od::array arr, Element&& element) {
    for (auto item : arr) {
        od::object obj;
        if (const auto e = item.get_object().get(obj)) {
            return e;
        }
        if (const auto e = element(obj)) {
            return e;
        }
    }
    return simdjson::SUCCESS;
}

// Typed access to `fields` that remembers the first problem instead of throwing, so a codec
// reads everything and then checks ok() once.
class extractor {
public:
    // Without fields: only the overloads that take the scalar (found by the caller) are usable.
    extractor() noexcept = default;
    explicit extractor(const fields& f) noexcept : f_{&f} {}

    [[nodiscard]] bool ok() const noexcept { return error_.empty(); }
    [[nodiscard]] const std::string& error() const noexcept { return error_; }
    void fail(std::string_view key, std::string_view what) {
        if (error_.empty()) {
            error_.append("field '").append(key).append("': ").append(what);
        }
    }

    // Present and not null.
    [[nodiscard]] bool has(std::string_view key) const noexcept { return has(find(key)); }
    [[nodiscard]] static bool has(const scalar* s) noexcept { return s != nullptr && s->type != kind::null; }

    std::string_view str(std::string_view key) { return str(key, find(key)); }
    std::string_view str(std::string_view key, const scalar* s) {
        if (s == nullptr || s->type != kind::string) {
            fail(key, s == nullptr ? "missing" : "not a string");
            return {};
        }
        return s->text;
    }
    // Missing or null -> "".
    std::string_view opt_str(std::string_view key) { return opt_str(key, find(key)); }
    std::string_view opt_str(std::string_view key, const scalar* s) {
        if (s == nullptr || s->type == kind::null) {
            return {};
        }
        if (s->type != kind::string) {
            fail(key, "not a string");
            return {};
        }
        return s->text;
    }

    // Money arrives as a string ("60000.10"); a bare JSON number is accepted too.
    core::decimal dec(std::string_view key) { return dec(key, find(key)); }
    core::decimal dec(std::string_view key, const scalar* s) {
        if (s == nullptr || s->type == kind::null) {
            fail(key, "missing");
            return {};
        }
        return parse_dec(key, *s);
    }
    // Missing, null or "" -> nullopt: Bybit sends "" for "no value", which is not zero.
    std::optional<core::decimal> opt_dec(std::string_view key) { return opt_dec(key, find(key)); }
    std::optional<core::decimal> opt_dec(std::string_view key, const scalar* s) {
        if (s == nullptr || s->type == kind::null || (s->type == kind::string && s->text.empty())) {
            return std::nullopt;
        }
        return parse_dec(key, *s);
    }
    // For fields where "none yet" is naturally zero (cumulative quantities, fees).
    core::decimal dec_or_zero(std::string_view key) { return opt_dec(key).value_or(core::decimal{}); }

    // Integers arrive as numbers (Binance ids, times) or as strings (Bybit times, Binance's
    // listenKeyExpired "E"); both are accepted.
    std::int64_t int64(std::string_view key) { return int64(key, find(key)); }
    std::int64_t int64(std::string_view key, const scalar* s) {
        if (s == nullptr || (s->type != kind::number && s->type != kind::string)) {
            fail(key, s == nullptr ? "missing" : "not an integer");
            return 0;
        }
        // Up to 18 digits cannot overflow: read them directly (from_chars is several times
        // slower on the hot frames' timestamps); anything else goes to from_chars.
        const std::string_view t = s->text;
        if (!t.empty() && t.size() <= 18) {
            const bool negative = t[0] == '-';
            const char* first = t.data() + (negative ? 1 : 0);
            std::uint64_t v = 0;
            const std::size_t k = core::digits::read(first, t.data() + t.size(), v);
            if (k > 0 && first + k == t.data() + t.size()) {
                return negative ? -static_cast<std::int64_t>(v) : static_cast<std::int64_t>(v);
            }
        }
        std::int64_t value = 0;
        const char* end = s->text.data() + s->text.size();
        const auto [ptr, ec] = std::from_chars(s->text.data(), end, value);
        if (ec != std::errc{} || ptr != end || s->text.empty()) {
            fail(key, "not an integer");
            return 0;
        }
        return value;
    }
    std::optional<std::int64_t> opt_int64(std::string_view key) { return opt_int64(key, find(key)); }
    std::optional<std::int64_t> opt_int64(std::string_view key, const scalar* s) {
        if (s == nullptr || s->type == kind::null || (s->type == kind::string && s->text.empty())) {
            return std::nullopt;
        }
        return int64(key, s);
    }

    // Venue times: integer milliseconds since the epoch. One that events::time_point cannot hold
    // fails here (core::time_from_ms), so the frame is malformed rather than an overflow.
    events::time_point time(std::string_view key) { return time(key, find(key)); }
    events::time_point time(std::string_view key, const scalar* s) { return to_time(key, int64(key, s)); }
    // Missing, null or "" -> nullopt.
    std::optional<events::time_point> opt_time(std::string_view key) { return opt_time(key, find(key)); }
    std::optional<events::time_point> opt_time(std::string_view key, const scalar* s) {
        const auto ms = opt_int64(key, s);
        if (!ms) {
            return std::nullopt;
        }
        return to_time(key, *ms);
    }
    // `ms` already read from member `key` (e.g. compared with another time first).
    events::time_point to_time(std::string_view key, std::int64_t ms) {
        const auto t = core::time_from_ms(ms);
        if (!t) {
            fail(key, "time out of range");
            return {};
        }
        return *t;
    }

    bool boolean(std::string_view key) {
        const auto* s = find(key);
        if (s == nullptr || s->type != kind::boolean) {
            fail(key, s == nullptr ? "missing" : "not a boolean");
            return false;
        }
        return s->text == "true";
    }
    bool opt_boolean(std::string_view key, bool fallback) {
        const auto* s = find(key);
        if (s == nullptr || s->type == kind::null) {
            return fallback;
        }
        return boolean(key);
    }

private:
    [[nodiscard]] const scalar* find(std::string_view key) const noexcept {
        return f_ == nullptr ? nullptr : f_->find(key);
    }
    core::decimal parse_dec(std::string_view key, const scalar& s) {
        if (s.type != kind::string && s.type != kind::number) {
            fail(key, "not a decimal");
            return {};
        }
        if (auto d = core::decimal::parse(s.text)) {
            return *d;
        }
        fail(key, "not a decimal");
        return {};
    }

    const fields* f_ = nullptr;
    std::string error_;
};

// The key of an object member as it is on the wire (between the quotes), without unescaping:
// nullopt when it holds an escape or is unterminated (needs the zeroed padding of pad()), so a
// hot-path caller can hand the frame to the generic pass.
inline std::optional<std::string_view> raw_key(od::raw_json_string k) noexcept {
    const char* begin = k.raw();
    const char* p = begin;
    while (*p != '"') {
        // A truncated frame can end inside a key: the zeroed padding stops the scan there.
        if (*p == '\\' || *p == '\0') {
            return std::nullopt;
        }
        ++p;
    }
    return std::string_view{begin, static_cast<std::size_t>(p - begin)};
}

// One member of an object on the hot path: its raw key and its value, not yet read.
struct raw_member {
    std::string_view key;
    od::value value;
    od::json_type type{};
};

// Walks `obj` for the hot paths of both codecs; scalars go to `on_scalar(key, scalar)`, nested
// values to `on_nested(raw_member&)`, which returns false to give up. Every scalar is read, as
// the generic pass does, so a bad atom is caught the same way. False: leave the frame to the
// generic pass.
template <class OnScalar, class OnNested>
bool scan_members(od::object obj, OnScalar&& on_scalar, OnNested&& on_nested) {
    for (auto member : obj) {
        od::raw_json_string k;
        if (member.key().get(k)) {
            return false;
        }
        const auto key = raw_key(k);
        if (!key) {
            return false;
        }
        raw_member m{*key, {}, {}};
        if (member.value().get(m.value) || m.value.type().get(m.type)) {
            return false;
        }
        if (m.type == od::json_type::object || m.type == od::json_type::array) {
            if (!on_nested(m)) {
                return false;
            }
            continue;
        }
        scalar s;
        if (read_scalar(m.value, m.type, s)) {
            return false;
        }
        on_scalar(*key, s);
    }
    return true;
}

// Copies `frame` into `buffer` with simdjson's zeroed padding behind it, so the parser may read
// past the end without touching foreign memory (frames from the socket have no padding).
// True when nothing but whitespace follows the value just read (simdjson 3.0 has no
// document::at_end(); current_location() reports OUT_OF_BOUNDS there).
inline bool at_end(od::document& doc) noexcept {
    const char* where = nullptr;
    return doc.current_location().get(where) == simdjson::OUT_OF_BOUNDS;
}

inline simdjson::padded_string_view pad(std::string_view frame, std::string& buffer) {
    buffer.assign(frame);
    buffer.append(simdjson::SIMDJSON_PADDING, '\0');
    return simdjson::padded_string_view(buffer.data(), frame.size(), buffer.size());
}

}  // namespace tradebot::exchange::json

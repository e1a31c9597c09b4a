#pragma once

// The hot market frames in one pass over their bytes, before simdjson is started at all: for a
// ~200-byte frame, simdjson's whole-document stage 1 costs more than the frame's fields. It takes
// only the plain shape those frames have: one object of scalar members, with at most one nested
// object, "data", of scalar members; ASCII strings without escapes; numbers by the JSON grammar;
// nothing after the closing brace but whitespace. Anything else (an escape, a byte >= 0x80, a
// control character, an array, deeper nesting, a grammar error, a truncated frame) returns false
// and the caller runs the simdjson path on the same bytes. A frame this accepts is valid JSON that
// simdjson reads with exactly these members and values, so the two paths cannot disagree.

#include <cstddef>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "exchange/json_scan.hpp"

namespace tradebot::exchange::json {

namespace flat_detail {

// Every step is forced inline so the whole walk keeps the cursor in registers.
struct cursor {
    const char* p;
    const char* end;

    [[gnu::always_inline]] inline void skip_ws() noexcept {
        // One comparison for the usual case: no whitespace byte is above ' '.
        while (p != end && static_cast<unsigned char>(*p) <= ' ' &&
               (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) {
            ++p;
        }
    }
    [[nodiscard, gnu::always_inline]] inline bool eat(char c) noexcept {
        if (p != end && *p == c) {
            ++p;
            return true;
        }
        return false;
    }
    [[nodiscard, gnu::always_inline]] inline bool digit() const noexcept { return p != end && *p >= '0' && *p <= '9'; }
    [[gnu::always_inline]] inline void digits() noexcept {
        while (digit()) {
            ++p;
        }
    }

    // After the opening quote; the text up to the closing one.
    [[nodiscard, gnu::always_inline]] inline bool string(std::string_view& out) noexcept {
        const char* begin = p;
#if defined(__SSE2__)
        // 16 bytes at a time to the first byte that is '"', '\\', a control character or >= 0x80
        // (the last two are the bytes below 0x20 in a signed comparison); the loop below judges it.
        const __m128i quote = _mm_set1_epi8('"');
        const __m128i backslash = _mm_set1_epi8('\\');
        const __m128i space = _mm_set1_epi8(0x20);
        while (end - p >= 16) {
            const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i_u*>(p));
            const __m128i stop = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(chunk, quote), _mm_cmpeq_epi8(chunk, backslash)),
                _mm_cmplt_epi8(chunk, space)
            );
            const auto mask = static_cast<unsigned>(_mm_movemask_epi8(stop));
            if (mask != 0) {
                p += __builtin_ctz(mask);
                break;
            }
            p += 16;
        }
#endif
        while (p != end) {
            const auto c = static_cast<unsigned char>(*p);
            if (c == '"') {
                out = {begin, static_cast<std::size_t>(p - begin)};
                ++p;
                return true;
            }
            if (c == '\\' || c < 0x20 || c >= 0x80) {
                return false;
            }
            ++p;
        }
        return false;
    }

    // -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?
    [[nodiscard, gnu::always_inline]] inline bool number(std::string_view& out) noexcept {
        const char* begin = p;
        (void)eat('-');
        if (eat('0')) {
            // a leading zero stands alone
        } else if (digit()) {
            digits();
        } else {
            return false;
        }
        if (eat('.')) {
            if (!digit()) {
                return false;
            }
            digits();
        }
        if (p != end && (*p == 'e' || *p == 'E')) {
            ++p;
            if (!eat('+')) {
                (void)eat('-');
            }
            if (!digit()) {
                return false;
            }
            digits();
        }
        out = {begin, static_cast<std::size_t>(p - begin)};
        return true;
    }

    // The literal `word` as a scalar of kind `k` (its text: the word, "" for null).
    [[nodiscard, gnu::always_inline]] inline bool literal(std::string_view word, kind k, scalar& out) noexcept {
        if (static_cast<std::size_t>(end - p) < word.size() || std::string_view{p, word.size()} != word) {
            return false;
        }
        p += word.size();
        out.type = k;
        out.text = k == kind::null ? std::string_view{""} : word;
        return true;
    }

    // A scalar value at p (not an object or array).
    [[nodiscard, gnu::always_inline]] inline bool value(scalar& out) noexcept {
        if (p == end) {
            return false;
        }
        switch (*p) {
        case '"':
            ++p;
            out.type = kind::string;
            return string(out.text);
        case 't':
            return literal("true", kind::boolean, out);
        case 'f':
            return literal("false", kind::boolean, out);
        case 'n':
            return literal("null", kind::null, out);
        default:
            out.type = kind::number;
            return number(out.text);
        }
    }
};

}  // namespace flat_detail

// True when `text` has the plain shape above; on_key(key, nested) -> json::scalar* has then been
// asked for every scalar member, in wire order, and says where its value goes (nullptr: a member
// nobody reads). The value is written there directly, never copied through a temporary (a copy
// of a just-written scalar stalls on store forwarding). on_nested(key) -> bool is asked before
// "data" is entered (false: decline the frame). A slot may be written even when the frame is
// declined later. One loop, no recursion: the one level of nesting is a flag.
template <class OnKey, class OnNested>
[[nodiscard]] bool flat_scan(std::string_view text, OnKey&& on_key, OnNested&& on_nested) {
    flat_detail::cursor c{text.data(), text.data() + text.size()};
    c.skip_ws();
    if (!c.eat('{')) {
        return false;
    }
    bool nested = false;
    c.skip_ws();
    if (!c.eat('}')) {
        while (true) {
            std::string_view key;
            if (!c.eat('"') || !c.string(key)) {
                return false;
            }
            c.skip_ws();
            if (!c.eat(':')) {
                return false;
            }
            c.skip_ws();
            if (c.p != c.end && *c.p == '{') {
                if (nested || key != "data" || !on_nested(key)) {
                    return false;
                }
                ++c.p;
                c.skip_ws();
                if (!c.eat('}')) {
                    nested = true;
                    continue;  // the first member of "data"
                }
            } else {
                json::scalar unused;
                json::scalar* into = on_key(key, nested);
                if (!c.value(into != nullptr ? *into : unused)) {
                    return false;
                }
            }
            // After a member: more members of this object, or its end (and after the end of
            // "data", more members of the outer object, or the outer end).
            c.skip_ws();
            while (!c.eat(',')) {
                if (!c.eat('}')) {
                    return false;
                }
                if (!nested) {
                    c.skip_ws();
                    return c.p == c.end;
                }
                nested = false;
                c.skip_ws();
            }
            c.skip_ws();
        }
    }
    c.skip_ws();
    return c.p == c.end;
}


}  // namespace tradebot::exchange::json

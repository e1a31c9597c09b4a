#include "logging/escape.hpp"

namespace tradebot::logging {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

void append_hex_byte(spdlog::memory_buf_t& out, std::string_view prefix, unsigned char c) {
    append(out, prefix);
    out.push_back(hex_digits[c >> 4U]);
    out.push_back(hex_digits[c & 0xFU]);
}

[[nodiscard]] bool bare_kv_char(unsigned char c) noexcept {
    return c > 0x20 && c < 0x7f && c != '"' && c != '=' && c != '\\';
}

[[nodiscard]] bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// RFC 8259 number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
[[nodiscard]] bool is_json_number(std::string_view s) noexcept {
    std::size_t i = 0;
    const auto digits = [&] {
        const std::size_t start = i;
        while (i < s.size() && is_digit(s[i])) {
            ++i;
        }
        return i > start;
    };
    if (i < s.size() && s[i] == '-') {
        ++i;
    }
    if (i < s.size() && s[i] == '0') {
        ++i;
    } else if (!digits()) {
        return false;
    }
    if (i < s.size() && s[i] == '.') {
        ++i;
        if (!digits()) {
            return false;
        }
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
            ++i;
        }
        if (!digits()) {
            return false;
        }
    }
    return i == s.size();
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) noexcept {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char c = byte(pos);
    if (c < 0x80) {
        return 1;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        lo = c == 0xe0 ? 0xa0 : 0x80;  // no overlong forms
        hi = c == 0xed ? 0x9f : 0xbf;  // no surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        lo = c == 0xf0 ? 0x90 : 0x80;
        hi = c == 0xf4 ? 0x8f : 0xbf;  // nothing above U+10FFFF
    } else {
        return 0;
    }
    if (text.size() - pos < len) {
        return 0;
    }
    if (byte(pos + 1) < lo || byte(pos + 1) > hi) {
        return 0;
    }
    for (std::size_t i = 2; i < len; ++i) {
        if (byte(pos + i) < 0x80 || byte(pos + i) > 0xbf) {
            return 0;
        }
    }
    return len;
}

void append_kv_quoted(spdlog::memory_buf_t& out, std::string_view value) {
    out.push_back('"');
    for (std::size_t i = 0; i < value.size();) {
        const auto c = static_cast<unsigned char>(value[i]);
        switch (c) {
            case '"': append(out, "\\\""); break;
            case '\\': append(out, "\\\\"); break;
            case '\n': append(out, "\\n"); break;
            case '\r': append(out, "\\r"); break;
            case '\t': append(out, "\\t"); break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    append_hex_byte(out, "\\x", c);
                } else if (c >= 0x80) {
                    const std::size_t len = utf8_sequence_length(value, i);
                    if (len == 0) {
                        append_hex_byte(out, "\\x", c);
                    } else {
                        append(out, value.substr(i, len));
                        i += len;
                        continue;
                    }
                } else {
                    out.push_back(static_cast<char>(c));
                }
        }
        ++i;
    }
    out.push_back('"');
}

void append_kv_value(spdlog::memory_buf_t& out, std::string_view value) {
    bool bare = !value.empty();
    for (const char c : value) {
        bare = bare && bare_kv_char(static_cast<unsigned char>(c));
    }
    if (bare) {
        append(out, value);
    } else {
        append_kv_quoted(out, value);
    }
}

void append_key(spdlog::memory_buf_t& out, std::string_view key) {
    if (key.empty()) {
        out.push_back('_');
        return;
    }
    for (const char c : key) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' || c == '.' || c == '-';
        out.push_back(ok ? c : '_');
    }
}

void append_json_string(spdlog::memory_buf_t& out, std::string_view value) {
    out.push_back('"');
    for (std::size_t i = 0; i < value.size();) {
        const auto c = static_cast<unsigned char>(value[i]);
        switch (c) {
            case '"': append(out, "\\\""); break;
            case '\\': append(out, "\\\\"); break;
            case '\n': append(out, "\\n"); break;
            case '\r': append(out, "\\r"); break;
            case '\t': append(out, "\\t"); break;
            case '\b': append(out, "\\b"); break;
            case '\f': append(out, "\\f"); break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    append_hex_byte(out, "\\u00", c);
                } else if (c >= 0x80) {
                    const std::size_t len = utf8_sequence_length(value, i);
                    if (len == 0) {
                        append(out, "\\ufffd");
                    } else {
                        append(out, value.substr(i, len));
                        i += len;
                        continue;
                    }
                } else {
                    out.push_back(static_cast<char>(c));
                }
        }
        ++i;
    }
    out.push_back('"');
}

void append_json_raw(spdlog::memory_buf_t& out, std::string_view value) {
    if (value == "true" || value == "false" || value == "null" || is_json_number(value)) {
        append(out, value);
    } else {
        append_json_string(out, value);
    }
}

}  // namespace tradebot::logging

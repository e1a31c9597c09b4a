#pragma once

#include <cstddef>
#include <string_view>

#include <spdlog/common.h>

namespace tradebot::logging {

inline void append(spdlog::memory_buf_t& out, std::string_view text) { out.append(text.data(), text.data() + text.size()); }

// Length of the well-formed UTF-8 sequence starting at text[pos], or 0 if it is not one
// (overlong forms, surrogates and code points above U+10FFFF are rejected).
[[nodiscard]] std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) noexcept;

// key=value text: written bare when it is printable ASCII without space, quote, '=' or '\\';
// otherwise quoted with \" \\ \n \r \t, \xNN for other control bytes and invalid UTF-8.
void append_kv_value(spdlog::memory_buf_t& out, std::string_view value);
void append_kv_quoted(spdlog::memory_buf_t& out, std::string_view value);
// Field names are restricted to [A-Za-z0-9_.-]; anything else becomes '_'.
void append_key(spdlog::memory_buf_t& out, std::string_view key);

// A JSON string literal; invalid UTF-8 becomes U+FFFD so every line stays valid JSON.
void append_json_string(spdlog::memory_buf_t& out, std::string_view value);
// `value` unquoted when it is a JSON number, true, false or null; otherwise a JSON string.
void append_json_raw(spdlog::memory_buf_t& out, std::string_view value);

}  // namespace tradebot::logging

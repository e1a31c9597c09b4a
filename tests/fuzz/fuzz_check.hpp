#pragma once

// What the fuzz targets share: a failed property is a crash (libFuzzer then saves the input),
// and an input of several frames is split at newlines.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace tradebot::fuzz {

// abort() rather than an exception: libFuzzer reports the input and the stack of an abort.
[[noreturn]] inline void fail(std::string_view what, std::string_view a = {}, std::string_view b = {}) {
    std::fprintf(stderr, "fuzz property failed: %.*s\n  first:  %.*s\n  second: %.*s\n", static_cast<int>(what.size()),
                 what.data(), static_cast<int>(a.size()), a.data(), static_cast<int>(b.size()), b.data());
    std::abort();
}

inline void check(bool ok, std::string_view what) {
    if (!ok) {
        fail(what);
    }
}

inline void same(const std::string& a, const std::string& b, std::string_view what) {
    if (a != b) {
        fail(what, a, b);
    }
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) noexcept {
    return {reinterpret_cast<const char*>(data), size};  // NOLINT: libFuzzer's bytes as text
}

// At most `limit` newline-separated parts (the last one keeps the rest of the input).
inline std::vector<std::string_view> split_lines(std::string_view text, std::size_t limit) {
    std::vector<std::string_view> out;
    while (out.size() + 1 < limit) {
        const auto nl = text.find('\n');
        if (nl == std::string_view::npos) {
            break;
        }
        out.push_back(text.substr(0, nl));
        text.remove_prefix(nl + 1);
    }
    out.push_back(text);
    return out;
}

}  // namespace tradebot::fuzz

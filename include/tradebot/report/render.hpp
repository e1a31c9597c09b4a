#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "tradebot/report/performance.hpp"

// The forms of `tradebot report`: a text summary for the terminal, JSON for scripts, CSV (one
// row per closed position, for a spreadsheet) and one self-contained HTML page (inline CSS and
// SVG charts, no external asset, opens from disk).
namespace tradebot::report {

enum class format : std::uint8_t { text, json, csv, html };

[[nodiscard]] std::optional<format> parse_format(std::string_view text) noexcept;

struct render_options {
    std::string mode;  // "production" | "test": whose trades these are
    time_point generated_at{};
};

[[nodiscard]] std::string render_text(const performance& p, const render_options& o);
[[nodiscard]] std::string render_json(const performance& p, const render_options& o);
[[nodiscard]] std::string render_csv(const performance& p);
[[nodiscard]] std::string render_html(const performance& p, const render_options& o);
[[nodiscard]] std::string render(const performance& p, format f, const render_options& o);

// "12.50" for a value, "n/a" for none.
[[nodiscard]] std::string text_or_na(const std::optional<core::decimal>& d);

}  // namespace tradebot::report

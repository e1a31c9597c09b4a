#pragma once

#include <string>
#include <string_view>

#include "tradebot/core/decimal.hpp"

// Text helpers the backtest's reports (text/JSON/CSV, HTML, the grid) share.
namespace tradebot::backtest {

// The decimal without trailing zeros: "1.5", not "1.50000000".
[[nodiscard]] std::string num(core::decimal d);
// A JSON string body: quotes and backslashes escaped, control characters as \u00XX.
[[nodiscard]] std::string json_escape(std::string_view s);
// Text for HTML content and attribute values.
[[nodiscard]] std::string html_escape(std::string_view s);
// The start of a self-contained report page up to its <h1>: the reports' shared style (tables,
// chart frames and axes, win/loss colours) plus `extra_css`.
[[nodiscard]] std::string html_page_start(std::string_view title, std::string_view extra_css);

}  // namespace tradebot::backtest

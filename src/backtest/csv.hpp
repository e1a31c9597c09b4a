#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tradebot::backtest::csv {

// The fields of one CSV line: comma-separated, blanks around a field trimmed, a field in double
// quotes may hold commas ("" is a quote). Enough for the dumps and signal exports we read.
[[nodiscard]] std::vector<std::string> split(std::string_view line);

// The line without a trailing '\r' (files written on Windows).
[[nodiscard]] std::string_view chomp(std::string_view line);

// Lower-case ASCII.
[[nodiscard]] std::string lower(std::string_view s);

}  // namespace tradebot::backtest::csv

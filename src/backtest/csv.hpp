#pragma once

#include <filesystem>
#include <fstream>
#include <optional>
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

// The non-blank lines of a CSV file, split into fields (split), with their line numbers.
class line_reader {
public:
    explicit line_reader(const std::filesystem::path& file);

    // "<file>: cannot open" when the file cannot be read.
    [[nodiscard]] std::optional<std::string> open_error() const;
    // The next non-blank line's fields; false at the end of the file.
    bool next(std::vector<std::string>& fields);
    // The line number (from 1) of the fields next() gave last.
    [[nodiscard]] int line() const noexcept { return line_; }

private:
    std::filesystem::path file_;
    std::ifstream in_;
    std::string text_;
    int line_ = 0;
};

}  // namespace tradebot::backtest::csv

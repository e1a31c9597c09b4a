#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "backtest/csv.hpp"
#include "tradebot/backtest/price_history.hpp"

namespace tradebot::backtest {

// The files an input argument names: the file itself, or the directory's regular files with one of
// `extensions`, sorted by name (the venues' dumps are named by date, so names sort in time order).
// The error names the path.
loaded<std::vector<std::filesystem::path>> input_files(const std::filesystem::path& path,
                                                       const std::vector<std::string_view>& extensions);

// Reads one file of per-symbol bars, opened as `rows`, for the symbol its name starts with
// (BTCUSDT-1m-2024-01.csv).
using bar_file_reader =
    std::function<loaded<kline_series>(csv::line_reader& rows, const std::filesystem::path&, const core::symbol&)>;

// What load_bar_files says about its inputs in errors.
struct bar_files_wording {
    std::string_view example_name;   // a file name that starts with a symbol
    std::string_view empty;          // "no bars", "no trades"
    std::string_view overlap_hint;   // appended to the overlap error, may be empty
};

// Every file of `path` opened, read by `read` and appended to its symbol's series; files of one symbol must
// follow each other in time. `progress` (may be empty) hears (files done, files in all).
loaded<price_history> load_bar_files(const std::filesystem::path& path, const bar_file_reader& read,
                                     const bar_files_wording& wording,
                                     const std::function<void(std::size_t, std::size_t)>& progress = {});

}  // namespace tradebot::backtest

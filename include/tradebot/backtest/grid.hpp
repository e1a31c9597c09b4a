#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tradebot/backtest/report.hpp"
#include "tradebot/backtest/runner.hpp"

namespace tradebot::backtest {

// A parameter sweep (`--grid KEY=V1,V2,...`, repeatable): every combination of the axes' values
// is one cell, a whole backtest with those overrides.
struct grid_axis {
    std::string key;
    std::vector<std::string> values;
};

// "protection.stop_loss.percent=1,2,3" -> the axis; nullopt when there is no '=' or no value.
[[nodiscard]] std::optional<grid_axis> parse_grid_axis(std::string_view text);

// The cells in grid order (the last axis varies fastest): each cell's key=value pairs.
[[nodiscard]] std::vector<std::vector<std::pair<std::string, std::string>>> grid_cells(
    const std::vector<grid_axis>& axes);

struct grid_cell_result {
    std::vector<std::pair<std::string, std::string>> params;
    statistics stats;
    core::decimal final_equity;
};

// Runs one backtest per cell (`settings[i]` is cell i's configuration) on `jobs` threads. Each
// cell is independent and deterministic: any number of jobs gives the same results.
// `progress(done, total)` is called from the calling thread.
[[nodiscard]] std::vector<grid_cell_result> run_grid(
    const std::vector<config::settings>& settings, const std::vector<std::vector<std::pair<std::string, std::string>>>& cells,
    const price_history& prices, const std::vector<signal_line>& signals, const run_options& options, unsigned jobs,
    const std::function<void(std::size_t, std::size_t)>& progress);

// The cells ranked by net PnL (best first; ties by grid order).
[[nodiscard]] std::vector<std::size_t> grid_ranking(const std::vector<grid_cell_result>& cells);

[[nodiscard]] std::string grid_json(const std::vector<grid_axis>& axes, const std::vector<grid_cell_result>& cells,
                                    intrabar order);
[[nodiscard]] std::string grid_csv(const std::vector<grid_axis>& axes, const std::vector<grid_cell_result>& cells);
// The ranking table and, with two or more axes, a heat map of net PnL over the first two.
[[nodiscard]] std::string grid_html(const std::vector<grid_axis>& axes, const std::vector<grid_cell_result>& cells,
                                    intrabar order);

}  // namespace tradebot::backtest

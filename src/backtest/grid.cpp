#include "tradebot/backtest/grid.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace tradebot::backtest {

std::optional<grid_axis> parse_grid_axis(std::string_view text) {
    const auto eq = text.find('=');
    if (eq == std::string_view::npos || eq == 0) return std::nullopt;
    grid_axis axis;
    axis.key = std::string{text.substr(0, eq)};
    auto rest = text.substr(eq + 1);
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        const auto value = rest.substr(0, comma);
        if (value.empty()) return std::nullopt;
        axis.values.emplace_back(value);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        if (comma != std::string_view::npos && rest.empty()) return std::nullopt;  // "a=1,"
    }
    if (axis.values.empty()) return std::nullopt;
    return axis;
}

std::vector<std::vector<std::pair<std::string, std::string>>> grid_cells(const std::vector<grid_axis>& axes) {
    std::vector<std::vector<std::pair<std::string, std::string>>> cells{{}};
    for (const auto& axis : axes) {
        std::vector<std::vector<std::pair<std::string, std::string>>> next;
        for (const auto& cell : cells) {
            for (const auto& v : axis.values) {
                auto c = cell;
                c.emplace_back(axis.key, v);
                next.push_back(std::move(c));
            }
        }
        cells = std::move(next);
    }
    return cells;
}

std::vector<grid_cell_result> run_grid(const std::vector<config::settings>& settings,
                                       const std::vector<std::vector<std::pair<std::string, std::string>>>& cells,
                                       const price_history& prices, const std::vector<signal_line>& signals,
                                       const run_options& options, unsigned jobs,
                                       const std::function<void(std::size_t, std::size_t)>& progress) {
    std::vector<grid_cell_result> out(settings.size());
    std::atomic<std::size_t> next{0};
    std::mutex m;
    std::condition_variable cv;
    std::size_t done = 0;
    run_options cell_options = options;
    cell_options.progress = nullptr;  // the sweep reports cells, not minutes
    const auto worker = [&] {
        for (auto i = next++; i < settings.size(); i = next++) {
            auto r = run(settings[i], prices, signals, cell_options);
            grid_cell_result c{cells[i], summarize(r), r.final_equity};
            const std::lock_guard lock{m};
            out[i] = std::move(c);
            ++done;
            cv.notify_one();
        }
    };
    jobs = std::max(1U, std::min<unsigned>(jobs, static_cast<unsigned>(settings.size())));
    std::vector<std::thread> threads;
    for (unsigned j = 0; j < jobs; ++j) threads.emplace_back(worker);
    {
        std::unique_lock lock{m};
        std::size_t reported = 0;
        while (reported < settings.size()) {
            cv.wait(lock, [&] { return done > reported; });
            reported = done;
            if (progress) progress(reported, settings.size());
        }
    }
    for (auto& t : threads) t.join();
    return out;
}

std::vector<std::size_t> grid_ranking(const std::vector<grid_cell_result>& cells) {
    std::vector<std::size_t> order(cells.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return cells[a].stats.net_pnl > cells[b].stats.net_pnl; });
    return order;
}

}  // namespace tradebot::backtest

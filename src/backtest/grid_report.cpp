#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "backtest/format.hpp"
#include "tradebot/backtest/grid.hpp"

namespace tradebot::backtest {

namespace {

std::string ratio(const std::optional<double>& v) { return v ? fmt::format("{:.4f}", *v) : std::string{"null"}; }

// Red (worst) through white (zero) to green (best), for a heat-map cell.
std::string colour(double v, double lo, double hi) {
    if (v >= 0) {
        const double f = hi > 0 ? v / hi : 0;
        const int c = 255 - static_cast<int>(f * 155);
        return fmt::format("rgb({},{},{})", c, 255, c);
    }
    const double f = lo < 0 ? v / lo : 0;
    const int c = 255 - static_cast<int>(f * 155);
    return fmt::format("rgb({},{},{})", 255, c, c);
}

}  // namespace

std::string grid_json(const std::vector<grid_axis>& axes, const std::vector<grid_cell_result>& cells, intrabar order) {
    std::string o = fmt::format("{{\n  \"intrabar\": \"{}\",\n  \"axes\": [", to_string(order));
    for (std::size_t i = 0; i < axes.size(); ++i) {
        o += fmt::format("{}{{\"key\": \"{}\", \"values\": [", i ? ", " : "", json_escape(axes[i].key));
        for (std::size_t j = 0; j < axes[i].values.size(); ++j) {
            o += fmt::format("{}\"{}\"", j ? ", " : "", json_escape(axes[i].values[j]));
        }
        o += "]}";
    }
    o += "],\n  \"ranking\": [";
    const auto rank = grid_ranking(cells);
    for (std::size_t i = 0; i < rank.size(); ++i) o += fmt::format("{}{}", i ? ", " : "", rank[i]);
    o += "],\n  \"cells\": [";
    for (std::size_t i = 0; i < cells.size(); ++i) {
        const auto& c = cells[i];
        const auto& s = c.stats;
        o += fmt::format("{}\n    {{\"cell\": {}, \"params\": {{", i ? "," : "", i);
        for (std::size_t j = 0; j < c.params.size(); ++j) {
            o += fmt::format("{}\"{}\": \"{}\"", j ? ", " : "", json_escape(c.params[j].first), json_escape(c.params[j].second));
        }
        o += fmt::format(
            "}}, \"trades\": {}, \"win_rate\": {:.4f}, \"profit_factor\": {}, \"net_pnl\": {}, \"fees\": {}, "
            "\"max_drawdown\": {}, \"sharpe\": {}, \"sortino\": {}, \"final_equity\": {}}}",
            s.trades, s.win_rate, ratio(s.profit_factor), num(s.net_pnl), num(s.fees), num(s.max_drawdown),
            ratio(s.sharpe), ratio(s.sortino), num(c.final_equity));
    }
    o += cells.empty() ? "]\n}\n" : "\n  ]\n}\n";
    return o;
}

std::string grid_csv(const std::vector<grid_axis>& axes, const std::vector<grid_cell_result>& cells) {
    std::string o = "rank,cell";
    for (const auto& a : axes) o += "," + a.key;
    o += ",trades,win_rate,profit_factor,net_pnl,fees,max_drawdown,sharpe,sortino\n";
    const auto rank = grid_ranking(cells);
    for (std::size_t r = 0; r < rank.size(); ++r) {
        const auto& c = cells[rank[r]];
        o += fmt::format("{},{}", r + 1, rank[r]);
        for (const auto& p : c.params) o += "," + p.second;
        const auto& s = c.stats;
        o += fmt::format(",{},{:.4f},{},{},{},{},{},{}\n", s.trades, s.win_rate,
                         s.profit_factor ? fmt::format("{:.4f}", *s.profit_factor) : "", num(s.net_pnl), num(s.fees),
                         num(s.max_drawdown), s.sharpe ? fmt::format("{:.4f}", *s.sharpe) : "",
                         s.sortino ? fmt::format("{:.4f}", *s.sortino) : "");
    }
    return o;
}

std::string grid_html(const std::vector<grid_axis>& axes, const std::vector<grid_cell_result>& cells, intrabar order) {
    std::string o = html_page_start("tradebot backtest sweep", ".heat text{font-size:12px}\n");
    o += fmt::format("<p>{} cells &middot; intrabar order <b id=\"intrabar\">{}</b></p>\n", cells.size(), to_string(order));
    if (axes.size() >= 2 && !cells.empty()) {
        // Net PnL over the first two axes; with more axes, the best cell of each pair is shown.
        const auto& ax = axes[0];
        const auto& ay = axes[1];
        std::map<std::pair<std::string, std::string>, core::decimal> best;
        for (const auto& c : cells) {
            const auto key = std::pair{c.params[0].second, c.params[1].second};
            const auto it = best.find(key);
            if (it == best.end() || c.stats.net_pnl > it->second) best[key] = c.stats.net_pnl;
        }
        double lo = 0;
        double hi = 0;
        for (const auto& [k, v] : best) {
            lo = std::min(lo, std::stod(v.to_string()));
            hi = std::max(hi, std::stod(v.to_string()));
        }
        const int cw = 110;
        const int ch = 40;
        const int left = 140;
        const int top = 64;
        const auto w = left + cw * static_cast<int>(ax.values.size()) + 20;
        const auto h = top + ch * static_cast<int>(ay.values.size()) + 20;
        o += fmt::format("<h2>Net PnL heat map</h2>\n<svg class=\"heat\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\">\n",
                         w, h, w, h);
        o += fmt::format("<text x=\"{}\" y=\"16\">{} &rarr;</text>\n", left, html_escape(ax.key));
        o += fmt::format("<text x=\"4\" y=\"36\">{} &darr;</text>\n", html_escape(ay.key));
        for (std::size_t x = 0; x < ax.values.size(); ++x) {
            o += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                             left + static_cast<int>(x) * cw + cw / 2, top - 4, html_escape(ax.values[x]));
        }
        for (std::size_t y = 0; y < ay.values.size(); ++y) {
            const int py = top + static_cast<int>(y) * ch;
            o += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", left - 6, py + ch / 2 + 4,
                             html_escape(ay.values[y]));
            for (std::size_t x = 0; x < ax.values.size(); ++x) {
                const auto it = best.find({ax.values[x], ay.values[y]});
                if (it == best.end()) continue;
                const double v = std::stod(it->second.to_string());
                const int px = left + static_cast<int>(x) * cw;
                o += fmt::format("<rect class=\"cell\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" "
                                 "stroke=\"#999\"/>\n<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                                 px, py, cw, ch, colour(v, lo, hi), px + cw / 2, py + ch / 2 + 4,
                                 num(it->second.rescale(std::min(it->second.scale(), 2), core::rounding::half_even)));
            }
        }
        o += "</svg>\n";
    }
    o += "<h2>Ranking (net PnL)</h2>\n<table id=\"ranking\"><tr><th>Rank</th>";
    for (const auto& a : axes) o += "<th>" + html_escape(a.key) + "</th>";
    o += "<th>Trades</th><th>Win rate</th><th>Profit factor</th><th>Net PnL</th><th>Fees</th><th>Max drawdown</th>"
         "<th>Sharpe</th></tr>\n";
    const auto rank = grid_ranking(cells);
    for (std::size_t r = 0; r < rank.size(); ++r) {
        const auto& c = cells[rank[r]];
        const auto& s = c.stats;
        o += fmt::format("<tr class=\"cell\"><td>{}</td>", r + 1);
        for (const auto& p : c.params) o += "<td>" + html_escape(p.second) + "</td>";
        o += fmt::format("<td>{}</td><td>{:.1f} %</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                         s.trades, s.win_rate * 100, s.profit_factor ? fmt::format("{:.2f}", *s.profit_factor) : "n/a",
                         num(s.net_pnl), num(s.fees), num(s.max_drawdown),
                         s.sharpe ? fmt::format("{:.2f}", *s.sharpe) : "n/a");
    }
    o += "</table>\n</body></html>\n";
    return o;
}

}  // namespace tradebot::backtest

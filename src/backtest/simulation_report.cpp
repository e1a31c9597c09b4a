#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "backtest/format.hpp"
#include "tradebot/backtest/report.hpp"
#include "tradebot/backtest/simulation.hpp"

namespace tradebot::backtest {

namespace {

using core::decimal;

std::string json_text(std::string_view s) { return "\"" + json_escape(s) + "\""; }

std::string spread_json(const percentiles& p) {
    return fmt::format("{{\"min\": {}, \"p5\": {}, \"p25\": {}, \"p50\": {}, \"p75\": {}, \"p95\": {}, \"max\": {}, "
                       "\"mean\": {}}}",
                       num(p.min), num(p.p5), num(p.p25), num(p.p50), num(p.p75), num(p.p95), num(p.max), num(p.mean));
}

std::string model_name(const simulation_options& o) {
    if (o.model == path_model::scenario && o.scenario != nullptr) return "scenario " + o.scenario->name;
    return std::string{to_string(o.model)};
}

std::string percent(decimal share) { return num(share * decimal::from_int(100)) + " %"; }
std::string cents(decimal d) { return num(d.rescale(2, core::rounding::half_even)); }

constexpr double hist_w = 460;
constexpr double hist_h = 200;
constexpr std::size_t hist_bins = 20;

// A histogram of `values` as one SVG path of bars (drawing only: doubles).
std::string histogram(const std::string& title, const std::string& id, const std::vector<double>& values,
                      const std::string& unit) {
    std::string o = fmt::format("<div class=\"hist\"><h3>{}</h3>\n", html_escape(title));
    if (values.empty()) return o + "<p>No data.</p></div>\n";
    const auto [lo_it, hi_it] = std::minmax_element(values.begin(), values.end());
    double lo = *lo_it;
    double hi = *hi_it;
    if (hi - lo < 1e-9) {
        lo -= 1;
        hi += 1;
    }
    std::vector<std::size_t> counts(hist_bins, 0);
    for (const double v : values) {
        const auto b = static_cast<std::size_t>((v - lo) / (hi - lo) * static_cast<double>(hist_bins));
        ++counts[std::min(b, hist_bins - 1)];
    }
    const auto top = static_cast<double>(*std::max_element(counts.begin(), counts.end()));
    const double plot_w = hist_w - 20;
    const double plot_h = hist_h - 40;
    const double bar_w = plot_w / static_cast<double>(hist_bins);
    std::string d;
    for (std::size_t i = 0; i < hist_bins; ++i) {
        if (counts[i] == 0) continue;
        const double h = static_cast<double>(counts[i]) / top * plot_h;
        const double x = 10 + static_cast<double>(i) * bar_w;
        d += fmt::format("M{:.1f},{:.1f} L{:.1f},{:.1f} L{:.1f},{:.1f} L{:.1f},{:.1f} Z ", x + 1, 10 + plot_h, x + 1,
                         10 + plot_h - h, x + bar_w - 1, 10 + plot_h - h, x + bar_w - 1, 10 + plot_h);
    }
    o += fmt::format("<svg class=\"chart\" id=\"{}\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\">\n", id, hist_w,
                     hist_h, hist_w, hist_h);
    o += fmt::format("<rect x=\"10\" y=\"10\" width=\"{}\" height=\"{}\" class=\"frame\"/>\n", plot_w, plot_h);
    o += fmt::format("<path class=\"bars\" d=\"{}\"/>\n", d);
    o += fmt::format("<text x=\"10\" y=\"{}\" class=\"axis\">{:.2f} {}</text>\n", hist_h - 12, lo, unit);
    o += fmt::format("<text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"end\">{:.2f} {}</text>\n", hist_w - 10,
                     hist_h - 12, hi, unit);
    o += fmt::format("<text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"middle\">the highest bar: {} paths</text>\n",
                     hist_w / 2, hist_h - 12, static_cast<std::size_t>(top));
    return o + "</svg></div>\n";
}

constexpr double fan_w = 960;
constexpr double fan_h = 260;
constexpr std::size_t max_curves = 100;

// The first max_curves paths' equity curves over the run, on one scale.
std::string curves(const std::vector<path_outcome>& outcomes, double start, double ruin_line) {
    // Scaled to the curves: the ruin level is drawn when it is in their range, else named.
    double lo = start;
    double hi = start;
    const auto shown = std::min(outcomes.size(), max_curves);
    for (std::size_t i = 0; i < shown; ++i) {
        for (const double v : outcomes[i].curve) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    }
    if (hi - lo < 1e-9) hi += 1;
    const double plot_w = fan_w - 90;
    const double plot_h = fan_h - 30;
    const auto y_of = [&](double v) { return 10 + (hi - v) / (hi - lo) * plot_h; };
    std::string o = fmt::format("<h2>Equity of the paths (USDT){}</h2>\n",
                                outcomes.size() > shown ? fmt::format(", the first {}", shown) : std::string{});
    o += fmt::format("<p>Dashed grey: the start ({:.0f}); dotted red: the ruin level ({:.0f}){}.</p>\n", start, ruin_line,
                     ruin_line < lo ? ", below every path: not drawn" : "");
    o += fmt::format("<svg class=\"chart\" id=\"curves\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\">\n", fan_w,
                     fan_h, fan_w, fan_h);
    o += fmt::format("<rect x=\"80\" y=\"10\" width=\"{}\" height=\"{}\" class=\"frame\"/>\n", plot_w, plot_h);
    o += fmt::format("<text x=\"75\" y=\"16\" class=\"axis\" text-anchor=\"end\">{:.0f}</text>\n", hi);
    o += fmt::format("<text x=\"75\" y=\"{}\" class=\"axis\" text-anchor=\"end\">{:.0f}</text>\n", fan_h - 20, lo);
    o += fmt::format("<path class=\"start\" d=\"M80,{0:.1f} L{1:.1f},{0:.1f}\"/>\n", y_of(start), 80 + plot_w);
    if (ruin_line >= lo) {
        o += fmt::format("<path class=\"ruin\" d=\"M80,{0:.1f} L{1:.1f},{0:.1f}\"/>\n", y_of(ruin_line), 80 + plot_w);
    }
    for (std::size_t i = 0; i < shown; ++i) {
        const auto& c = outcomes[i].curve;
        if (c.size() < 2) continue;
        std::string d;
        for (std::size_t k = 0; k < c.size(); ++k) {
            const double x = 80 + static_cast<double>(k) / static_cast<double>(c.size() - 1) * plot_w;
            d += fmt::format("{}{:.1f},{:.1f}", k == 0 ? "M" : " L", x, y_of(c[k]));
        }
        o += fmt::format("<path class=\"curve {}\" d=\"{}\"/>\n", outcomes[i].pnl.is_positive() ? "up" : "down", d);
    }
    return o + "</svg>\n";
}

std::vector<double> drawing(const std::vector<path_outcome>& outcomes, decimal path_outcome::*field) {
    std::vector<double> out;
    for (const auto& o : outcomes) out.push_back(std::stod((o.*field).to_string()));
    return out;
}

}  // namespace

std::string simulation_json(const simulation_options& options, const run_options& run,
                            const std::vector<path_outcome>& outcomes, const simulation_summary& s) {
    std::string o = "{\n";
    o += fmt::format("  \"paths\": {},\n  \"seed\": {},\n  \"model\": {},\n", options.paths, options.seed,
                     json_text(model_name(options)));
    o += fmt::format("  \"symbols\": {},\n  \"days\": {},\n", options.model == path_model::scenario && options.scenario
                                                                    ? options.scenario->symbols.size()
                                                                    : options.symbols,
                     options.days);
    o += fmt::format("  \"edge\": {:.4f},\n  \"horizon_minutes\": {},\n  \"signal_rate\": {:.4f},\n", options.edge,
                     options.horizon_minutes, options.signal_rate);
    o += fmt::format("  \"intrabar\": {},\n  \"starting_balance\": {},\n  \"ruin_fraction\": {},\n",
                     json_text(to_string(run.order)), num(run.starting_balance), num(options.ruin_fraction));
    o += "  \"distribution\": {\n";
    o += fmt::format("    \"pnl\": {},\n", spread_json(s.pnl));
    o += fmt::format("    \"max_drawdown\": {},\n", spread_json(s.max_drawdown));
    o += fmt::format("    \"max_drawdown_percent\": {},\n", spread_json(s.max_drawdown_percent));
    o += fmt::format("    \"win_rate\": {},\n", spread_json(s.win_rate));
    o += fmt::format("    \"trades\": {},\n", spread_json(s.trades));
    o += fmt::format("    \"ruined\": {},\n    \"ruin_probability\": {},\n", s.ruined, num(s.ruin_probability));
    o += fmt::format("    \"profitable\": {},\n    \"total_trades\": {},\n    \"total_wins\": {},\n", s.profitable,
                     s.total_trades, s.total_wins);
    o += fmt::format("    \"pooled_win_rate\": {}\n  }},\n",
                     s.pooled_win_rate ? num(*s.pooled_win_rate) : std::string{"null"});
    o += "  \"path_results\": [\n";
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        const auto& p = outcomes[i];
        o += fmt::format("    {{\"path\": {}, \"seed\": {}, \"signals\": {}, \"trades\": {}, \"wins\": {}, \"win_rate\": {}, "
                         "\"pnl\": {}, \"max_drawdown\": {}, \"max_drawdown_percent\": {}, \"min_equity\": {}, "
                         "\"ruined\": {}}}{}\n",
                         p.path, p.seed, p.signals, p.trades, p.wins, p.win_rate ? num(*p.win_rate) : "null", num(p.pnl),
                         num(p.max_drawdown), num(p.max_drawdown_percent), num(p.min_equity), p.ruined,
                         i + 1 == outcomes.size() ? "" : ",");
    }
    return o + "  ]\n}\n";
}

std::string simulation_text(const simulation_options& options, const simulation_summary& s) {
    std::string o = fmt::format("simulate: {} paths, seed {}, model {}, {} days, edge {:.2f} over {} min\n", s.paths,
                                options.seed, model_name(options), options.days, options.edge, options.horizon_minutes);
    // Two places on the terminal; simulation.json has the exact figures.
    const auto line = [&](std::string_view name, const percentiles& p, decimal factor, std::string_view unit) {
        const auto r = [&](decimal d) { return num((d * factor).rescale(2, core::rounding::half_even)); };
        o += fmt::format("  {:<15} p5 {} | p25 {} | p50 {} | p75 {} | p95 {} {}\n", name, r(p.p5), r(p.p25), r(p.p50),
                         r(p.p75), r(p.p95), unit);
    };
    line("PnL", s.pnl, decimal::from_int(1), "USDT");
    line("max drawdown", s.max_drawdown, decimal::from_int(1), "USDT");
    line("max drawdown", s.max_drawdown_percent, decimal::from_int(1), "%");
    line("win rate", s.win_rate, decimal::from_int(100), "%");
    o += fmt::format("  ruin probability {} ({} of {} paths below {} of the start), profitable paths {}, win rate "
                     "overall {} ({} trades)\n",
                     percent(s.ruin_probability), s.ruined, s.paths, percent(options.ruin_fraction), s.profitable,
                     s.pooled_win_rate ? percent(*s.pooled_win_rate) : std::string{"n/a"}, s.total_trades);
    return o;
}

std::string simulation_html(const simulation_options& options, const run_options& run,
                            const std::vector<path_outcome>& outcomes, const simulation_summary& s) {
    std::string o = html_page_start("tradebot simulate", R"(.hist{display:inline-block;margin-right:16px;vertical-align:top}
.bars{fill:#1f6feb;stroke:none}
.curve{fill:none;stroke-width:1;opacity:.45}
.curve.up{stroke:#1a7f37}.curve.down{stroke:#d1242f}
.start{stroke:#888;stroke-dasharray:4 3}.ruin{stroke:#d1242f;stroke-dasharray:2 2}
)");
    o += fmt::format("<p>{} paths &middot; seed {} &middot; model {} &middot; {} days &middot; signal edge {:.2f} over {} "
                     "minutes &middot; {:.2f} signals per 15-minute candle &middot; intrabar order {} &middot; starting "
                     "balance {} USDT</p>\n",
                     s.paths, options.seed, html_escape(model_name(options)), options.days, options.edge,
                     options.horizon_minutes, options.signal_rate, to_string(run.order), num(run.starting_balance));
    o += "<h2>Distribution of outcomes</h2>\n<table id=\"distribution\"><tr><th></th><th>p5</th><th>p25</th><th>p50</th>"
         "<th>p75</th><th>p95</th><th>min</th><th>max</th><th>mean</th></tr>\n";
    // Two places on the page; simulation.json has the exact figures.
    const auto row = [&](std::string_view name, const percentiles& p, decimal factor) {
        const auto r = [&](decimal d) { return num((d * factor).rescale(2, core::rounding::half_even)); };
        o += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                         "<td>{}</td></tr>\n",
                         name, r(p.p5), r(p.p25), r(p.p50), r(p.p75), r(p.p95), r(p.min), r(p.max), r(p.mean));
    };
    const auto one = decimal::from_int(1);
    row("PnL (USDT)", s.pnl, one);
    row("Max drawdown (USDT)", s.max_drawdown, one);
    row("Max drawdown (%)", s.max_drawdown_percent, one);
    row("Win rate (%, paths with trades)", s.win_rate, decimal::from_int(100));
    row("Trades per path", s.trades, one);
    o += "</table>\n<table id=\"totals\">\n";
    o += fmt::format("<tr><th>Ruin probability (equity below {} of the start)</th><td>{} ({} of {})</td></tr>\n",
                     percent(options.ruin_fraction), percent(s.ruin_probability), s.ruined, s.paths);
    o += fmt::format("<tr><th>Profitable paths</th><td>{} of {}</td></tr>\n", s.profitable, s.paths);
    o += fmt::format("<tr><th>Win rate over all trades</th><td>{} ({} trades)</td></tr>\n</table>\n",
                     s.pooled_win_rate ? percent(*s.pooled_win_rate) : std::string{"n/a"}, s.total_trades);
    o += histogram("PnL per path", "pnl-histogram", drawing(outcomes, &path_outcome::pnl), "USDT");
    o += histogram("Max drawdown per path", "drawdown-histogram", drawing(outcomes, &path_outcome::max_drawdown_percent),
                   "%");
    const double start = std::stod(run.starting_balance.to_string());
    o += curves(outcomes, start, start * std::stod(options.ruin_fraction.to_string()));
    o += "<h2>Paths</h2>\n<table id=\"paths\"><thead><tr><th>Path</th><th>Seed</th><th>Signals</th><th>Trades</th>"
         "<th>Win rate</th><th>PnL</th><th>Max drawdown</th><th>Min equity</th><th>Ruined</th></tr></thead><tbody>\n";
    for (const auto& p : outcomes) {
        o += fmt::format("<tr class=\"path\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td>"
                         "<td>{} ({} %)</td><td>{}</td><td>{}</td></tr>\n",
                         p.path, p.seed, p.signals, p.trades, p.win_rate ? percent(*p.win_rate) : "n/a",
                         p.pnl.is_positive() ? "win" : "loss", cents(p.pnl), cents(p.max_drawdown),
                         num(p.max_drawdown_percent), cents(p.min_equity), p.ruined ? "yes" : "no");
    }
    o += "</tbody></table>\n<h2>How the paths are made</h2>\n<ul>\n";
    o += "<li>Each path is a seeded synthetic market (prices and signals) replayed by the same code as "
         "<code>tradebot backtest</code>: the live signal pipeline and trading core on the simulator's engine.</li>\n";
    o += fmt::format("<li>Signals: {:.2f} per 15-minute candle, known at the candle's close; each one's side agrees "
                     "with its symbol's move over the next {} minutes with probability {:.2f} (0.50: no edge).</li>\n",
                     options.signal_rate, options.horizon_minutes, options.edge);
    o += "<li>Synthetic prices carry no funding (as klines), and the open-interest filter is not applied.</li>\n";
    return o + "</ul>\n</body></html>\n";
}

}  // namespace tradebot::backtest

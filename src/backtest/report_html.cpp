#include <algorithm>

#include <fmt/format.h>

#include "backtest/format.hpp"
#include "tradebot/backtest/report.hpp"

namespace tradebot::backtest {

namespace {

constexpr std::size_t max_chart_points = 1200;  // the page stays small for a year of minutes
constexpr double chart_w = 960;
constexpr double chart_h = 220;

double dbl(core::decimal d) { return std::stod(d.to_string()); }  // drawing only

std::string duration(std::int64_t ms) {
    const auto m = ms / 60'000;
    return m >= 60 ? fmt::format("{}h {:02}m", m / 60, m % 60) : fmt::format("{}m", m);
}

// One curve as an SVG path over [x0, x1] x [lo, hi], with its axis labels.
std::string chart(const std::string& title, const std::vector<std::pair<std::int64_t, double>>& pts,
                  const std::string& css_class) {
    if (pts.empty()) return "<p>No equity data.</p>";
    double lo = pts.front().second;
    double hi = lo;
    for (const auto& p : pts) {
        lo = std::min(lo, p.second);
        hi = std::max(hi, p.second);
    }
    if (hi - lo < 1e-9) {
        hi += 1;
        lo -= 1;
    }
    const double x0 = static_cast<double>(pts.front().first);
    const double span = std::max(1.0, static_cast<double>(pts.back().first) - x0);
    std::string d;
    for (std::size_t i = 0; i < pts.size(); ++i) {
        const double x = 80 + (static_cast<double>(pts[i].first) - x0) / span * (chart_w - 90);
        const double y = 10 + (hi - pts[i].second) / (hi - lo) * (chart_h - 30);
        d += fmt::format("{}{:.1f},{:.1f}", i == 0 ? "M" : " L", x, y);
    }
    std::string o = fmt::format("<h2>{}</h2>\n<svg class=\"chart\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\">\n",
                                html_escape(title), chart_w, chart_h, chart_w, chart_h);
    o += fmt::format("<rect x=\"80\" y=\"10\" width=\"{}\" height=\"{}\" class=\"frame\"/>\n", chart_w - 90, chart_h - 30);
    o += fmt::format("<text x=\"75\" y=\"16\" class=\"axis\" text-anchor=\"end\">{:.2f}</text>\n", hi);
    o += fmt::format("<text x=\"75\" y=\"{}\" class=\"axis\" text-anchor=\"end\">{:.2f}</text>\n", chart_h - 20, lo);
    o += fmt::format("<text x=\"80\" y=\"{}\" class=\"axis\">{}</text>\n", chart_h - 4, iso_time(pts.front().first));
    o += fmt::format("<text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"end\">{}</text>\n", chart_w - 10, chart_h - 4,
                     iso_time(pts.back().first));
    o += fmt::format("<path class=\"{}\" d=\"{}\"/>\n</svg>\n", css_class, d);
    return o;
}

std::string group_table(const std::string& title, const std::string& key, const std::map<std::string, group_result>& g) {
    std::string o = fmt::format("<h2>{}</h2>\n<table class=\"groups\"><tr><th>{}</th><th>Trades</th><th>Wins</th>"
                                "<th>Net PnL</th></tr>\n",
                                html_escape(title), html_escape(key));
    for (const auto& [k, v] : g) {
        o += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", html_escape(k), v.trades, v.wins,
                         num(v.net_pnl));
    }
    return o + "</table>\n";
}

}  // namespace

std::string to_html(const run_result& r, const statistics& s) {
    // Every chart point kept up to max_chart_points; beyond, every n-th and the last.
    const std::size_t every = std::max<std::size_t>(1, (r.equity.size() + max_chart_points - 1) / max_chart_points);
    std::vector<std::pair<std::int64_t, double>> eq;
    std::vector<std::pair<std::int64_t, double>> dd;
    double peak = dbl(r.starting_equity);
    double worst_in_step = 0;
    for (std::size_t i = 0; i < r.equity.size(); ++i) {
        const double e = dbl(r.equity[i].equity);
        peak = std::max(peak, e);
        worst_in_step = std::min(worst_in_step, e - peak);
        if (i % every == 0 || i + 1 == r.equity.size()) {
            eq.emplace_back(r.equity[i].ms, e);
            dd.emplace_back(r.equity[i].ms, worst_in_step);  // the step's deepest point: no drawdown hides
            worst_in_step = 0;
        }
    }
    std::string o = html_page_start("tradebot backtest", R"(.equity{fill:none;stroke:#1f6feb;stroke-width:1.5}
.drawdown{fill:none;stroke:#d1242f;stroke-width:1.5}
)");
    o += fmt::format("<p>{} .. {} &middot; {} symbols &middot; {} minutes &middot; intrabar order <b id=\"intrabar\">{}</b></p>\n",
                     iso_time(r.first_ms), iso_time(r.last_ms), r.symbols, r.minutes, to_string(r.order));
    o += "<h2>Statistics</h2>\n<table id=\"stats\">\n";
    const auto row = [&](std::string_view k, const std::string& v) {
        o += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", k, html_escape(v));
    };
    row("Net PnL (trades, USDT)", num(s.net_pnl));
    row("Gross PnL (USDT)", num(s.gross_pnl));
    row("Fees (USDT)", num(s.fees));
    row("Funding of the trades (USDT, + received)", num(s.funding));
    row("Funding settled in all (USDT, " + std::to_string(r.funding_settlements) + " payments)", num(r.funding));
    row("Other equity change (liquidation, funding outside the trades)", num(s.other));
    row("Equity start / end (USDT)", num(r.starting_equity) + " / " + num(r.final_equity));
    row("Trades", std::to_string(s.trades));
    row("Win rate", fmt::format("{:.1f} %", s.win_rate * 100));
    row("Profit factor", s.profit_factor ? fmt::format("{:.2f}", *s.profit_factor) : "n/a (no losing trade)");
    row("Max drawdown (USDT)", num(s.max_drawdown) + " (" + num(s.max_drawdown_percent) + " %)");
    row("Average holding time", duration(s.average_holding_ms));
    const auto ratio = [](const std::optional<double>& v) { return v ? fmt::format("{:.2f}", *v) : std::string{"n/a"}; };
    row("Sharpe / Sortino (daily, annualized)", ratio(s.sharpe) + " / " + ratio(s.sortino));
    row("Exposure (minutes with a position)", fmt::format("{:.1f} %", s.exposure * 100));
    o += "</table>\n";
    o += chart("Equity (USDT)", eq, "equity");
    o += chart("Drawdown (USDT)", dd, "drawdown");
    o += group_table("Exit reasons", "Reason", s.by_reason);
    o += group_table("Per symbol", "Symbol", s.by_symbol);
    o += group_table("Per exchange", "Exchange", s.by_exchange);
    o += "<h2>Signals</h2>\n<table id=\"signals\"><tr><th>Outcome</th><th>Signals</th></tr>\n";
    for (const auto& [k, v] : s.signal_outcomes) {
        o += fmt::format("<tr><td>{}</td><td>{}</td></tr>\n", html_escape(k), v);
    }
    o += "</table>\n<h2>Trades</h2>\n<table id=\"trades\"><thead><tr><th>#</th><th>Exchange</th><th>Symbol</th>"
         "<th>Side</th><th>Entry time</th><th>Entry</th><th>Exit time</th><th>Exit</th><th>Qty</th><th>Fee</th>"
         "<th>Funding</th><th>Net PnL</th><th>Exit reason</th></tr></thead><tbody>\n";
    for (const auto& t : r.trades) {
        o += fmt::format(
            "<tr class=\"trade\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
            "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td></tr>\n",
            t.position_id, core::to_string(t.exchange), t.symbol.str(),
            t.side == core::position_side::long_ ? "long" : "short", iso_time(t.entry_ms), num(t.entry_price),
            iso_time(t.exit_ms), num(t.exit_price), num(t.quantity), num(t.fees), num(t.funding),
            t.net_pnl.is_positive() ? "win" : "loss", num(t.net_pnl), html_escape(t.exit_reason));
    }
    o += "</tbody></table>\n<h2>How this differs from live trading</h2>\n<ul>\n";
    o += fmt::format("<li>Each 1-minute bar is four marks 15 s apart; intrabar order: {}.</li>\n", to_string(r.order));
    for (const auto& n : r.notes) {
        o += "<li>" + html_escape(n) + "</li>\n";
    }
    o += "</ul>\n</body></html>\n";
    return o;
}

}  // namespace tradebot::backtest

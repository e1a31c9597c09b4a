#include <algorithm>
#include <cstdio>
#include <sstream>
#include <vector>

#include "report/svg_chart.hpp"
#include "tradebot/report/render.hpp"

namespace tradebot::report {

namespace {

std::string money(const core::decimal& d) { return d.normalized().to_string(); }

// The sign as a class, so a loss reads red without any script.
const char* tone(const core::decimal& d) { return d.is_negative() ? "neg" : d.is_positive() ? "pos" : ""; }

void card(std::ostringstream& out, const char* label, const std::string& value, const char* cls = "") {
    out << "<div class=\"card\"><div class=\"label\">" << label << "</div><div class=\"value " << cls << "\">"
        << html_escape(value) << "</div></div>\n";
}

void group_table(std::ostringstream& out, const char* title, const char* key, const std::map<std::string, group_stats>& m) {
    out << "<h2>" << title << "</h2>\n";
    if (m.empty()) {
        out << "<p class=\"muted\">No closed positions.</p>\n";
        return;
    }
    out << "<table><thead><tr><th>" << key << "</th><th>Closed</th><th>Won</th><th>Lost</th><th>Win %</th>"
        << "<th>Net PnL</th><th>Fees</th><th>Profit factor</th></tr></thead><tbody>\n";
    for (const auto& [k, g] : m) {
        out << "<tr><td>" << html_escape(k) << "</td><td>" << g.positions << "</td><td>" << g.wins << "</td><td>"
            << g.losses << "</td><td>" << text_or_na(g.win_rate_percent()) << "</td><td class=\"" << tone(g.net_pnl)
            << "\">" << money(g.net_pnl) << "</td><td>" << money(g.fees) << "</td><td>" << text_or_na(g.profit_factor())
            << "</td></tr>\n";
    }
    out << "</tbody></table>\n";
}

constexpr const char* style = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1d2330;background:#f6f7f9}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.muted{color:#6b7280}.cards{display:flex;flex-wrap:wrap;gap:10px;margin-top:16px}
.card{background:#fff;border:1px solid #e3e6eb;border-radius:8px;padding:10px 14px;min-width:130px}
.label{font-size:12px;color:#6b7280}.value{font-size:19px;font-weight:600;margin-top:2px}
.pos{color:#0f7b3f}.neg{color:#c0262d}
table{border-collapse:collapse;background:#fff;font-size:13px;min-width:560px}
th,td{border:1px solid #e3e6eb;padding:4px 9px;text-align:right}th{background:#eef0f4}
td:first-child,th:first-child{text-align:left}
.chart{background:#fff;border:1px solid #e3e6eb;border-radius:8px;padding:8px;display:inline-block}
)";

}  // namespace

std::string render_html(const performance& p, const render_options& o) {
    std::ostringstream out;
    const auto& t = p.total;
    out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        << "<title>tradebot performance report</title>\n<style>" << style << "</style></head><body>\n";
    out << "<h1>tradebot performance report</h1>\n<div class=\"muted\">mode " << html_escape(o.mode) << " &middot; "
        << (p.since ? utc_time(*p.since) : std::string{"start"}) << " .. "
        << (p.until ? utc_time(*p.until) : std::string{"now"}) << " &middot; generated " << utc_time(o.generated_at)
        << " &middot; amounts in USDT</div>\n<div class=\"cards\">\n";
    card(out, "Net PnL", money(t.net_pnl), tone(t.net_pnl));
    card(out, "Closed positions", std::to_string(t.positions));
    card(out, "Win rate %", text_or_na(t.win_rate_percent()));
    card(out, "Profit factor", text_or_na(t.profit_factor()));
    card(out, "Fees", money(t.fees));
    card(out, "Max drawdown", money(p.max_drawdown), p.max_drawdown.is_positive() ? "neg" : "");
    card(out, "Average win", text_or_na(t.average_win()), "pos");
    card(out, "Average loss", text_or_na(t.average_loss()), "neg");
    card(out, "Average holding", p.average_holding ? duration_text(*p.average_holding) : std::string{"n/a"});
    out << "</div>\n";

    std::vector<chart_point> equity;
    std::vector<chart_point> drawdown;
    for (const auto& c : p.curve) {
        const auto at = std::chrono::duration<double>(c.at.time_since_epoch()).count();
        equity.push_back({at, std::stod(c.equity.to_string())});
        drawdown.push_back({at, -std::stod(c.drawdown.to_string())});
    }
    out << "<h2>Equity curve</h2>\n<div class=\"chart\">" << line_chart(equity, "#2563eb", "equity") << "</div>\n";
    out << "<h2>Drawdown</h2>\n<div class=\"chart\">" << line_chart(drawdown, "#c0262d", "drawdown") << "</div>\n";
    std::vector<bar> days;
    for (const auto& [day, g] : p.by_day) {
        days.push_back({day, std::stod(g.net_pnl.to_string())});
    }
    out << "<h2>Net PnL by day (UTC)</h2>\n<div class=\"chart\">" << bar_chart(days) << "</div>\n";

    group_table(out, "By exchange", "Exchange", p.by_exchange);
    group_table(out, "By symbol", "Symbol", p.by_symbol);
    group_table(out, "By exit reason", "Exit reason", p.by_exit_reason);
    group_table(out, "By day (UTC)", "Day", p.by_day);

    out << "<h2>Closed positions</h2>\n";
    if (p.positions.empty()) {
        out << "<p class=\"muted\">No closed positions in this period.</p>\n";
    } else {
        out << "<table><thead><tr><th>Id</th><th>Exchange</th><th>Symbol</th><th>Side</th><th>Qty</th><th>Entry</th>"
            << "<th>Exit</th><th>Closed (UTC)</th><th>Held</th><th>Reason</th><th>Fees</th><th>Net PnL</th></tr>"
            << "</thead><tbody>\n";
        for (const auto& c : p.positions) {
            const auto held = c.opened_at && *c.opened_at <= c.closed_at
                                  ? duration_text(std::chrono::floor<std::chrono::seconds>(c.closed_at - *c.opened_at))
                                  : std::string{"n/a"};
            out << "<tr><td>" << c.id << "</td><td>" << core::to_string(c.exchange) << "</td><td>"
                << html_escape(c.symbol) << "</td><td>" << core::to_string(c.side) << "</td><td>" << money(c.quantity)
                << "</td><td>" << text_or_na(c.entry_price) << "</td><td>" << text_or_na(c.exit_price) << "</td><td>"
                << utc_time(c.closed_at) << "</td><td>" << held << "</td><td>" << html_escape(c.close_reason)
                << "</td><td>" << money(c.fees) << "</td><td class=\"" << tone(c.net_pnl()) << "\">"
                << money(c.net_pnl()) << "</td></tr>\n";
        }
        out << "</tbody></table>\n";
    }
    out << "</body></html>\n";
    return out.str();
}

}  // namespace tradebot::report

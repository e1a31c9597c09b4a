#include <fmt/format.h>

#include "backtest/format.hpp"
#include "tradebot/backtest/report.hpp"

namespace tradebot::backtest {

namespace {

std::string q(std::string_view s) { return "\"" + json_escape(s) + "\""; }
std::string side(core::position_side s) { return s == core::position_side::long_ ? "long" : "short"; }

std::string groups(const std::map<std::string, group_result>& g) {
    std::string out = "{";
    bool first = true;
    for (const auto& [k, v] : g) {
        out += fmt::format("{}{}: {{\"trades\": {}, \"wins\": {}, \"net_pnl\": {}}}", first ? "" : ", ", q(k), v.trades,
                           v.wins, num(v.net_pnl));
        first = false;
    }
    return out + "}";
}

// CSV field: quoted when it holds a comma, quote or line break.
std::string cell(std::string_view s) {
    if (s.find_first_of(",\"\n") == std::string_view::npos) return std::string{s};
    std::string out = "\"";
    for (const char c : s) {
        out += c;
        if (c == '"') out += '"';
    }
    return out + "\"";
}

}  // namespace

std::string to_json(const run_result& r, const statistics& s) {
    std::string o = "{\n";
    o += fmt::format("  \"intrabar\": {},\n", q(to_string(r.order)));
    o += fmt::format("  \"from\": {},\n  \"to\": {},\n", q(iso_time(r.first_ms)), q(iso_time(r.last_ms)));
    o += fmt::format("  \"minutes\": {},\n  \"symbols\": {},\n", r.minutes, r.symbols);
    o += fmt::format("  \"starting_equity\": {},\n  \"final_equity\": {},\n", num(r.starting_equity), num(r.final_equity));
    o += "  \"statistics\": {\n";
    o += fmt::format("    \"trades\": {},\n    \"wins\": {},\n    \"losses\": {},\n", s.trades, s.wins, s.losses);
    o += fmt::format("    \"win_rate\": {:.4f},\n", s.win_rate);
    o += fmt::format("    \"profit_factor\": {},\n", s.profit_factor ? fmt::format("{:.4f}", *s.profit_factor) : "null");
    o += fmt::format("    \"gross_pnl\": {},\n    \"fees\": {},\n    \"funding\": {},\n    \"net_pnl\": {},\n",
                     num(s.gross_pnl), num(s.fees), num(s.funding), num(s.net_pnl));
    o += fmt::format("    \"funding_settled\": {},\n    \"funding_payments\": {},\n", num(r.funding),
                     r.funding_settlements);
    o += fmt::format("    \"other_equity_change\": {},\n", num(s.other));
    o += fmt::format("    \"max_drawdown\": {},\n    \"max_drawdown_percent\": {},\n", num(s.max_drawdown),
                     num(s.max_drawdown_percent));
    o += fmt::format("    \"average_holding_seconds\": {},\n", s.average_holding_ms / 1000);
    const auto ratio = [](const std::optional<double>& v) { return v ? fmt::format("{:.4f}", *v) : std::string{"null"}; };
    o += fmt::format("    \"sharpe\": {},\n    \"sortino\": {},\n    \"exposure\": {:.4f},\n", ratio(s.sharpe),
                     ratio(s.sortino), s.exposure);
    o += fmt::format("    \"by_exit_reason\": {},\n", groups(s.by_reason));
    o += fmt::format("    \"by_symbol\": {},\n", groups(s.by_symbol));
    o += fmt::format("    \"by_exchange\": {},\n", groups(s.by_exchange));
    o += "    \"signal_outcomes\": {";
    bool first = true;
    for (const auto& [k, v] : s.signal_outcomes) {
        o += fmt::format("{}{}: {}", first ? "" : ", ", q(k), v);
        first = false;
    }
    o += "}\n  },\n  \"notes\": [";
    for (std::size_t i = 0; i < r.notes.size(); ++i) {
        o += (i ? ", " : "") + q(r.notes[i]);
    }
    o += "],\n  \"trades\": [";
    for (std::size_t i = 0; i < r.trades.size(); ++i) {
        const auto& t = r.trades[i];
        o += fmt::format(
            "{}\n    {{\"position\": {}, \"signal\": {}, \"exchange\": {}, \"symbol\": {}, \"side\": {}, "
            "\"entry_time\": {}, \"entry_price\": {}, \"exit_time\": {}, \"exit_price\": {}, \"last_stop\": {}, \"quantity\": {}, "
            "\"fee\": {}, \"funding\": {}, \"gross_pnl\": {}, \"net_pnl\": {}, \"exit_reason\": {}, \"core_reason\": {}}}",
            i ? "," : "", t.position_id, t.signal_id ? std::to_string(*t.signal_id) : "null",
            q(core::to_string(t.exchange)), q(t.symbol.str()), q(side(t.side)), q(iso_time(t.entry_ms)),
            num(t.entry_price), q(iso_time(t.exit_ms)), num(t.exit_price),
            t.last_stop ? num(*t.last_stop) : std::string{"null"}, num(t.quantity), num(t.fees),
            num(t.funding), num(t.gross_pnl), num(t.net_pnl), q(t.exit_reason), q(t.core_reason));
    }
    o += r.trades.empty() ? "],\n" : "\n  ],\n";
    o += "  \"signals\": [";
    for (std::size_t i = 0; i < r.signals.size(); ++i) {
        const auto& g = r.signals[i];
        o += fmt::format("{}\n    {{\"id\": {}, \"line\": {}, \"outcome\": {}, \"reason\": {}, \"detail\": {}}}",
                         i ? "," : "", g.id, g.line, q(g.outcome), q(g.reason), q(g.detail));
    }
    o += r.signals.empty() ? "]\n}\n" : "\n  ]\n}\n";
    return o;
}

std::string trades_csv(const run_result& r) {
    std::string o =
        "position,signal,exchange,symbol,side,entry_time,entry_price,exit_time,exit_price,quantity,fee,funding,"
        "gross_pnl,net_pnl,exit_reason,core_reason\n";
    for (const auto& t : r.trades) {
        o += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", t.position_id,
                         t.signal_id ? std::to_string(*t.signal_id) : "", core::to_string(t.exchange), t.symbol.str(),
                         side(t.side), iso_time(t.entry_ms), num(t.entry_price), iso_time(t.exit_ms), num(t.exit_price),
                         num(t.quantity), num(t.fees), num(t.funding), num(t.gross_pnl), num(t.net_pnl), cell(t.exit_reason),
                         cell(t.core_reason));
    }
    return o;
}

std::string summary_text(const run_result& r, const statistics& s) {
    std::string o;
    o += fmt::format("backtest {} .. {}: {} symbols, {} minutes, intrabar {}\n", iso_time(r.first_ms),
                     iso_time(r.last_ms), r.symbols, r.minutes, to_string(r.order));
    o += fmt::format("trades {}  wins {}  win rate {:.1f} %  profit factor {}\n", s.trades, s.wins, s.win_rate * 100,
                     s.profit_factor ? fmt::format("{:.2f}", *s.profit_factor) : "n/a");
    o += fmt::format("net PnL {} USDT  fees {} USDT  funding {} USDT  max drawdown {} USDT ({} %)\n", num(s.net_pnl),
                     num(s.fees), num(s.funding), num(s.max_drawdown), num(s.max_drawdown_percent));
    o += fmt::format("equity {} -> {} USDT  Sharpe {}  Sortino {}  exposure {:.1f} %\n", num(r.starting_equity),
                     num(r.final_equity), s.sharpe ? fmt::format("{:.2f}", *s.sharpe) : "n/a",
                     s.sortino ? fmt::format("{:.2f}", *s.sortino) : "n/a", s.exposure * 100);
    return o;
}

}  // namespace tradebot::backtest

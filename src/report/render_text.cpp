#include <cstdio>
#include <sstream>

#include "tradebot/report/render.hpp"

namespace tradebot::report {

namespace {

std::string pad(std::string s, std::size_t width) {
    if (s.size() < width) {
        s.append(width - s.size(), ' ');
    }
    return s;
}

void table(std::ostringstream& out, const char* title, const std::map<std::string, group_stats>& groups) {
    if (groups.empty()) {
        return;
    }
    out << "\n" << title << "\n";
    out << "  " << pad("", 20) << pad("closed", 8) << pad("win %", 9) << pad("net PnL", 18) << pad("fees", 16)
        << "profit factor\n";
    for (const auto& [key, g] : groups) {
        out << "  " << pad(key, 20) << pad(std::to_string(g.positions), 8) << pad(text_or_na(g.win_rate_percent()), 9)
            << pad(g.net_pnl.normalized().to_string(), 18) << pad(g.fees.normalized().to_string(), 16)
            << text_or_na(g.profit_factor()) << "\n";
    }
}

}  // namespace

std::string render_text(const performance& p, const render_options& o) {
    std::ostringstream out;
    const auto& t = p.total;
    out << "tradebot performance report (" << o.mode << ")\n";
    out << "period:            " << (p.since ? utc_time(*p.since) : std::string{"start"}) << " .. "
        << (p.until ? utc_time(*p.until) : std::string{"now"}) << "\n";
    out << "closed positions:  " << t.positions << " (" << t.wins << " won, " << t.losses << " lost)\n";
    out << "net PnL:           " << t.net_pnl.normalized().to_string() << " USDT\n";
    out << "gross PnL:         " << t.gross_pnl.normalized().to_string() << " USDT\n";
    out << "fees:              " << t.fees.normalized().to_string() << " USDT\n";
    out << "win rate:          " << (t.win_rate_percent() ? t.win_rate_percent()->to_string() + " %" : "n/a") << "\n";
    out << "profit factor:     " << text_or_na(t.profit_factor()) << "\n";
    out << "average win:       " << text_or_na(t.average_win()) << "\n";
    out << "average loss:      " << text_or_na(t.average_loss()) << "\n";
    out << "max drawdown:      " << p.max_drawdown.normalized().to_string() << " USDT\n";
    out << "average holding:   " << (p.average_holding ? duration_text(*p.average_holding) : std::string{"n/a"})
        << "\n";
    table(out, "By exchange", p.by_exchange);
    table(out, "By symbol", p.by_symbol);
    table(out, "By exit reason", p.by_exit_reason);
    table(out, "By day (UTC)", p.by_day);
    return out.str();
}

}  // namespace tradebot::report

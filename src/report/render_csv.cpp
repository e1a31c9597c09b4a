#include <chrono>
#include <sstream>

#include "tradebot/report/render.hpp"

namespace tradebot::report {

namespace {

// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. A leading
// = + - @ is prefixed with ' so a spreadsheet never runs a close reason as a formula.
std::string field(const std::string& s) {
    std::string v = s;
    if (!v.empty() && (v.front() == '=' || v.front() == '+' || v.front() == '-' || v.front() == '@')) {
        v.insert(v.begin(), '\'');
    }
    if (v.find_first_of(",\"\r\n") == std::string::npos) {
        return v;
    }
    std::string out = "\"";
    for (const char c : v) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

std::string num(const std::optional<core::decimal>& d) { return d ? d->normalized().to_string() : std::string{}; }

}  // namespace

std::string render_csv(const performance& p) {
    std::ostringstream out;
    out << "position_id,exchange,symbol,side,quantity,entry_price,exit_price,opened_at,closed_at,holding_seconds,"
           "close_reason,gross_pnl,fees,net_pnl,equity,drawdown\r\n";
    for (std::size_t i = 0; i < p.positions.size(); ++i) {
        const auto& c = p.positions[i];
        std::string held;
        if (c.opened_at && *c.opened_at <= c.closed_at) {
            held = std::to_string(std::chrono::floor<std::chrono::seconds>(c.closed_at - *c.opened_at).count());
        }
        out << c.id << ',' << core::to_string(c.exchange) << ',' << field(c.symbol) << ','
            << core::to_string(c.side) << ',' << num(c.quantity) << ',' << num(c.entry_price) << ','
            << num(c.exit_price) << ',' << (c.opened_at ? utc_time(*c.opened_at) : std::string{}) << ','
            << utc_time(c.closed_at) << ',' << held << ',' << field(c.close_reason) << ',' << num(c.gross_pnl)
            << ',' << num(c.fees) << ',' << num(c.net_pnl()) << ',' << num(p.curve[i].equity) << ','
            << num(p.curve[i].drawdown) << "\r\n";
    }
    return out.str();
}

}  // namespace tradebot::report

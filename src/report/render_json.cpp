#include <boost/json.hpp>

#include "tradebot/report/render.hpp"

namespace tradebot::report {

namespace json = boost::json;

namespace {

// Money and ratios stay decimal text: a JSON number would pass through a double.
json::value dec(const std::optional<core::decimal>& d) {
    return d ? json::value(d->normalized().to_string()) : json::value(nullptr);
}

json::object group(const group_stats& g) {
    json::object o;
    o["positions"] = g.positions;
    o["wins"] = g.wins;
    o["losses"] = g.losses;
    o["net_pnl"] = dec(g.net_pnl);
    o["gross_pnl"] = dec(g.gross_pnl);
    o["fees"] = dec(g.fees);
    o["win_rate_percent"] = dec(g.win_rate_percent());
    o["profit_factor"] = dec(g.profit_factor());
    o["average_win"] = dec(g.average_win());
    o["average_loss"] = dec(g.average_loss());
    return o;
}

json::object groups(const std::map<std::string, group_stats>& m) {
    json::object o;
    for (const auto& [key, g] : m) {
        o[key] = group(g);
    }
    return o;
}

}  // namespace

std::string render_json(const performance& p, const render_options& o) {
    json::object root;
    root["mode"] = o.mode;
    root["generated_at"] = utc_time(o.generated_at);
    root["since"] = p.since ? json::value(utc_time(*p.since)) : json::value(nullptr);
    root["until"] = p.until ? json::value(utc_time(*p.until)) : json::value(nullptr);
    root["total"] = group(p.total);
    root["max_drawdown"] = dec(p.max_drawdown);
    root["average_holding_seconds"] =
        p.average_holding ? json::value(p.average_holding->count()) : json::value(nullptr);
    root["by_exchange"] = groups(p.by_exchange);
    root["by_symbol"] = groups(p.by_symbol);
    root["by_exit_reason"] = groups(p.by_exit_reason);
    root["by_day"] = groups(p.by_day);
    json::array positions;
    for (std::size_t i = 0; i < p.positions.size(); ++i) {
        const auto& c = p.positions[i];
        json::object r;
        r["id"] = c.id;
        r["exchange"] = std::string{core::to_string(c.exchange)};
        r["symbol"] = c.symbol;
        r["side"] = std::string{core::to_string(c.side)};
        r["quantity"] = dec(c.quantity);
        r["entry_price"] = dec(c.entry_price);
        r["exit_price"] = dec(c.exit_price);
        r["opened_at"] = c.opened_at ? json::value(utc_time(*c.opened_at)) : json::value(nullptr);
        r["closed_at"] = utc_time(c.closed_at);
        r["close_reason"] = c.close_reason;
        r["gross_pnl"] = dec(c.gross_pnl);
        r["fees"] = dec(c.fees);
        r["net_pnl"] = dec(c.net_pnl());
        r["equity"] = dec(p.curve[i].equity);
        r["drawdown"] = dec(p.curve[i].drawdown);
        positions.push_back(std::move(r));
    }
    root["positions"] = std::move(positions);
    return json::serialize(root) + "\n";
}

}  // namespace tradebot::report

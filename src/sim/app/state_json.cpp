#include "sim/app/state_json.hpp"

#include <boost/json.hpp>

#include "tradebot/core/types.hpp"

namespace tradebot::sim::app {
namespace json = boost::json;
namespace {

json::string dec(core::decimal d) { return json::string{d.to_string()}; }
std::string_view side_name(core::side s) { return core::to_string(s); }

json::object prices_json(const engine::market_prices& p) {
    return {{"mark", dec(p.mark)}, {"last", dec(p.last)}, {"index", dec(p.index)}, {"bid", dec(p.bid)},
            {"ask", dec(p.ask)},   {"bid_qty", dec(p.bid_qty)}, {"ask_qty", dec(p.ask_qty)}};
}

json::object position_json(const engine::position_view& p) {
    json::object o{{"symbol", p.symbol.str()},
                   {"size", dec(p.size)},
                   {"entry_price", dec(p.entry_price)},
                   {"mark_price", dec(p.mark_price)},
                   {"unrealized_pnl", dec(p.unrealized_pnl)},
                   {"notional", dec(p.notional)},
                   {"initial_margin", dec(p.initial_margin)},
                   {"maintenance_margin", dec(p.maintenance_margin)},
                   {"liquidation_price", dec(p.liquidation_price)},
                   {"realized_pnl", dec(p.cumulative_realized_pnl)},
                   {"leverage", p.leverage},
                   {"margin_mode", engine::to_string(p.mode)}};
    if (p.stop) {
        o["trading_stop"] = json::object{{"take_profit", dec(p.stop->take_profit)},
                                         {"stop_loss", dec(p.stop->stop_loss)},
                                         {"trailing_stop", dec(p.stop->trailing_stop)},
                                         {"active_price", dec(p.stop->active_price)},
                                         {"sl_trigger_by", engine::to_string(p.stop->sl_trigger_by)},
                                         {"tp_trigger_by", engine::to_string(p.stop->tp_trigger_by)}};
    }
    return o;
}

json::object order_json(const engine::order& o) {
    return {{"id", o.id},
            {"client_id", o.client_id},
            {"account", o.account},
            {"symbol", o.symbol.str()},
            {"side", side_name(o.side)},
            {"type", core::to_string(o.type)},
            {"price", dec(o.price)},
            {"qty", dec(o.qty)},
            {"filled_qty", dec(o.filled_qty)},
            {"reduce_only", o.reduce_only},
            {"status", engine::to_string(o.status)},
            {"origin", engine::to_string(o.origin)},
            {"created_ms", engine::to_ms(o.created)}};
}

json::object conditional_json(const engine::conditional_order& c) {
    return {{"id", c.id},
            {"client_id", c.request.client_id},
            {"account", c.account},
            {"symbol", c.request.symbol.str()},
            {"side", side_name(c.request.side)},
            {"kind", engine::to_string(c.request.kind)},
            {"trigger_price", dec(c.request.trigger_price)},
            {"working_type", engine::to_string(c.request.working)},
            {"close_position", c.request.close_position},
            {"callback_rate", dec(c.request.callback_rate)},
            {"trailing_active", c.trailing_active},
            {"status", engine::to_string(c.status)},
            {"created_ms", engine::to_ms(c.created)}};
}

}  // namespace

json::value to_json(const engine::exchange_snapshot& snap) {
    json::array symbols;
    for (const auto& s : snap.symbols) {
        auto o = prices_json(s.prices);
        o["symbol"] = s.spec.symbol.str();
        o["funding_rate"] = dec(s.funding_rate);
        o["next_funding_ms"] = engine::to_ms(s.next_funding);
        symbols.push_back(std::move(o));
    }
    json::array accounts;
    for (const auto& a : snap.accounts) {
        json::array positions;
        for (const auto& p : a.positions) positions.push_back(position_json(p));
        accounts.push_back(json::object{{"id", a.id},
                                        {"asset", a.asset},
                                        {"wallet_balance", dec(a.wallet_balance)},
                                        {"unrealized_pnl", dec(a.unrealized_pnl)},
                                        {"margin_balance", dec(a.margin_balance)},
                                        {"available_balance", dec(a.available_balance)},
                                        {"maintenance_margin", dec(a.maintenance_margin)},
                                        {"position_mode", engine::to_string(a.pos_mode)},
                                        {"positions", std::move(positions)}});
    }
    json::array orders;
    for (const auto& o : snap.open_orders) orders.push_back(order_json(o));
    json::array conditionals;
    for (const auto& c : snap.open_conditionals) conditionals.push_back(conditional_json(c));
    return json::object{{"time_ms", engine::to_ms(snap.time)},
                        {"symbols", std::move(symbols)},
                        {"accounts", std::move(accounts)},
                        {"open_orders", std::move(orders)},
                        {"open_conditionals", std::move(conditionals)}};
}

}  // namespace tradebot::sim::app

#include <map>

#include "sim/bybit/render.hpp"

namespace tradebot::sim::bybit {

json::object position_json(const context& ctx, const engine::account_id& a, const core::symbol& s, bool ws) {
    const auto* i = ctx.ex.find_instrument(s);
    const auto v = ctx.ex.position(a, s);
    json::object j;
    if (i == nullptr || !v) {
        return j;
    }
    const bool flat = v->size.is_zero();
    const engine::trading_stop ts = v->stop.value_or(engine::trading_stop{});
    const auto opened = ctx.position_opened.find({a, s});
    const std::string open_ms = opened == ctx.position_opened.end() ? std::string{"0"} : ms_text(opened->second);
    if (ws) {
        j["category"] = "linear";
    }
    j["positionIdx"] = 0;
    j["riskId"] = 1;
    j["riskLimitValue"] = "2000000";  // [U] the simulator has one risk tier
    j["symbol"] = i->venue_name();
    j["side"] = flat ? "" : (v->size.is_positive() ? "Buy" : "Sell");
    j["size"] = qt(*i, v->size.abs());
    j[ws ? "entryPrice" : "avgPrice"] = px(*i, v->entry_price);
    j["positionValue"] = money(v->size.abs() * v->entry_price);
    j["tradeMode"] = 0;
    j["positionStatus"] = "Normal";
    j["autoAddMargin"] = 0;
    j["adlRankIndicator"] = flat ? 0 : 2;
    j["leverage"] = std::to_string(v->leverage);
    j["positionBalance"] = money(v->initial_margin);
    j["markPrice"] = px(*i, v->mark_price);
    j["liqPrice"] = v->liquidation_price.is_positive() ? px(*i, v->liquidation_price) : std::string{};
    j["bustPrice"] = "";
    j["positionMM"] = money(v->maintenance_margin);
    j["positionIM"] = money(v->initial_margin);
    j["tpslMode"] = "Full";
    j["takeProfit"] = px(*i, ts.take_profit);
    j["stopLoss"] = px(*i, ts.stop_loss);
    j["trailingStop"] = px(*i, ts.trailing_stop);
    j["unrealisedPnl"] = money(v->unrealized_pnl);
    // [simplification] the engine keeps one realised total per position: cur = cum.
    j["curRealisedPnl"] = money(v->cumulative_realized_pnl);
    j["cumRealisedPnl"] = money(v->cumulative_realized_pnl);
    j["breakEvenPrice"] = flat ? std::string{} : px(*i, v->entry_price);
    j["seq"] = ctx.exec_seq;
    j["isReduceOnly"] = false;
    j["mmrSysUpdatedTime"] = "";
    j["leverageSysUpdatedTime"] = "";
    j["createdTime"] = open_ms;
    j["updatedTime"] = std::to_string(ctx.clock.now_ms());
    j["openTime"] = open_ms;
    return j;
}

json::object wallet_json(const context& ctx, const engine::account_id& a) {
    const auto view = ctx.ex.account_state(a);
    const auto* acc = ctx.ex.find_account(a);
    json::object j;
    if (!view || acc == nullptr) {
        return j;
    }
    core::decimal cum_realised;
    for (const auto& [sym, p] : acc->positions()) {
        cum_realised += p.cumulative_realized_pnl();
    }
    const core::decimal equity = view->margin_balance;
    const auto rate = [&](core::decimal part) {
        return equity.is_positive() ? part.divide(equity, 4, core::rounding::half_even).to_string() : std::string{"0"};
    };
    const core::decimal total_im = view->position_initial_margin + view->open_order_initial_margin;
    json::object coin;
    coin["coin"] = view->asset;
    coin["equity"] = money(equity);
    coin["usdValue"] = money(equity);  // [U] USDT counted at 1 USD
    coin["walletBalance"] = money(view->wallet_balance);
    coin["free"] = "";
    coin["locked"] = "0";
    coin["spotHedgingQty"] = "0";
    coin["borrowAmount"] = "0";
    coin["accruedInterest"] = "0";
    coin["totalOrderIM"] = money(view->open_order_initial_margin);
    coin["totalPositionIM"] = money(view->position_initial_margin);
    coin["totalPositionMM"] = money(view->maintenance_margin);
    coin["unrealisedPnl"] = money(view->unrealized_pnl);
    coin["cumRealisedPnl"] = money(cum_realised);
    coin["bonus"] = "0";
    coin["marginCollateral"] = true;
    coin["collateralSwitch"] = true;
    coin["availableToWithdraw"] = "";
    coin["availableToBorrow"] = "";
    coin["spotBorrow"] = "0";
    j["accountType"] = "UNIFIED";
    j["accountIMRate"] = rate(total_im);
    j["accountMMRate"] = rate(view->maintenance_margin);
    j["totalEquity"] = money(equity);
    j["totalWalletBalance"] = money(view->wallet_balance);
    j["totalMarginBalance"] = money(view->margin_balance);
    j["totalAvailableBalance"] = money(view->available_balance);
    j["totalPerpUPL"] = money(view->unrealized_pnl);
    j["totalInitialMargin"] = money(total_im);
    j["totalMaintenanceMargin"] = money(view->maintenance_margin);
    j["accountLTV"] = "0";
    j["coin"] = json::array{std::move(coin)};
    return j;
}

}  // namespace tradebot::sim::bybit

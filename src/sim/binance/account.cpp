#include <charconv>
#include <map>

#include "sim/binance/context.hpp"
#include "tradebot/sim/engine/leverage_bracket.hpp"
#include "tradebot/sim/engine/venue_errors.hpp"

namespace tradebot::sim::binance {

namespace {

std::optional<wire::reply> need_symbol(const context& ctx, const call& c, const engine::instrument*& spec) {
    if (!param(c, "symbol")) {
        return mandatory_missing("symbol");
    }
    if (!symbol_param(ctx, c, &spec)) {
        return error_reply(400, -1121, "Invalid symbol.");
    }
    return std::nullopt;
}

// Positions a position query may show: the empty_positions_once fault hides all of them once.
bool take_empty_fault(context& ctx) {
    if (ctx.faults.empty_positions_once) {
        ctx.faults.empty_positions_once = false;
        return true;
    }
    return false;
}

struct row {
    const engine::instrument* spec;
    engine::position_view view;
};

// One row per symbol (flat ones included), visible positions only.
std::vector<row> rows_of(const context& ctx, const std::string& account, bool hide_all) {
    std::vector<row> out;
    const auto* acc = ctx.ex.find_account(account);
    // The open positions in one pass over the account (a view per symbol would sum it each time).
    std::map<core::symbol, engine::position_view> open;
    if (const auto state = ctx.ex.account_state(account)) {
        for (const auto& p : state->positions) {
            open.emplace(p.symbol, p);
        }
    }
    for (const auto& sv : ctx.ex.snapshot().symbols) {
        row r{ctx.ex.find_instrument(sv.spec.symbol), {}};
        const auto held = open.find(sv.spec.symbol);
        auto v = held != open.end() ? std::optional{held->second} : ctx.ex.position(account, sv.spec.symbol);
        if (v && !hide_all && position_visible(ctx, account, sv.spec.symbol)) {
            r.view = *v;
        } else {
            r.view.symbol = sv.spec.symbol;
            r.view.mark_price = sv.prices.mark;
            r.view.leverage = acc != nullptr ? acc->leverage(sv.spec.symbol) : 1;
            r.view.mode = acc != nullptr ? acc->margin(sv.spec.symbol) : engine::margin_mode::cross;
        }
        out.push_back(r);
    }
    return out;
}

// The cap of the leverage brackets (GET /fapi/v1/leverageBracket) at this leverage.
std::string max_notional(const engine::instrument& spec, int leverage) {
    return engine::max_notional_at(spec, leverage).normalized().to_string();
}

}  // namespace

bool position_visible(const context& ctx, const engine::account_id& a, const core::symbol& s) {
    if (ctx.faults.position_visibility_delay.count() <= 0) {
        return true;
    }
    const auto it = ctx.position_opened.find({a, s});
    return it == ctx.position_opened.end() || ctx.clock.now() - it->second >= ctx.faults.position_visibility_delay;
}

wire::reply set_leverage(context& ctx, call& c) {
    if (auto e = check_params(c, {"symbol", "leverage"})) {
        return *e;
    }
    const engine::instrument* spec = nullptr;
    if (auto e = need_symbol(ctx, c, spec)) {
        return *e;
    }
    const auto l = param(c, "leverage");
    int lev = 0;
    if (!l || std::from_chars(l->data(), l->data() + l->size(), lev).ptr != l->data() + l->size()) {
        return mandatory_missing("leverage");
    }
    auto r = ctx.ex.set_leverage(c.account, spec->symbol, lev);
    if (!r) {
        return error_reply(engine::to_binance_error(r.error()));
    }
    publish_user(ctx, c.account, "ACCOUNT_CONFIG_UPDATE",
                 {{"e", "ACCOUNT_CONFIG_UPDATE"}, {"E", ctx.now_ms()}, {"T", ctx.now_ms()},
                  {"ac", {{"s", spec->venue_name()}, {"l", r.value()}}}});
    return json_reply(200, boost::json::object{
                               {"leverage", r.value()}, {"maxNotionalValue", max_notional(*spec, r.value())}, {"symbol", spec->venue_name()}});
}

wire::reply set_margin_type(context& ctx, call& c) {
    if (auto e = check_params(c, {"symbol", "marginType"})) {
        return *e;
    }
    const engine::instrument* spec = nullptr;
    if (auto e = need_symbol(ctx, c, spec)) {
        return *e;
    }
    const auto m = param(c, "marginType");
    if (!m) {
        return mandatory_missing("marginType");
    }
    if (*m != "ISOLATED" && *m != "CROSSED") {
        return invalid_param("marginType");
    }
    auto r = ctx.ex.set_margin_mode(c.account, spec->symbol,
                                    *m == "ISOLATED" ? engine::margin_mode::isolated : engine::margin_mode::cross);
    if (!r) {
        return error_reply(engine::to_binance_error(r.error()));
    }
    return json_reply(200, boost::json::object{{"code", 200}, {"msg", "success"}});
}

wire::reply get_dual(context& ctx, call& c) {
    if (auto e = check_params(c, {})) {
        return *e;
    }
    const auto* acc = ctx.ex.find_account(c.account);
    return json_reply(200, boost::json::object{
                               {"dualSidePosition", acc != nullptr && acc->pos_mode() == engine::position_mode::hedge}});
}

wire::reply set_dual(context& ctx, call& c) {
    if (auto e = check_params(c, {"dualSidePosition"})) {
        return *e;
    }
    const auto d = param(c, "dualSidePosition");
    if (!d) {
        return mandatory_missing("dualSidePosition");
    }
    if (*d != "true" && *d != "false") {
        return invalid_param("dualSidePosition");
    }
    auto r = ctx.ex.set_position_mode(c.account, *d == "true" ? engine::position_mode::hedge : engine::position_mode::one_way);
    if (!r) {
        return error_reply(engine::to_binance_error(r.error()));
    }
    return json_reply(200, boost::json::object{{"code", 200}, {"msg", "success"}});
}

namespace {

boost::json::object totals(const context& ctx, const engine::account_view& a) {
    boost::json::object o;
    o["totalInitialMargin"] = money(a.position_initial_margin + a.open_order_initial_margin);
    o["totalMaintMargin"] = money(a.maintenance_margin);
    o["totalWalletBalance"] = money(a.wallet_balance);
    o["totalUnrealizedProfit"] = money(a.unrealized_pnl);
    o["totalMarginBalance"] = money(a.margin_balance);
    o["totalPositionInitialMargin"] = money(a.position_initial_margin);
    o["totalOpenOrderInitialMargin"] = money(a.open_order_initial_margin);
    o["totalCrossWalletBalance"] = money(a.wallet_balance);
    o["totalCrossUnPnl"] = money(a.unrealized_pnl);
    o["availableBalance"] = money(a.available_balance);
    o["maxWithdrawAmount"] = money(a.available_balance);
    boost::json::object asset{{"asset", a.asset},
                              {"walletBalance", money(a.wallet_balance)},
                              {"unrealizedProfit", money(a.unrealized_pnl)},
                              {"marginBalance", money(a.margin_balance)},
                              {"maintMargin", money(a.maintenance_margin)},
                              {"initialMargin", money(a.position_initial_margin + a.open_order_initial_margin)},
                              {"positionInitialMargin", money(a.position_initial_margin)},
                              {"openOrderInitialMargin", money(a.open_order_initial_margin)},
                              {"crossWalletBalance", money(a.wallet_balance)},
                              {"crossUnPnl", money(a.unrealized_pnl)},
                              {"availableBalance", money(a.available_balance)},
                              {"maxWithdrawAmount", money(a.available_balance)},
                              {"updateTime", ctx.now_ms()}};
    o["assets"] = boost::json::array{asset};
    return o;
}

wire::reply account_common(context& ctx, call& c, bool v3) {
    if (auto e = check_params(c, {})) {
        return *e;
    }
    const auto a = ctx.ex.account_state(c.account);
    if (!a) {
        return error_reply(401, -2015, "Invalid API-key, IP, or permissions for action.");
    }
    boost::json::object o = totals(ctx, *a);
    if (!v3) {
        o["feeTier"] = 0;
        o["feeBurn"] = false;
        const auto* account = ctx.ex.find_account(c.account);
        o["canTrade"] = account == nullptr || !account->config().read_only;
        o["canDeposit"] = true;
        o["canWithdraw"] = true;
        o["updateTime"] = 0;
        o["multiAssetsMargin"] = false;
        o["tradeGroupId"] = -1;
        o["assets"].as_array()[0].as_object()["marginAvailable"] = true;
    }
    const bool hide = take_empty_fault(ctx);
    boost::json::array positions;
    for (const auto& r : rows_of(ctx, c.account, hide)) {
        const auto& p = r.view;
        if (v3 && p.size.is_zero()) {
            continue;  // [U] v3 lists only symbols with a position
        }
        boost::json::object j{{"symbol", r.spec->venue_name()},
                              {"positionSide", "BOTH"},
                              {"positionAmt", qty(r.spec, p.size)},
                              {"unrealizedProfit", money(p.unrealized_pnl)},
                              {"isolatedMargin", money(p.isolated_margin)},
                              {"notional", money(p.notional)},
                              {"isolatedWallet", money(p.isolated_margin)},
                              {"initialMargin", money(p.initial_margin)},
                              {"maintMargin", money(p.maintenance_margin)},
                              {"updateTime", ctx.now_ms()}};
        if (!v3) {
            j["positionInitialMargin"] = money(p.initial_margin);
            j["openOrderInitialMargin"] = money({});
            j["leverage"] = std::to_string(p.leverage);
            j["isolated"] = p.mode == engine::margin_mode::isolated;
            j["entryPrice"] = px(r.spec, p.entry_price);
            j["breakEvenPrice"] = px(r.spec, p.entry_price);
            j["maxNotional"] = max_notional(*r.spec, p.leverage);
            j["bidNotional"] = "0";
            j["askNotional"] = "0";
        }
        positions.push_back(std::move(j));
    }
    o["positions"] = std::move(positions);
    return json_reply(200, o);
}

}  // namespace

wire::reply account_v2(context& ctx, call& c) { return account_common(ctx, c, false); }
wire::reply account_v3(context& ctx, call& c) { return account_common(ctx, c, true); }

wire::reply balance(context& ctx, call& c) {
    if (auto e = check_params(c, {})) {
        return *e;
    }
    const auto a = ctx.ex.account_state(c.account);
    if (!a) {
        return error_reply(401, -2015, "Invalid API-key, IP, or permissions for action.");
    }
    return json_reply(200, boost::json::array{{{"accountAlias", "SgsR"},
                                               {"asset", a->asset},
                                               {"balance", money(a->wallet_balance)},
                                               {"crossWalletBalance", money(a->wallet_balance)},
                                               {"crossUnPnl", money(a->unrealized_pnl)},
                                               {"availableBalance", money(a->available_balance)},
                                               {"maxWithdrawAmount", money(a->available_balance)},
                                               {"marginAvailable", true},
                                               {"updateTime", ctx.now_ms()}}});
}

namespace {

wire::reply position_risk(context& ctx, call& c, bool v3) {
    if (auto e = check_params(c, {"symbol"})) {
        return *e;
    }
    std::optional<core::symbol> only;
    if (param(c, "symbol")) {
        only = symbol_param(ctx, c, nullptr);
        if (!only) {
            return error_reply(400, -1121, "Invalid symbol.");
        }
    }
    const bool hide = take_empty_fault(ctx);
    boost::json::array out;
    for (const auto& r : rows_of(ctx, c.account, hide)) {
        const auto& p = r.view;
        if (only && p.symbol != *only) {
            continue;
        }
        if (v3 && p.size.is_zero() && (hide || ctx.ex.open_orders(c.account, p.symbol).empty())) {
            continue;  // v3: only symbols with a position or open orders (§A8)
        }
        boost::json::object j{{"symbol", r.spec->venue_name()},
                              {"positionSide", "BOTH"},
                              {"positionAmt", qty(r.spec, p.size)},
                              {"entryPrice", px(r.spec, p.entry_price)},
                              {"breakEvenPrice", px(r.spec, p.entry_price)},
                              {"markPrice", px(r.spec, p.mark_price)},
                              {"unRealizedProfit", money(p.unrealized_pnl)},
                              {"liquidationPrice", px(r.spec, p.liquidation_price)},
                              {"isolatedMargin", money(p.isolated_margin)},
                              {"notional", money(p.notional)},
                              {"isolatedWallet", money(p.isolated_margin)},
                              {"updateTime", ctx.now_ms()}};
        if (v3) {
            j["marginAsset"] = ctx.ex.config().settlement_asset;
            j["initialMargin"] = money(p.initial_margin);
            j["maintMargin"] = money(p.maintenance_margin);
            j["positionInitialMargin"] = money(p.initial_margin);
            j["openOrderInitialMargin"] = money({});
            j["adl"] = 0;
            j["bidNotional"] = "0";
            j["askNotional"] = "0";
        } else {
            j["leverage"] = std::to_string(p.leverage);
            j["maxNotionalValue"] = max_notional(*r.spec, p.leverage);
            j["marginType"] = std::string{margin_type_name(p.mode)};
            j["isAutoAddMargin"] = "false";
        }
        out.push_back(std::move(j));
    }
    return json_reply(200, out);
}

}  // namespace

wire::reply position_risk_v2(context& ctx, call& c) { return position_risk(ctx, c, false); }
wire::reply position_risk_v3(context& ctx, call& c) { return position_risk(ctx, c, true); }

}  // namespace tradebot::sim::binance

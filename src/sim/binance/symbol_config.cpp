#include "sim/binance/context.hpp"
#include "tradebot/sim/engine/leverage_bracket.hpp"

namespace tradebot::sim::binance {

namespace {

// With `symbol` only that symbol (unknown: -1121), otherwise every symbol of the venue.
std::optional<wire::reply> symbols_of(const context& ctx, const call& c, std::vector<const engine::instrument*>& out) {
    if (param(c, "symbol")) {
        const engine::instrument* spec = nullptr;
        if (!symbol_param(ctx, c, &spec)) {
            return error_reply(400, -1121, "Invalid symbol.");
        }
        out.push_back(spec);
        return std::nullopt;
    }
    for (const auto& sv : ctx.ex.snapshot().symbols) {
        out.push_back(ctx.ex.find_instrument(sv.spec.symbol));
    }
    return std::nullopt;
}

}  // namespace

// GET /fapi/v1/symbolConfig ("Symbol Configuration", weight 5): ccxt's fetchLeverage and
// fetchMarginMode read it. Not in exchange-apis.md: the official USD-M docs' shape, an array of
// {symbol, marginType CROSSED|ISOLATED, isAutoAddMargin "false", leverage, maxNotionalValue} [U].
wire::reply symbol_config(context& ctx, call& c) {
    if (auto e = check_params(c, {"symbol"})) {
        return *e;
    }
    const auto* acc = ctx.ex.find_account(c.account);
    if (acc == nullptr) {
        return error_reply(401, -2015, "Invalid API-key, IP, or permissions for action.");
    }
    std::vector<const engine::instrument*> specs;
    if (auto e = symbols_of(ctx, c, specs)) {
        return *e;
    }
    boost::json::array out;
    for (const auto* spec : specs) {
        const int leverage = acc->leverage(spec->symbol);
        const bool isolated = acc->margin(spec->symbol) == engine::margin_mode::isolated;
        out.push_back({{"symbol", spec->venue_name()},
                       {"marginType", isolated ? "ISOLATED" : "CROSSED"},
                       {"isAutoAddMargin", "false"},
                       {"leverage", leverage},
                       {"maxNotionalValue", engine::max_notional_at(*spec, leverage).normalized().to_string()}});
    }
    return json_reply(200, out);
}

// GET /fapi/v1/commissionRate ("User Commission Rate", weight 20): ccxt's fetchTradingFee. The
// account's maker/taker rates; rpiCommissionRate (§A13, RPI orders) is not simulated and is 0 [U].
wire::reply commission_rate(context& ctx, call& c) {
    if (auto e = check_params(c, {"symbol"})) {
        return *e;
    }
    if (!param(c, "symbol")) {
        return mandatory_missing("symbol");
    }
    const engine::instrument* spec = nullptr;
    if (!symbol_param(ctx, c, &spec)) {
        return error_reply(400, -1121, "Invalid symbol.");
    }
    const auto* acc = ctx.ex.find_account(c.account);
    if (acc == nullptr) {
        return error_reply(401, -2015, "Invalid API-key, IP, or permissions for action.");
    }
    return json_reply(200, boost::json::object{
                               {"symbol", spec->venue_name()},
                               {"makerCommissionRate", acc->fee_rate(engine::liquidity::maker).normalized().to_string()},
                               {"takerCommissionRate", acc->fee_rate(engine::liquidity::taker).normalized().to_string()},
                               {"rpiCommissionRate", "0"}});
}

}  // namespace tradebot::sim::binance

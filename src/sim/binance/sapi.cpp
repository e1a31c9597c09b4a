#include <set>
#include <string>

#include "sim/binance/context.hpp"

namespace tradebot::sim::binance {

// GET /sapi/v1/capital/config/getall ("All Coins' Information", the wallet API on the spot host):
// ccxt's binanceusdm asks it first in loadMarkets to learn currencies. exchange-apis.md covers only
// fapi (§A1 notes testnet answers /sapi with 403), so the shape is the official wallet docs' [U].
// The simulator has no chain transfers: every coin lists no networks and cannot be deposited or
// withdrawn; the settlement asset's free amount is the futures wallet balance, other coins hold 0.
wire::reply capital_config_getall(context& ctx, call& c) {
    if (auto e = check_params(c, {})) {
        return *e;
    }
    const auto a = ctx.ex.account_state(c.account);
    if (!a) {
        return error_reply(401, -2015, "Invalid API-key, IP, or permissions for action.");
    }
    std::set<std::string> coins{a->asset};
    for (const auto& sv : ctx.ex.snapshot().symbols) {
        if (const auto* i = ctx.ex.find_instrument(sv.spec.symbol)) {
            coins.insert(i->base_asset);
            coins.insert(i->quote_asset);
        }
    }
    boost::json::array out;
    for (const auto& coin : coins) {
        const bool settlement = coin == a->asset;
        out.push_back(boost::json::object{{"coin", coin},
                                          {"depositAllEnable", false},
                                          {"withdrawAllEnable", false},
                                          {"name", coin},
                                          {"free", settlement ? money(a->wallet_balance) : "0"},
                                          {"locked", "0"},
                                          {"freeze", "0"},
                                          {"withdrawing", "0"},
                                          {"ipoing", "0"},
                                          {"ipoable", "0"},
                                          {"storage", "0"},
                                          {"isLegalMoney", false},
                                          {"trading", true},
                                          {"networkList", boost::json::array{}}});
    }
    return json_reply(200, out);
}

// GET /sapi/v1/margin/allPairs ("Get All Cross Margin Pairs", MARKET_DATA): ccxt's binanceusdm asks
// it beside the coins. The simulator has no spot margin market, so it lists no pairs; `symbol`
// naming any pair is then unknown [U] (official docs' shape: an array of {id, symbol, base, quote,
// isMarginTrade, isBuyAllowed, isSellAllowed}).
wire::reply margin_all_pairs(context&, call& c) {
    if (auto e = check_params(c, {"symbol"})) {
        return *e;
    }
    if (param(c, "symbol")) {
        return error_reply(400, -1121, "Invalid symbol.");
    }
    return json_reply(200, boost::json::array{});
}

}  // namespace tradebot::sim::binance

#include <set>
#include <string>

#include "sim/bybit/handlers.hpp"

namespace tradebot::sim::bybit {

// GET /v5/asset/coin/query-info ("Get Coin Info"): ccxt's loadMarkets asks it first to learn
// currencies. exchange-apis.md does not describe it: the shape is the official V5 docs' [U]. The
// simulator has no chain transfers, so every coin lists no chains; `coin` filters to one coin.
outcome coin_info(context& ctx, const request& r) {
    std::set<std::string> coins{ctx.ex.config().settlement_asset};
    for (const auto& sv : ctx.ex.snapshot().symbols) {
        if (const auto* i = ctx.ex.find_instrument(sv.spec.symbol)) {
            coins.insert(i->base_asset);
            coins.insert(i->quote_asset);
        }
    }
    const auto wanted = r.text("coin");
    json::array rows;
    for (const auto& coin : coins) {
        if (wanted && *wanted != coin) {
            continue;
        }
        rows.push_back(json::object{{"name", coin}, {"coin", coin}, {"remainAmount", "0"}, {"chains", json::array{}}});
    }
    outcome o;
    o.result = json::object{{"rows", std::move(rows)}};
    return o;
}

}  // namespace tradebot::sim::bybit

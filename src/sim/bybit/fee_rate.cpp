#include "sim/bybit/handlers.hpp"

namespace tradebot::sim::bybit {

// GET /v5/account/fee-rate ("Get Fee Rate"): ccxt's fetchTradingFee(s). The rate limit group is
// §B3's (5/s); the shape is the official V5 docs' [U]: {category?, list:[{symbol, baseCoin,
// takerFeeRate, makerFeeRate}]}, every symbol without `symbol`. The rates are the account's.
outcome fee_rate(context& ctx, const request& r) {
    if (auto e = check_category(r)) {
        return *e;
    }
    const auto* acc = ctx.ex.find_account(r.account);
    if (acc == nullptr) {
        return fail(10003, "API key is invalid.");
    }
    std::vector<const engine::instrument*> specs;
    if (const auto s = r.text("symbol")) {
        const auto* i = instrument_of(ctx, *s);
        if (i == nullptr) {
            return param_error("symbol");  // [U]
        }
        specs.push_back(i);
    } else {
        for (const auto& sv : ctx.ex.snapshot().symbols) {
            if (const auto* i = ctx.ex.find_instrument(sv.spec.symbol)) {
                specs.push_back(i);
            }
        }
    }
    json::array list;
    for (const auto* i : specs) {
        list.push_back(json::object{{"symbol", i->venue_name()},
                                    {"baseCoin", ""},
                                    {"takerFeeRate", acc->fee_rate(engine::liquidity::taker).normalized().to_string()},
                                    {"makerFeeRate", acc->fee_rate(engine::liquidity::maker).normalized().to_string()}});
    }
    outcome o;
    o.result = json::object{{"list", std::move(list)}};
    return o;
}

}  // namespace tradebot::sim::bybit

#include "sim/bybit/handlers.hpp"
#include "tradebot/sim/engine/leverage_bracket.hpp"

namespace tradebot::sim::bybit {

// GET /v5/market/risk-limit ("Get Risk Limit"): ccxt's fetchLeverageTiers. exchange-apis.md does
// not describe it; the shape is the official V5 docs' [U]. The tiers are the symbol's leverage
// brackets (the same ones that cap leverageFilter.maxLeverage): id = bracket, riskLimitValue = its
// notional cap, maintenanceMargin its ratio, initialMargin 1 / its leverage, mmDeduction its cum.
// Without `symbol`, every symbol's tiers.
outcome risk_limit(context& ctx, const request& r) {
    if (auto e = check_category(r)) {
        return *e;
    }
    std::vector<const engine::instrument*> specs;
    if (const auto s = r.text("symbol")) {
        const auto* i = instrument_of(ctx, *s);
        if (i == nullptr) {
            return param_error("symbol");  // [U] the docs name no error for an unknown symbol
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
        for (const auto& b : engine::brackets_of(*i)) {
            const auto initial = core::decimal::from_int(1).divide(core::decimal::from_int(b.initial_leverage), 8,
                                                                   core::rounding::half_even);
            list.push_back(json::object{{"id", b.bracket},
                                        {"symbol", i->venue_name()},
                                        {"riskLimitValue", b.notional_cap.normalized().to_string()},
                                        {"maintenanceMargin", b.maint_margin_ratio.normalized().to_string()},
                                        {"initialMargin", initial.normalized().to_string()},
                                        {"isLowestRisk", b.bracket == 1 ? 1 : 0},
                                        {"maxLeverage", std::to_string(b.initial_leverage) + ".00"},
                                        {"mmDeduction", b.cum.normalized().to_string()}});
        }
    }
    outcome o;
    o.result = json::object{{"category", "linear"}, {"list", std::move(list)}, {"nextPageCursor", ""}};
    return o;
}

}  // namespace tradebot::sim::bybit

#include "sim/bybit/handlers.hpp"
#include "sim/bybit/order_lookup.hpp"

namespace tradebot::sim::bybit {

outcome trading_stop(context& ctx, const request& r) {
    const auto sym = required_instrument(ctx, r);
    if (sym.error) {
        return *sym.error;
    }
    const auto* i = sym.instrument;
    const auto mode = r.text("tpslMode");
    if (!mode) {
        return param_error("tpslMode");
    }
    if (*mode != "Full") {
        // [simplification] Partial TP/SL (tpSize/slSize, limit legs) is not simulated.
        return param_error("tpslMode");
    }
    const auto idx = int_field(r, "positionIdx");
    if (!idx.ok() || idx.value < 0 || idx.value > 2) {
        return param_error("positionIdx");
    }
    for (const char* key : {"tpOrderType", "slOrderType"}) {
        if (const auto t = r.text(key); t && *t != "Market") {
            return param_error(key);  // Full mode allows only Market legs
        }
    }
    engine::trading_stop_request req;
    req.symbol = i->symbol;
    if (idx.value != 0) {
        req.position_side = idx.value == 1 ? core::position_side::long_ : core::position_side::short_;
    }
    const std::pair<const char*, std::optional<core::decimal>*> prices[] = {
        {"takeProfit", &req.take_profit},
        {"stopLoss", &req.stop_loss},
        {"trailingStop", &req.trailing_stop},
        {"activePrice", &req.active_price},
    };
    for (const auto& [key, slot] : prices) {
        const auto f = decimal_field(r, key);
        if (f.invalid() || (f.ok() && f.value.is_negative())) {
            return param_error(key);
        }
        if (f.ok()) {
            *slot = f.value;
        }
    }
    for (const auto& [key, slot] : {std::pair{"tpTriggerBy", &req.tp_trigger_by}, std::pair{"slTriggerBy", &req.sl_trigger_by}}) {
        if (const auto t = r.text(key)) {
            const auto w = parse_trigger_by(*t);
            if (!w) {
                return param_error(key);
            }
            *slot = *w;
        }
    }
    auto res = ctx.ex.set_trading_stop(r.account, req);
    if (!res) {
        return rejected(res.error());
    }
    return outcome{};
}

}  // namespace tradebot::sim::bybit

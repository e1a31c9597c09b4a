#include "sim/bybit/handlers.hpp"
#include "sim/bybit/order_lookup.hpp"
#include "sim/bybit/render.hpp"

namespace tradebot::sim::bybit {

namespace {

// Bybit's REST positions lag the fills (faults().position_visibility_delay).
bool visible(const context& ctx, const engine::account_id& a, const core::symbol& s) {
    if (ctx.faults.position_visibility_delay.count() <= 0) {
        return true;
    }
    const auto it = ctx.position_opened.find({a, s});
    return it == ctx.position_opened.end() || ctx.clock.now() - it->second >= ctx.faults.position_visibility_delay;
}

}  // namespace

outcome position_list(context& ctx, const request& r) {
    if (auto e = check_category(r)) {
        return *e;
    }
    const auto symbol = r.text("symbol");
    const auto settle = r.text("settleCoin");
    if (!symbol && !settle) {
        return param_error("symbol or settleCoin");  // [U] text
    }
    const auto limit = int_field(r, "limit");
    if (limit.invalid() || (limit.ok() && (limit.value < 1 || limit.value > 200))) {
        return param_error("limit");
    }
    json::array list;
    const bool hide_all = ctx.faults.empty_positions_once;
    ctx.faults.empty_positions_once = false;
    if (symbol) {
        const auto* i = instrument_of(ctx, *symbol);
        if (i == nullptr) {
            return rejected(engine::reject(engine::reject_reason::unknown_symbol));
        }
        if (!hide_all) {
            if (visible(ctx, r.account, i->symbol)) {
                list.push_back(position_json(ctx, r.account, i->symbol, false));
            } else {
                // [U] a position still inside the visibility lag shows as the flat row.
                auto row = position_json(ctx, r.account, i->symbol, false);
                row["side"] = "";
                row["size"] = qt(*i, {});
                row["avgPrice"] = px(*i, {});
                row["positionValue"] = "0";
                row["unrealisedPnl"] = "0";
                list.push_back(std::move(row));
            }
        }
    } else if (*settle == ctx.ex.config().settlement_asset && !hide_all) {
        if (const auto view = ctx.ex.account_state(r.account)) {
            for (const auto& p : view->positions) {
                if (!p.size.is_zero() && visible(ctx, r.account, p.symbol)) {
                    list.push_back(position_json(ctx, r.account, p.symbol, false));
                }
            }
        }
    }
    if (limit.ok() && list.size() > static_cast<std::size_t>(limit.value)) {
        list.erase(list.begin() + limit.value, list.end());
    }
    outcome o;
    o.result = json::object{{"list", std::move(list)}, {"nextPageCursor", ""}, {"category", "linear"}};
    return o;
}

outcome set_leverage(context& ctx, const request& r) {
    const auto sym = required_instrument(ctx, r);
    if (sym.error) {
        return *sym.error;
    }
    const auto* i = sym.instrument;
    const auto buy = decimal_field(r, "buyLeverage");
    const auto sell = decimal_field(r, "sellLeverage");
    if (!buy.ok()) {
        return param_error("buyLeverage");
    }
    if (!sell.ok()) {
        return param_error("sellLeverage");
    }
    if (buy.value != sell.value) {
        return param_error("buyLeverage");  // [U] one-way + cross need buy == sell
    }
    // [simplification] the engine keeps whole leverages; 10.5 is refused although Bybit's step is 0.01.
    if (!buy.value.is_multiple_of(core::decimal::from_int(1)) || buy.value > core::decimal::from_int(10'000)) {
        return rejected(engine::reject(engine::reject_reason::invalid_leverage));
    }
    const auto lev = static_cast<int>(buy.value.rescale(0, core::rounding::down).mantissa());
    auto res = ctx.ex.set_leverage(r.account, i->symbol, lev);
    if (!res) {
        return rejected(res.error());
    }
    return outcome{};
}

outcome switch_mode(context& ctx, const request& r) {
    if (auto e = check_category(r)) {
        return *e;
    }
    if (!r.has("symbol") && !r.has("coin")) {
        return param_error("symbol");  // [U] text
    }
    if (const auto s = r.text("symbol"); s && instrument_of(ctx, *s) == nullptr) {
        return rejected(engine::reject(engine::reject_reason::unknown_symbol));
    }
    const auto mode = int_field(r, "mode");
    if (!mode.ok() || (mode.value != 0 && mode.value != 3)) {
        return fail(10001, "params error: position_mode invalid");  // B4 wire text
    }
    // [simplification] the engine's position mode is account-wide, so a per-symbol switch
    // switches the account.
    auto res = ctx.ex.set_position_mode(r.account, mode.value == 0 ? engine::position_mode::one_way
                                                                    : engine::position_mode::hedge);
    if (!res) {
        return rejected(res.error());
    }
    return outcome{};
}

// Bybit's margin mode is account-wide (UTA); the engine keeps one per symbol, so every symbol is
// switched. The field names and the empty `reasons` answer are [U]: the reference names the
// endpoint only (§B7). Portfolio margin is not simulated.
outcome set_margin_mode(context& ctx, const request& r) {
    const auto mode = r.text("setMarginMode");
    if (!mode || (*mode != "REGULAR_MARGIN" && *mode != "ISOLATED_MARGIN")) {
        return param_error("setMarginMode");
    }
    const auto m = *mode == "ISOLATED_MARGIN" ? engine::margin_mode::isolated : engine::margin_mode::cross;
    for (const auto& sym : ctx.ex.snapshot().symbols) {
        auto res = ctx.ex.set_margin_mode(r.account, sym.spec.symbol, m);
        if (!res && res.error().reason != engine::reject_reason::margin_mode_not_modified) {
            return rejected(res.error());
        }
    }
    outcome o;
    o.result = json::object{{"reasons", json::array{}}};
    return o;
}

}  // namespace tradebot::sim::bybit

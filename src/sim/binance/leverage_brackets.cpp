#include <string>

#include "sim/binance/context.hpp"
#include "tradebot/sim/engine/leverage_bracket.hpp"

namespace tradebot::sim::binance {

namespace {

// [U] exchange-apis.md does not describe GET /fapi/v1/leverageBracket: the shape is the official
// USD-M docs' ("Notional and Leverage Brackets"): an array of {symbol, notionalCoef?, brackets}
// without `symbol`, the bare object with it. notionalCoef appears only for a user whose brackets
// were adjusted, which the simulator never does. The bracket fields are JSON numbers, so the text is
// written here digit for digit (a double would print 0.0065 as 6.5E-3 and could round).
void append_symbol(std::string& out, const engine::instrument& spec) {
    out += R"({"symbol":")";
    out += spec.venue_name();
    out += R"(","brackets":[)";
    bool first = true;
    for (const auto& b : engine::brackets_of(spec)) {
        if (!first) out += ',';
        first = false;
        out += R"({"bracket":)" + std::to_string(b.bracket);
        out += R"(,"initialLeverage":)" + std::to_string(b.initial_leverage);
        out += R"(,"notionalCap":)" + b.notional_cap.normalized().to_string();
        out += R"(,"notionalFloor":)" + b.notional_floor.normalized().to_string();
        out += R"(,"maintMarginRatio":)" + b.maint_margin_ratio.normalized().to_string();
        out += R"(,"cum":)" + b.cum.normalized().to_string() + '}';
    }
    out += "]}";
}

}  // namespace

wire::reply leverage_bracket(context& ctx, call& c) {
    if (auto e = check_params(c, {"symbol"})) {
        return *e;
    }
    std::string body;
    if (param(c, "symbol")) {
        const engine::instrument* spec = nullptr;
        if (!symbol_param(ctx, c, &spec)) {
            return error_reply(400, -1121, "Invalid symbol.");
        }
        append_symbol(body, *spec);
    } else {
        body = "[";
        bool first = true;
        const auto snap = ctx.ex.snapshot();
        for (const auto& sv : snap.symbols) {
            const auto* spec = ctx.ex.find_instrument(sv.spec.symbol);
            if (spec == nullptr) continue;
            if (!first) body += ',';
            first = false;
            append_symbol(body, *spec);
        }
        body += ']';
    }
    wire::reply r;
    r.response.status = 200;
    r.response.content_type = "application/json";
    r.response.body = std::move(body);
    return r;
}

}  // namespace tradebot::sim::binance

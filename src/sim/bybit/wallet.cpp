#include "sim/bybit/handlers.hpp"
#include "sim/bybit/render.hpp"

namespace tradebot::sim::bybit {

outcome wallet_balance(context& ctx, const request& r) {
    const auto type = r.text("accountType");
    if (!type || *type != "UNIFIED") {
        return param_error("accountType");  // [U] text; UNIFIED is the only account type left
    }
    json::object item = wallet_json(ctx, r.account);
    if (const auto coins = r.text("coin")) {
        // Comma-separated filter; the simulator holds only the settlement coin.
        const std::string& settle = ctx.ex.config().settlement_asset;
        bool wanted = false;
        std::string_view rest = *coins;
        while (!rest.empty()) {
            const auto comma = rest.find(',');
            wanted = wanted || rest.substr(0, comma) == settle;
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        }
        if (!wanted) {
            item["coin"] = json::array{};
        }
    }
    outcome o;
    o.result = json::object{{"list", json::array{std::move(item)}}};
    return o;
}

}  // namespace tradebot::sim::bybit

#include <algorithm>
#include <set>

#include "sim/binance/context.hpp"

namespace tradebot::sim::binance {

namespace {
bool has_duplicate(const wire::params& p) {
    std::set<std::string_view> seen;
    for (const auto& [k, v] : p.items()) {
        if (!seen.insert(k).second) {
            return true;
        }
    }
    return false;
}
}  // namespace

std::optional<wire::reply> check_params(const call& c, std::initializer_list<std::string_view> allowed) {
    // Repeats inside one part are refused; the same name in query and body is legal (query wins).
    if (has_duplicate(wire::params::parse(wire::query_of(c.request.target))) ||
        has_duplicate(wire::params::parse(c.request.body))) {
        return error_reply(400, -1101, "Duplicate values for a parameter detected.");
    }
    for (const auto& [k, v] : c.params.items()) {
        if (k == "timestamp" || k == "recvWindow" || k == "signature") {
            continue;
        }
        if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
            // [U] the real venue's treatment of unknown parameters is not documented per endpoint.
            return error_reply(400, -1103, "An unknown parameter was sent.");
        }
    }
    return std::nullopt;
}

std::optional<std::string_view> param(const call& c, std::string_view key) {
    auto v = c.params.get(key);
    if (v && v->empty()) {
        return std::nullopt;
    }
    return v;
}

std::optional<core::symbol> symbol_param(const context& ctx, const call& c, const engine::instrument** spec) {
    const auto v = param(c, "symbol");
    if (!v) {
        return std::nullopt;
    }
    const auto* i = ctx.ex.find_instrument_by_venue_name(*v);
    if (i == nullptr) {
        return std::nullopt;
    }
    if (spec != nullptr) {
        *spec = i;
    }
    return i->symbol;
}

}  // namespace tradebot::sim::binance

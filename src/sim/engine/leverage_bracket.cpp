#include "tradebot/sim/engine/leverage_bracket.hpp"

#include <algorithm>
#include <array>

namespace tradebot::sim::engine {

namespace {

struct default_tier {
    int above;  // the tier holds leverages above this one
    std::int64_t cap;
};

// Highest leverage first, as the venue lists its brackets.
constexpr std::array<default_tier, 3> default_tiers{{{50, 300'000}, {20, 1'000'000}, {0, 5'000'000}}};

}  // namespace

void number_brackets(std::vector<leverage_bracket>& brackets) {
    core::decimal cum;
    core::decimal previous_mmr;
    for (std::size_t i = 0; i < brackets.size(); ++i) {
        auto& b = brackets[i];
        b.bracket = static_cast<int>(i) + 1;
        if (i > 0) {
            cum += b.notional_floor * (b.maint_margin_ratio - previous_mmr);
        }
        b.cum = cum;
        previous_mmr = b.maint_margin_ratio;
    }
}

std::vector<leverage_bracket> brackets_of(const instrument& spec) {
    if (!spec.leverage_brackets.empty()) {
        return spec.leverage_brackets;
    }
    std::vector<leverage_bracket> out;
    core::decimal floor;
    int top = spec.max_leverage;
    for (const auto& t : default_tiers) {
        if (top <= t.above) {
            continue;  // the instrument's maximum is below this tier
        }
        leverage_bracket b;
        b.initial_leverage = top;
        b.notional_floor = floor;
        b.notional_cap = core::decimal::from_int(t.cap);
        b.maint_margin_ratio = spec.maintenance_margin_rate;
        out.push_back(b);
        floor = b.notional_cap;
        top = t.above;
    }
    number_brackets(out);
    return out;
}

int max_leverage_of(const instrument& spec) {
    return spec.leverage_brackets.empty() ? spec.max_leverage : spec.leverage_brackets.front().initial_leverage;
}

core::decimal max_notional_at(const instrument& spec, int leverage) {
    core::decimal cap;
    for (const auto& b : brackets_of(spec)) {
        if (b.initial_leverage >= leverage) {
            cap = b.notional_cap;
        }
    }
    return cap;
}

}  // namespace tradebot::sim::engine

#include "backtest/replay_model.hpp"

namespace tradebot::backtest {

std::string_view to_string(intrabar i) noexcept {
    switch (i) {
        case intrabar::worst: return "worst";
        case intrabar::optimistic: return "optimistic";
        case intrabar::ohlc: return "ohlc";
    }
    return "worst";
}

std::optional<intrabar> parse_intrabar(std::string_view text) noexcept {
    for (const auto i : {intrabar::worst, intrabar::optimistic, intrabar::ohlc}) {
        if (text == to_string(i)) return i;
    }
    return std::nullopt;
}

namespace model {

using core::decimal;

decimal money(decimal d) { return d.scale() > 8 ? d.rescale(8, core::rounding::half_even) : d; }

config::settings adapted(config::settings s, std::vector<std::string>& notes) {
    s.app.mode = core::mode::test;
    if (s.signals.filters.open_interest_enabled) {
        s.signals.filters.open_interest_enabled = false;
        notes.emplace_back("open-interest filter not applied: klines carry no open interest");
    }
    if (!s.risk.kill_switch_file.empty()) {
        s.risk.kill_switch_file.clear();
        notes.emplace_back("kill switch file ignored: it belongs to the live daemon");
    }
    notes.emplace_back("instruments derived from the price data (tick = finest price step, min notional 5 USDT)");
    return s;
}

std::array<decimal, 4> bar_path(const bar& b, intrabar order, std::optional<core::position_side> side) {
    bool low_first = false;
    const bool bullish = b.close >= b.open;
    switch (order) {
        case intrabar::ohlc: low_first = false; break;
        case intrabar::worst: low_first = side ? *side == core::position_side::long_ : bullish; break;
        case intrabar::optimistic: low_first = side ? *side == core::position_side::short_ : bullish; break;
    }
    if (b.high_first) low_first = !*b.high_first;  // the trades said which came first
    return low_first ? std::array{b.open, b.low, b.high, b.close} : std::array{b.open, b.high, b.low, b.close};
}

std::string exit_reason(const std::string& core_reason, bool trailing_activated) {
    if (core_reason != "closed_on_venue") return core_reason;
    return trailing_activated ? "trailing_stop" : "stop_loss";
}

}  // namespace model

}  // namespace tradebot::backtest

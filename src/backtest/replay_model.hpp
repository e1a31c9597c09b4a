#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tradebot/backtest/price_history.hpp"
#include "tradebot/backtest/runner.hpp"
#include "tradebot/config/settings.hpp"
#include "tradebot/core/clock.hpp"

// The parts of the replay that are rules rather than wiring: what the backtest changes in the
// configuration, the path a bar's price takes, how a close is named in the report.
namespace tradebot::backtest::model {

// Sums of many fills stay far from the decimal's 18-digit limit at 8 places.
[[nodiscard]] core::decimal money(core::decimal d);

[[nodiscard]] inline core::clock::time_point at_ms(std::int64_t ms) {
    return core::clock::time_point{std::chrono::milliseconds{ms}};
}
[[nodiscard]] inline std::int64_t ms_of(core::clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// The backtest's copy of the settings: what cannot work without the live world is turned off, and
// each change is added to `notes` for the report.
[[nodiscard]] config::settings adapted(config::settings s, std::vector<std::string>& notes);

// The four marks of a bar in `order`, for a symbol whose open position is `side` (none: flat).
[[nodiscard]] std::array<core::decimal, 4> bar_path(const bar& b, intrabar order,
                                                    std::optional<core::position_side> side);

// The trading core records a close by the venue's own stop as closed_on_venue (it learns of it from
// the position going flat); the report names the stop: trailed or not.
[[nodiscard]] std::string exit_reason(const std::string& core_reason, bool trailing_activated);

}  // namespace tradebot::backtest::model

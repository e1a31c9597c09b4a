#pragma once

#include <optional>
#include <string_view>

#include "tradebot/signals/signal.hpp"

namespace tradebot::signals::detail {

// Without the ASCII blanks at either end.
[[nodiscard]] std::string_view trim(std::string_view s) noexcept;

// The checks of validate() on what the producer wrote (exchange, symbol, side, scores,
// candle_time, wave_time), filling those fields of `out`; nullopt when they all pass. Shared with
// validate_external(), whose rows have no id or received_at yet.
[[nodiscard]] std::optional<reject> check_producer_fields(const raw_signal& raw, signal& out);

}  // namespace tradebot::signals::detail

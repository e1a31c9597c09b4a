#pragma once

// The hot market frames (markPriceUpdate, bookTicker: nearly all traffic) decoded in one
// on-demand pass straight into their structs. Anything else, or anything unusual about the
// frame (nested values, escaped keys, JSON errors, other events), is left to the generic pass,
// which then gives exactly the answer it always gave.

#include <optional>
#include <string_view>

#include "exchange/binance/frame.hpp"

namespace tradebot::exchange::binance::detail {

// The same from the frame's bytes, without simdjson (json::flat_scan); nullopt: run decode_hot.
[[nodiscard]] std::optional<decoded> decode_flat(std::string_view text, const context& c);

// nullopt: not decoded here; run the generic pass.
[[nodiscard]] std::optional<decoded> decode_hot(json::od::document& doc, const context& c);

}  // namespace tradebot::exchange::binance::detail

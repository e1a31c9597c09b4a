#pragma once

// The hot market frames (markPriceUpdate, bookTicker: nearly all traffic) decoded in one
// on-demand pass straight into their structs. Anything else, or anything unusual about the
// frame (nested values, escaped keys, JSON errors, other events), is left to the generic pass,
// which then gives exactly the answer it always gave.

#include <string_view>

#include "exchange/binance/frame.hpp"

namespace tradebot::exchange::binance::detail {

// The same from the frame's bytes when they are laid out exactly as the venue sends these events
// (json::fixed_scan: keys, order and value forms as the reference gives them), into `out`;
// false (`out` untouched): run decode_flat.
[[nodiscard]] bool decode_fixed(std::string_view text, const context& c, decoded& out);

// The same from the frame's bytes, without simdjson (json::flat_scan), into `out`; false (`out`
// untouched): run decode_hot.
[[nodiscard]] bool decode_flat(std::string_view text, const context& c, decoded& out);

// False (`out` untouched): not decoded here; run the generic pass.
[[nodiscard]] bool decode_hot(json::od::document& doc, const context& c, decoded& out);

// The generic pass alone, without the three stages above: the reference the differential fuzz
// target (tests/fuzz/binance_stream.cpp) holds them to. Allocates a parser per call.
[[nodiscard]] decoded decode_generic(std::string_view text, const context& c) noexcept;

}  // namespace tradebot::exchange::binance::detail

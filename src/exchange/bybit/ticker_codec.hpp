#pragma once

// tickers.<SYMBOL>, nearly all public traffic, decoded in one on-demand pass straight into a
// ticker_patch. Anything unusual (nested values, escaped keys, JSON errors, other topics) is
// left to the generic pass, which then answers exactly as it always did.

#include <string_view>

#include "exchange/bybit/frame.hpp"

namespace tradebot::exchange::bybit::detail {

// All three write the result into `out` (the decoded variant is over 500 bytes: built in place,
// not returned and moved again).

// The same from the frame's bytes when they are laid out as the venue sends tickers
// (json::fixed_scan: topic, type, data, cs, ts in that order; every data member a string, each
// key once, prices in plain form), parsed while they are passed over; false (`out` untouched):
// run decode_ticker_flat.
[[nodiscard]] bool decode_ticker_fixed(std::string_view text, const context& c, ticker_book& book, decoded& out);

// The same from the frame's bytes, without simdjson (json::flat_scan); false (`out` untouched):
// run decode_ticker_hot.
[[nodiscard]] bool decode_ticker_flat(std::string_view text, const context& c, ticker_book& book, decoded& out);

// False (`out` untouched): not decoded here; run the generic pass.
[[nodiscard]] bool decode_ticker_hot(json::od::document& doc, const context& c, ticker_book& book, decoded& out);

// The generic pass alone, without the three stages above: the reference the differential fuzz
// target (tests/fuzz/bybit_stream.cpp) holds them to. Allocates a parser per call.
[[nodiscard]] decoded decode_generic(std::string_view text, const context& c, ticker_book& book) noexcept;

// The end shared with the generic pass: symbol lookup, snapshot/delta merge, the routed mark.
void apply_ticker(ticker_patch& p, std::string_view type, std::string_view name, const context& c, ticker_book& book,
                  std::string_view topic, decoded& out);

}  // namespace tradebot::exchange::bybit::detail

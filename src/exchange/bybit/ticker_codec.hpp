#pragma once

// tickers.<SYMBOL>, nearly all public traffic, decoded in one on-demand pass straight into a
// ticker_patch. Anything unusual (nested values, escaped keys, JSON errors, other topics) is
// left to the generic pass, which then answers exactly as it always did.

#include <optional>
#include <string_view>

#include "exchange/bybit/frame.hpp"

namespace tradebot::exchange::bybit::detail {

// The same from the frame's bytes, without simdjson (json::flat_scan); nullopt: run decode_ticker_hot.
[[nodiscard]] std::optional<decoded> decode_ticker_flat(std::string_view text, const context& c, ticker_book& book);

// nullopt: not decoded here; run the generic pass.
[[nodiscard]] std::optional<decoded> decode_ticker_hot(json::od::document& doc, const context& c, ticker_book& book);

// The end shared with the generic pass: symbol lookup, snapshot/delta merge, the routed mark.
[[nodiscard]] decoded apply_ticker(ticker_patch& p, std::string_view type, std::string_view name, const context& c,
                                   ticker_book& book, std::string_view topic);

}  // namespace tradebot::exchange::bybit::detail

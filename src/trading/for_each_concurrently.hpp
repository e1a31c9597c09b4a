#pragma once

#include <functional>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tradebot/core/symbol.hpp"

namespace tradebot::trading {

// Adoptions, stop restorations and journal checks of one reconcile pass in flight at once: each is
// a few REST and database round trips, which overlap. The stops stay within the venue's order
// budgets (Binance ORDERS 300 / 10 s and 1,200 / min, Bybit 10 creates / s per UID): the rate
// limiter holds a stop that would exceed them, and at most this many wait on the venue at a time.
inline constexpr int reconcile_concurrency = 16;

// Runs work(symbol) for every symbol, `concurrency` at a time on the caller's strand, and returns
// when all are done.
boost::asio::awaitable<void> for_each_concurrently(std::vector<core::symbol> symbols, int concurrency,
                                                   const std::function<boost::asio::awaitable<void>(core::symbol)>& work);

}  // namespace tradebot::trading

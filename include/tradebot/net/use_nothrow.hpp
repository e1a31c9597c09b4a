#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tradebot::net {

// The completion token of coroutines that handle errors as values: `auto [ec, n] = co_await
// op(..., use_nothrow)` instead of an exception thrown through the event loop.
inline constexpr auto use_nothrow = boost::asio::as_tuple(boost::asio::use_awaitable);

}  // namespace tradebot::net

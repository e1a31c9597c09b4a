#pragma once

#include <chrono>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "tradebot/core/clock.hpp"
#include "tradebot/exchange/retry_schedule.hpp"

namespace tradebot::exchange {

// Runs `attempt` (a callable returning awaitable<result<T>>) and, for an idempotent request,
// again after each transient failure as `options` allow; `on_retry(failure, pause)` is told
// before each pause (for the log). The pause is a timer on the calling coroutine's executor.
template <class T, class Attempt, class OnRetry>
boost::asio::awaitable<result<T>> with_transient_retries(Attempt attempt, bool idempotent, const retry_options& options,
                                                         const core::clock& clock, OnRetry on_retry) {
    const auto started = clock.steady_now();
    auto r = co_await attempt();
    if (r || !idempotent || options.max_attempts <= 1) {
        co_return r;
    }
    retry_schedule schedule{options, started};
    boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor};
    while (!r) {
        const auto pause = schedule.next(r.error(), clock.steady_now());
        if (!pause) {
            break;
        }
        on_retry(r.error(), *pause);
        timer.expires_after(*pause);
        co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        r = co_await attempt();
    }
    co_return r;
}

}  // namespace tradebot::exchange

#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <mutex>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "tradebot/exchange/rate_limiter_core.hpp"

namespace tradebot::exchange {

// The awaitable face of rate_limiter_core, one per venue account, shared by every caller of that
// venue. acquire() returns when the request may be sent; while it may not, the caller waits on a
// timer until the budget's window ends or the ban lifts, or until a response frees budget.
//
// Waiters are served in priority order, then first come first served: a request does not start
// while an earlier or more urgent waiter is held back by a budget this request also needs.
// (Every Bybit request shares the IP budget, so only the budget that actually refused counts.)
// The reserves in the config keep a share of every budget for critical requests, so a stop-loss
// move goes even when refills have used the normal share.
//
// Thread-safe: the core sits behind a mutex (so stats() and on_response() can be called from any
// thread), the waiter queue and timers live on the limiter's strand. Time comes from the clock,
// timers wait for the clock's durations; tests with a manual clock call wake() after advancing it.
// The limiter must outlive all pending acquire() calls.
class rate_limiter {
public:
    rate_limiter(boost::asio::any_io_executor executor, const core::clock& clock, rate_limits_config config);
    rate_limiter(const rate_limiter&) = delete;
    rate_limiter& operator=(const rate_limiter&) = delete;

    [[nodiscard]] boost::asio::awaitable<void> acquire(request_cost cost, request_priority priority);
    // Charges `weight` to the venue's main budget (the first in the config).
    [[nodiscard]] boost::asio::awaitable<void> acquire(std::int32_t weight, request_priority priority);

    // Feed every response's headers, and every rate_limited error, back here.
    void on_response(const request_cost& cost, const net::header_list& headers);
    void on_error(const request_cost& cost, const error& e);

    // Makes every waiter check again now (used after on_response/on_error, and by tests).
    void wake();

    [[nodiscard]] limiter_stats stats() const;
    [[nodiscard]] std::vector<budget_state> budgets() const;
    [[nodiscard]] bool banned() const;
    // Requests waiting now (for the metrics gauge); read on any thread, exact on the strand.
    [[nodiscard]] std::size_t waiting() const;

private:
    struct waiter {
        request_cost cost;
        request_priority priority;
        std::uint64_t seq;
        boost::asio::steady_timer timer;
        std::string_view blocked_on;  // the budget that refused it last; empty: banned or queued
    };
    boost::asio::awaitable<void> acquire_on_strand(request_cost cost, request_priority priority);
    [[nodiscard]] bool behind_someone(const request_cost& cost, request_priority priority, std::uint64_t seq) const;
    void wake_on_strand();

    boost::asio::strand<boost::asio::any_io_executor> strand_;
    const core::clock& clock_;
    mutable std::mutex mutex_;  // guards core_
    rate_limiter_core core_;
    std::list<waiter> waiters_;  // strand only
    std::atomic<std::size_t> waiting_{0};
    std::uint64_t next_seq_ = 0;  // strand only
};

}  // namespace tradebot::exchange

#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "tradebot/core/clock.hpp"

namespace tradebot::core {

// A pause in a core::clock's steady time. On the system clock it is an asio::steady_timer; on a
// clock that is moved by hand (manual_clock) it ends when the clock is advanced past its deadline,
// so a test drives the trading core's pauses (reconcile intervals, follow-ups, confirmations) by
// moving time, in microseconds, instead of sleeping. One wait at a time; cancel() from the
// executor the timer runs on.
class timer {
public:
    timer(boost::asio::any_io_executor executor, const clock& c);
    ~timer();
    timer(const timer&) = delete;
    timer& operator=(const timer&) = delete;

    // Waits `d` of the clock's steady time: true when it passed, false when cancel() ended it.
    [[nodiscard]] boost::asio::awaitable<bool> wait_for(std::chrono::steady_clock::duration d);
    void cancel();

private:
    // Shared with the clock's wake callback, which may outlive the timer.
    struct state {
        explicit state(boost::asio::any_io_executor ex) : timer{std::move(ex)} {}
        boost::asio::steady_timer timer;
        bool cancelled = false;
    };

    const clock& clock_;
    std::shared_ptr<state> state_;
    std::uint64_t call_ = 0;  // the clock's id of the running wait's wake, 0 if none
};

}  // namespace tradebot::core

#include "tradebot/core/timer.hpp"

#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tradebot::core {

namespace asio = boost::asio;

timer::timer(asio::any_io_executor executor, const clock& c)
    : clock_{c}, state_{std::make_shared<state>(std::move(executor))} {}

timer::~timer() {
    if (call_ != 0) {
        clock_.forget(call_);
    }
}

asio::awaitable<bool> timer::wait_for(std::chrono::steady_clock::duration d) {
    const auto st = state_;  // kept for the wait: the wake refers to it weakly
    st->cancelled = false;
    const auto deadline = clock_.steady_now() + d;
    const std::weak_ptr<state> weak = st;
    auto executor = st->timer.get_executor();
    // The wake runs on whatever thread advanced the clock: it posts the end of the wait to the
    // timer's executor, where the waiting coroutine runs.
    call_ = clock_.call_at(deadline, [weak, executor] {
        asio::post(executor, [weak] {
            if (const auto s = weak.lock()) {
                s->timer.cancel();
            }
        });
    });
    boost::system::error_code ec;
    if (call_ == 0) {
        st->timer.expires_after(d);
        co_await st->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        co_return !st->cancelled && !ec;
    }
    // Driven by the clock: the wait ends when the wake cancels the timer. A wake of an earlier
    // wait that arrives late finds the deadline not reached and the wait goes on.
    bool reached = clock_.steady_now() >= deadline;
    while (!st->cancelled && !reached) {
        st->timer.expires_at(asio::steady_timer::time_point::max());
        co_await st->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        reached = clock_.steady_now() >= deadline;
    }
    clock_.forget(call_);
    call_ = 0;
    co_return !st->cancelled;
}

void timer::cancel() {
    state_->cancelled = true;
    state_->timer.cancel();
}

}  // namespace tradebot::core

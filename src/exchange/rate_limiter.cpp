#include "tradebot/exchange/rate_limiter.hpp"

#include <algorithm>
#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tradebot::exchange {

namespace asio = boost::asio;

rate_limiter::rate_limiter(asio::any_io_executor executor, const core::clock& clock, rate_limits_config config)
    : strand_{asio::make_strand(std::move(executor))}, clock_{clock}, core_{clock, std::move(config)} {}

asio::awaitable<void> rate_limiter::acquire(request_cost cost, request_priority priority) {
    // Coroutines resume on their own executor, so the queue work runs as a child on the strand.
    auto inner = acquire_on_strand(cost, priority);
    co_await asio::co_spawn(strand_, std::move(inner), asio::use_awaitable);
}

asio::awaitable<void> rate_limiter::acquire(std::int32_t weight, request_priority priority) {
    request_cost cost;
    {
        const std::lock_guard lock{mutex_};
        if (!core_.config().budgets.empty()) cost.add(core_.config().budgets.front().name, weight);
    }
    co_await acquire(cost, priority);
}

bool rate_limiter::behind_someone(const request_cost& cost, request_priority priority, std::uint64_t seq) const {
    return std::ranges::any_of(waiters_, [&](const waiter& w) {
        const bool ahead = w.priority < priority || (w.priority == priority && w.seq < seq);
        // Order placement does not draw on the per_request ceilings: a read waiting for them
        // holds no entry or stop back.
        return ahead && !w.blocked_on.empty() &&
               (cost.weight_of(w.blocked_on) > 0 || (!cost.places_order && core_.per_request_budget(w.blocked_on)));
    });
}

asio::awaitable<void> rate_limiter::acquire_on_strand(request_cost cost, request_priority priority) {
    const std::uint64_t seq = next_seq_++;
    auto mine = waiters_.end();
    for (;;) {
        std::optional<acquire_decision> refused;
        if (!behind_someone(cost, priority, seq)) {
            acquire_decision d;
            {
                const std::lock_guard lock{mutex_};
                d = core_.try_acquire(cost, priority);
            }
            if (d.granted) {
                if (mine != waiters_.end()) {
                    waiters_.erase(mine);
                    --waiting_;
                    // Whoever queued behind this request may go now.
                    wake_on_strand();
                }
                co_return;
            }
            refused = d;
        }
        if (mine == waiters_.end()) {
            mine = waiters_.insert(waiters_.end(), waiter{cost, priority, seq, asio::steady_timer{strand_}, {}});
            ++waiting_;
            const std::lock_guard lock{mutex_};
            core_.record_wait(priority);
        }
        if (refused) {
            mine->blocked_on = refused->budget;
            // The clock may be a manual one: wait for its duration, not for its time point.
            const auto delay = std::max(refused->retry_at - clock_.steady_now(), std::chrono::steady_clock::duration{0});
            mine->timer.expires_after(delay);
        } else {
            // Queued behind an earlier waiter, which wakes everyone when it is granted.
            mine->timer.expires_at(asio::steady_timer::time_point::max());
        }
        co_await mine->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
}

void rate_limiter::wake_on_strand() {
    // Cancel in service order so that the woken coroutines run, and take budget, in that order.
    std::vector<waiter*> order;
    order.reserve(waiters_.size());
    for (auto& w : waiters_) order.push_back(&w);
    std::ranges::sort(order, [](const waiter* a, const waiter* b) {
        return a->priority != b->priority ? a->priority < b->priority : a->seq < b->seq;
    });
    for (waiter* w : order) w->timer.cancel();
}

void rate_limiter::wake() {
    asio::post(strand_, [this] { wake_on_strand(); });
}

void rate_limiter::on_response(const request_cost& cost, const net::header_list& headers) {
    {
        const std::lock_guard lock{mutex_};
        core_.on_response(cost, headers);
    }
    wake();
}

void rate_limiter::on_error(const request_cost& cost, const error& e) {
    {
        const std::lock_guard lock{mutex_};
        core_.on_error(cost, e);
    }
    // A back-off only lengthens waits; the waiters' timers are re-armed from the new state.
    wake();
}

limiter_stats rate_limiter::stats() const {
    const std::lock_guard lock{mutex_};
    return core_.stats();
}

std::vector<budget_state> rate_limiter::budgets() const {
    const std::lock_guard lock{mutex_};
    return core_.budgets();
}

bool rate_limiter::banned() const {
    const std::lock_guard lock{mutex_};
    return core_.banned();
}

std::size_t rate_limiter::waiting() const { return waiting_.load(); }

}  // namespace tradebot::exchange

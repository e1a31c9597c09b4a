#pragma once

#include <chrono>
#include <optional>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "tradebot/core/clock.hpp"
#include "tradebot/events/router.hpp"
#include "tradebot/events/signal_event.hpp"
#include "tradebot/events/types.hpp"
#include "tradebot/monitoring/health.hpp"

namespace tradebot::monitoring {

// /health components from the router's typed events, so that the venues' and the pipeline's code
// knows nothing of /health:
//   "<venue>.rest"            ok while the periodic bulk mark read answers, degraded when it fails
//   "<venue>.stream.<name>"   ok connected; degraded disconnected or stalled (with the reason)
//   "signals.freshness"       degraded when no signal row was read for `stale_after` (since the
//                             last one received, rejected or expired, or since start)
// Handlers and the staleness timer run on `executor`; health itself is thread-safe.
class health_feed {
public:
    health_feed(boost::asio::any_io_executor executor, events::router& router, health& h, const core::clock& clock,
                std::chrono::seconds stale_after);

    // Starts the staleness check (every `check_every`); stop() ends it. Both on the executor's strand.
    void start(std::chrono::milliseconds check_every = std::chrono::seconds{10});
    void stop();
    // Sets "signals.freshness" from the last signal's age now (the timer calls it; tests too).
    void check_signals();

    static void on_stream(health& h, const events::stream_state& s);
    static void on_rest(health& h, const events::rest_state& r);

private:
    void arm();

    health& health_;
    const core::clock& clock_;
    std::chrono::seconds stale_after_;
    core::clock::time_point since_;  // the newest signal, or the start
    bool seen_ = false;
    bool stopped_ = false;
    std::chrono::milliseconds every_{10'000};
    boost::asio::steady_timer timer_;
    events::subscription streams_;
    events::subscription rest_;
    events::subscription signals_;
};

}  // namespace tradebot::monitoring

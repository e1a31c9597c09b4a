#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "app/venue_cache.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/core/timer.hpp"
#include "tradebot/events/router.hpp"
#include "tradebot/events/types.hpp"
#include "tradebot/exchange/venue_client.hpp"

namespace tradebot::app {

// The bulk mark read behind venue_port's cache: every symbol's mark in one request per venue,
// every `every`, each venue in a loop of its own (issue 19: one loop that read the venues in turn
// let a hung or banned venue's read stop the other venue's refresh, and with it that venue's
// REST health and the marks its signals find cached). The read doubles as the venue's REST
// health (/health "<venue>.rest"): its outcome is published when it changes. Time is the
// injected clock's (a test moves a manual clock). On one strand.
class mark_refresher {
public:
    using reader = std::function<boost::asio::awaitable<exchange::result<std::vector<exchange::mark_price_state>>>()>;

    mark_refresher(boost::asio::any_io_executor executor, venue_cache& cache, const core::clock& clock,
                   std::chrono::milliseconds every)
        : executor_{std::move(executor)}, cache_{cache}, clock_{clock}, every_{every} {}

    // Where the REST health goes (none: not published).
    void publish_to(events::topic<events::rest_state>* states) { states_ = states; }
    // Starts the loop of `venue` reading with `read`; once per venue, not after stop().
    void start(core::exchange_id venue, reader read);
    // Ends the loops at their next pause; a read in flight finishes first.
    void stop();
    // No loop running.
    [[nodiscard]] bool idle() const noexcept;

private:
    struct loop {
        reader read;
        std::unique_ptr<core::timer> pause;
        bool running = false;
    };
    boost::asio::awaitable<void> run(core::exchange_id venue);
    void note_health(core::exchange_id venue, const exchange::result<std::vector<exchange::mark_price_state>>& read);

    boost::asio::any_io_executor executor_;
    venue_cache& cache_;
    const core::clock& clock_;
    std::chrono::milliseconds every_;
    events::topic<events::rest_state>* states_ = nullptr;
    std::map<core::exchange_id, loop> loops_;
    std::map<core::exchange_id, bool> rest_ok_;
    bool stopped_ = false;
};

}  // namespace tradebot::app

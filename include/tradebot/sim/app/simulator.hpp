#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tradebot/net/http_server.hpp"
#include "tradebot/sim/scenario/price_feed.hpp"
#include "tradebot/sim/scenario/scenario.hpp"
#include "tradebot/sim/wire/sim_clock.hpp"
#include "tradebot/sim/wire/venue.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace tradebot::sim::app {

struct simulator_options {
    scenario::scenario_spec scenario;
    bool paused = false;  // prices move only through the control API
    std::chrono::milliseconds venue_tick{100};
};

// Drives the venues: loads the scenario into each, moves prices on a timer and serves the
// /sim/... control API (docs/SIMULATOR.md). Both venues see one market: a price set through
// either port moves it on both.
class simulator {
public:
    simulator(boost::asio::io_context& io, wire::sim_clock& clock, simulator_options options,
              std::vector<wire::venue*> venues);
    ~simulator();
    simulator(const simulator&) = delete;
    simulator& operator=(const simulator&) = delete;

    void start();
    void stop();

    // A /sim/... request that arrived on `via`'s port.
    wire::reply control(wire::venue& via, const net::http_request& request);
    // The server's "close every WebSocket of this venue" (the drop-streams fault).
    void set_stream_dropper(const wire::venue& v, std::function<void()> drop);

    // One price step for every symbol now (what the timer does); returns how many moved.
    std::size_t step_prices();
    void tick_venues();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace tradebot::sim::app

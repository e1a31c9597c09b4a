#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <vector>

#include "tradebot/net/http_server.hpp"
#include "tradebot/sim/scenario/price_feed.hpp"
#include "tradebot/sim/scenario/scenario.hpp"
#include "tradebot/sim/wire/sim_clock.hpp"
#include "tradebot/sim/wire/venue.hpp"

namespace tradebot::sim::app {

// What the control API reads and changes; the simulator's timers share it.
struct control_state {
    wire::sim_clock& clock;
    scenario::price_feed feed;
    std::vector<wire::venue*> venues;
    scenario::scenario_spec spec;
    bool paused = false;
    std::chrono::steady_clock::time_point started{};
    std::map<const wire::venue*, std::function<void()>> droppers;

    // Adds the scenario's instruments and accounts a venue does not have yet.
    void load_into(wire::venue& v, const scenario::scenario_spec& s);
    // Moves every symbol one step on every venue; returns the number of symbols.
    std::size_t step_all();
    void tick_all();
    // Publishes one symbol's current prices to every venue.
    void publish(const core::symbol& s);
};

wire::reply handle_control(control_state& state, wire::venue& via, const net::http_request& request);

}  // namespace tradebot::sim::app

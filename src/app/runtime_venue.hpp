#pragma once

#include <memory>

#include <boost/asio/steady_timer.hpp>

#include "app/venue_stack.hpp"
#include "tradebot/events/router.hpp"
#include "tradebot/exchange/paper/client.hpp"
#include "tradebot/trading/position_manager.hpp"

namespace tradebot::app {

// One venue built by trading_runtime: its stack, in test mode the paper venue in front of it, its
// position_manager, and where its start-up stands.
struct runtime_venue {
    std::unique_ptr<venue_stack> stack;
    std::unique_ptr<exchange::paper::client> paper;  // test mode only
    std::unique_ptr<trading::position_manager> manager;
    events::subscription paper_feed;
    std::unique_ptr<boost::asio::steady_timer> retry;  // start_each(): the pause before the next attempt
    bool started = false;
    bool starting = false;  // a keep_starting() loop runs
    bool paper_restored = false;  // the paper venue got back the positions of the rows

    [[nodiscard]] exchange::venue_client& trading_client() {
        return paper ? static_cast<exchange::venue_client&>(*paper) : stack->client();
    }
};

}  // namespace tradebot::app

#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tradebot/exchange/venue_client.hpp"
#include "tradebot/trading/position_book.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::trading {

// A zombie is an order or stop of ours on a symbol that has no position and no open in progress:
// left over from a closed position it could open a new one the other way (§11). Cancelling is
// destructive, so it takes two consecutive passes that both see it (rule 6); other people's
// orders are never touched.
class zombie_sweeper {
public:
    zombie_sweeper(exchange::venue_client& venue, const position_book& book, std::shared_ptr<spdlog::logger> log);

    // One pass: `on_venue` and `stops` as this reconcile pass read them (`stops` null when the
    // read failed: stops are then left for the next pass).
    boost::asio::awaitable<void> sweep(const std::map<core::symbol, exchange::position_state>& on_venue,
                                       const std::vector<exchange::stop_state>* stops);

private:
    exchange::venue_client& venue_;
    const position_book& book_;
    std::shared_ptr<spdlog::logger> log_;
    std::set<std::string> seen_;  // ids of zombie orders/stops seen by the last pass
};

}  // namespace tradebot::trading

#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tradebot/exchange/venue_client.hpp"
#include "tradebot/trading/position_book.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::trading {

class position_closer;
class position_recorder;
class protection_driver;
class stop_loss_manager;

// Exactly one stop of ours per live position, as the venue lists them (DESIGN.md rule 3): the
// recorded stop follows the venue's; a missing stop is restored (or the position closed if it
// cannot be, or if the mark crossed it meanwhile); a missing venue trailing stop is placed again;
// duplicates and an earlier position's leftovers are cancelled, the most protective one kept.
class stop_keeper {
public:
    stop_keeper(exchange::venue_client& venue, position_book& book, position_recorder& recorder,
                position_closer& closer, protection_driver& driver, stop_loss_manager& stops,
                std::shared_ptr<spdlog::logger> log);

    // `stops`: the venue's open stops of this pass. `venue_mark`: the mark of the pass's position
    // read; a restore's first attempt checks its stop against it instead of reading the mark again
    // (a cold start restores hundreds).
    boost::asio::awaitable<void> protect(core::symbol symbol, const std::vector<exchange::stop_state>& stops,
                                         std::optional<core::decimal> venue_mark);
    // A handed-over position whose venue trailing stop is not listed gets it again.
    boost::asio::awaitable<void> keep_venue_trailing(core::symbol symbol,
                                                     const std::vector<exchange::stop_state>& stops);
    // A live position with more than one fixed stop (or venue trailing stop) of ours keeps the
    // most protective one; the others are cancelled.
    boost::asio::awaitable<void> cancel_duplicates(core::symbol symbol, const std::vector<exchange::stop_state>& stops);
    // After a new position's stop is live: stops of ours on the symbol that belong to an earlier
    // position (their cancel failed when it closed) are cancelled, so that exactly one stop, at
    // the new target, protects the new position.
    boost::asio::awaitable<void> cancel_inherited(core::symbol symbol, std::int64_t position_id);

private:
    // The live stop of the position found: the book and the row follow it.
    boost::asio::awaitable<void> adopt_stop(live_position& pos, const exchange::stop_state& live);
    boost::asio::awaitable<void> restore(live_position& pos, std::optional<core::decimal> venue_mark);

    exchange::venue_client& venue_;
    position_book& book_;
    position_recorder& recorder_;
    position_closer& closer_;
    protection_driver& driver_;
    stop_loss_manager& stops_;
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace tradebot::trading

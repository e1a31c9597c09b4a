#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tradebot/config/settings.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/exchange/venue_client.hpp"
#include "tradebot/trading/position_book.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::trading {

class position_recorder;
class stop_keeper;
class stop_loss_manager;

// A live position of the book against one pass's read of the venue (DESIGN.md rule 6, part of the
// reconciler): its numbers follow the venue's and it keeps exactly one stop, or it counts as absent
// once more and is recorded gone at the second absence. Runs on the trading strand.
class position_checker {
public:
    using venue_positions = std::map<core::symbol, exchange::position_state>;
    // Asks for one more pass after the given delay (an absent entry's receive window).
    using recheck_hook = std::function<void(std::chrono::steady_clock::duration)>;

    position_checker(exchange::venue_client& venue, position_book& book, position_recorder& recorder,
                     stop_keeper& keeper, stop_loss_manager& stops, const config::settings& settings,
                     const core::clock& clock, std::shared_ptr<spdlog::logger> log, recheck_hook recheck);

    // `stops` null: the venue's stops could not be read, protection is not checked.
    boost::asio::awaitable<void> check(core::symbol symbol, const venue_positions& on_venue,
                                       const std::vector<exchange::stop_state>* stops);

private:
    boost::asio::awaitable<void> follow_venue(core::symbol symbol, const exchange::position_state& vp);
    boost::asio::awaitable<void> record_gone(core::symbol symbol);
    // A pending entry missing from the venue (its sender stopped after the row, or its outcome
    // was lost): "missing" is final only once no request signed before its absence was seen can
    // still arrive (the venue's receive window, docs/ARCHITECTURE.md §4d) and the venue does not
    // know its client id. Then nothing was traded: the row ends failed `not_opened`, and its
    // signal is decided again (issue 19, C7). An entry the venue knows ends failed as before.
    boost::asio::awaitable<void> settle_absent_entry(core::symbol symbol);

    exchange::venue_client& venue_;
    position_book& book_;
    position_recorder& recorder_;
    stop_keeper& keeper_;
    stop_loss_manager& stops_;
    const config::settings& settings_;
    const core::clock& clock_;
    std::shared_ptr<spdlog::logger> log_;
    recheck_hook recheck_;
    // Pending entries found missing, by position id: when that was first seen.
    std::map<std::int64_t, std::chrono::steady_clock::time_point> entry_absent_since_;
};

}  // namespace tradebot::trading

#pragma once

#include <cstdint>
#include <memory>

#include <boost/asio/awaitable.hpp>

#include "tradebot/config/settings.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/protection/aged_policy.hpp"
#include "tradebot/trading/position_book.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::trading {

class position_closer;
class position_recorder;
class stop_loss_manager;
class task_group;
class trading_metrics;

// Mark prices into protection (DESIGN.md rules 3 and 4): each mark of a protected position goes
// through its trailing stop and the aged policy, and what they decide is started at once, one
// thing at a time per position: a gap-free stop move, a hand-over of the trailing to the venue
// (protection.trailing.venue_native), a trailing or aged exit. The decisions themselves are pure
// (protection::trailing_stop, protection::aged_policy); this is where they meet the venue.
class protection_driver {
public:
    protection_driver(position_book& book, position_recorder& recorder, position_closer& closer,
                      stop_loss_manager& stops, task_group& tasks, trading_metrics& metrics,
                      const config::settings& settings, const core::clock& clock,
                      std::shared_ptr<spdlog::logger> log);

    // A mark of one of this venue's symbols (the book has recorded it).
    void on_mark(const core::symbol& symbol, core::decimal price);
    // Places the venue's trailing stop and remembers it; if the venue refuses, marks the position
    // for the bot's own trailing. False when refused or the position is gone.
    [[nodiscard]] boost::asio::awaitable<bool> place_venue_trailing(core::symbol symbol);

private:
    boost::asio::awaitable<void> move_stop(core::symbol symbol, core::decimal trigger);
    // At activation with protection.trailing.venue_native: the venue's trailing stop instead of a
    // move to `trigger`, which is made if the venue refuses.
    boost::asio::awaitable<void> hand_over_trailing(core::symbol symbol, core::decimal trigger);
    // Writes the trailing state of the position `id` on `symbol`, which the caller set busy.
    boost::asio::awaitable<void> save_trailing(core::symbol symbol, std::int64_t id);
    // Starts the aged exit when the age says so; true when it did.
    bool check_age(live_position& pos, core::decimal price, core::clock::time_point now);

    position_book& book_;
    position_recorder& recorder_;
    position_closer& closer_;
    stop_loss_manager& stops_;
    task_group& tasks_;
    trading_metrics& metrics_;
    const config::settings& settings_;
    const core::clock& clock_;
    std::shared_ptr<spdlog::logger> log_;
    protection::aged_policy aged_;
};

}  // namespace tradebot::trading

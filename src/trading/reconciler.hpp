#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tradebot/config/settings.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/events/types.hpp"
#include "tradebot/exchange/venue_client.hpp"
#include "tradebot/trading/position_book.hpp"
#include "trading/outage_recovery.hpp"
#include "trading/position_adopter.hpp"
#include "trading/position_checker.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::trading {

class fill_recorder;
class journal_backlog;
class position_recorder;
class stop_keeper;
class stop_loss_manager;
class task_group;
class zombie_sweeper;

// Keeps the book, the database and the venue in agreement (DESIGN.md rules 5 and 6): the venue is
// read, never assumed; an empty or failed answer destroys nothing; a position missing from the
// venue is recorded closed only after two consecutive reads say so. One pass: what an outage kept
// is written (outage_recovery), the venue's numbers win for live positions and each keeps exactly
// one stop (position_checker, stop_keeper), positions the database does not know are adopted and
// protected (position_adopter), zombies swept (zombie_sweeper). This class drives the passes:
// at start, every trading.reconcile_interval_seconds, after a stream gap (its events may be lost,
// rule 7), when the stream says a position went flat, and shortly after an entry left unresolved.
class reconciler {
public:
    reconciler(exchange::venue_client& venue, position_book& book, position_recorder& recorder, stop_keeper& keeper,
               zombie_sweeper& sweeper, stop_loss_manager& stops, journal_backlog& backlog, fill_recorder& fills,
               task_group& tasks, const config::settings& settings, const core::clock& clock, std::shared_ptr<spdlog::logger> log);

    // The start-up passes: a position missing from the first read may only be late (Bybit shows
    // new positions after a lag), so a second read decides before the venue counts as reconciled.
    boost::asio::awaitable<void> start_up();
    // The periodic passes, until the task group stops.
    boost::asio::awaitable<void> run_periodic();
    // One pass; safe to call at any time (a call during a pass returns at once).
    boost::asio::awaitable<void> reconcile();
    // After an entry left unresolved or unprotected: passes after 1, 2, 4 and 8 s until the
    // symbol's position has a stop or is gone, instead of waiting for the periodic pass.
    boost::asio::awaitable<void> follow_up(core::symbol symbol);

    // The database answers again after an outage: passes at once and after 1, 2, 4, 8, 16 s until
    // the book matches the rows and nothing kept during the outage waits to be written.
    boost::asio::awaitable<void> recover();

    void on_position(const events::position_update& u);
    void on_stream(const events::stream_state& s);

private:
    // One more pass once an absent entry's receive window has passed.
    boost::asio::awaitable<void> recheck_after(std::chrono::steady_clock::duration d);
    // A position the stream says is flat: confirm with two reads a moment apart.
    boost::asio::awaitable<void> confirm_gone();

    exchange::venue_client& venue_;
    position_book& book_;
    stop_keeper& keeper_;
    zombie_sweeper& sweeper_;
    journal_backlog& backlog_;
    fill_recorder& fills_;
    task_group& tasks_;
    const config::settings& settings_;
    std::shared_ptr<spdlog::logger> log_;
    position_checker checker_;
    position_adopter adopter_;
    outage_recovery outage_;
    std::set<std::string> streams_down_;  // streams that lost events since their last connect
    bool verify_journal_ = false;         // a reload happened: the next full pass checks the journal
    bool reconciling_ = false;
    bool confirming_ = false;
    bool recovering_ = false;
};

}  // namespace tradebot::trading

#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tradebot/config/settings.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/events/types.hpp"
#include "tradebot/exchange/venue_client.hpp"
#include "tradebot/trading/position_book.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::trading {

// Adoptions, stop restorations and journal checks of one pass in flight at once: each is a few REST
// and database round trips, which overlap. The stops stay within the venue's order budgets
// (Binance ORDERS 300 / 10 s and 1,200 / min, Bybit 10 creates / s per UID): the rate limiter
// holds a stop that would exceed them, and at most this many wait on the venue at a time.
inline constexpr int reconcile_concurrency = 16;

class journal_backlog;
class position_recorder;
class stop_keeper;
class stop_loss_manager;
class task_group;
class zombie_sweeper;

// Keeps the book, the database and the venue in agreement (DESIGN.md rules 5 and 6): the venue is
// read, never assumed; an empty or failed answer destroys nothing; a position missing from the
// venue is recorded closed only after two consecutive reads say so. One pass: the venue's numbers
// win for live positions, each gets exactly one stop (stop_keeper), positions the database does
// not know are adopted and protected, zombies swept. Passes run at start, every
// trading.reconcile_interval_seconds, after a stream gap (its events may be lost, rule 7), when
// the stream says a position went flat, and shortly after an entry left unresolved.
class reconciler {
public:
    reconciler(exchange::venue_client& venue, position_book& book, position_recorder& recorder, stop_keeper& keeper,
               zombie_sweeper& sweeper, stop_loss_manager& stops, journal_backlog& backlog, task_group& tasks,
               const config::settings& settings, const core::clock& clock, std::shared_ptr<spdlog::logger> log);

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
    using venue_positions = std::map<core::symbol, exchange::position_state>;
    // A position whose row the database lost (a crash lost its last asynchronous commits): its
    // venue position is adopted again, and the orders of ours it had are journaled under the new row.
    struct lost_row {
        std::int64_t id = 0;
        std::optional<core::client_order_id> stop_client_id;
    };
    // After a database outage (book_.database_outage()), before the venue is read: the orders and
    // closes kept while the database was down are written, and the book is reloaded from the rows
    // as at start: a position whose row is gone is dropped (and adopted again by this pass), a row
    // the book no longer holds is checked against the venue, a row behind the book (a write that
    // failed) is brought up to it. True when the book matches the rows again.
    boost::asio::awaitable<bool> recover_from_outage();
    // A row that fell behind the book while the database was down gets the book's state.
    boost::asio::awaitable<void> catch_up_row(live_position& pos, const db::position_record& row);
    // After a reload (every live position) or an adoption (`only` those symbols): an entry and a
    // stop of ours that the venue knows but the journal does not (rows a crash lost, or kept in
    // memory by a process that died) get their rows under the live position.
    boost::asio::awaitable<void> journal_missing(std::optional<std::set<core::symbol>> only);
    boost::asio::awaitable<void> journal_entry(core::symbol symbol, std::int64_t position_id,
                                               core::client_order_id entry_id);
    boost::asio::awaitable<void> journal_stop(core::symbol symbol, std::int64_t position_id);
    // A live position against this pass's read: its numbers follow the venue's, or it counts as
    // absent once more and is recorded gone at the second absence.
    boost::asio::awaitable<void> check(core::symbol symbol, const venue_positions& on_venue,
                                       const std::vector<exchange::stop_state>* stops);
    boost::asio::awaitable<void> follow_venue(core::symbol symbol, const exchange::position_state& vp);
    boost::asio::awaitable<void> record_gone(core::symbol symbol);
    // A pending entry missing from the venue (its sender stopped after the row, or its outcome
    // was lost): "missing" is final only once no request signed before its absence was seen can
    // still arrive (the venue's receive window, docs/ARCHITECTURE.md §4d) and the venue does not
    // know its client id. Then nothing was traded: the row ends failed `not_opened`, and its
    // signal is decided again (issue 19, C7). An entry the venue knows ends failed as before.
    boost::asio::awaitable<void> settle_absent_entry(core::symbol symbol);
    // One more pass once an absent entry's receive window has passed.
    boost::asio::awaitable<void> recheck_after(std::chrono::steady_clock::duration d);
    // A position on the venue the database does not know (opened by hand, or by a run that lost
    // its rows): taken under protection rather than ignored (original-bot.md §4.4).
    boost::asio::awaitable<void> adopt(exchange::position_state venue_position);
    // A position the stream says is flat: confirm with two reads a moment apart.
    boost::asio::awaitable<void> confirm_gone();
    // Runs work(symbol) for every symbol, a few at a time, and returns when all are done.
    boost::asio::awaitable<void> for_each_concurrently(
        std::vector<core::symbol> symbols, const std::function<boost::asio::awaitable<void>(core::symbol)>& work);

    exchange::venue_client& venue_;
    position_book& book_;
    position_recorder& recorder_;
    stop_keeper& keeper_;
    zombie_sweeper& sweeper_;
    stop_loss_manager& stops_;
    journal_backlog& backlog_;
    task_group& tasks_;
    const config::settings& settings_;
    const core::clock& clock_;
    std::shared_ptr<spdlog::logger> log_;
    std::set<std::string> streams_down_;  // streams that lost events since their last connect
    // Pending entries found missing, by position id: when that was first seen.
    std::map<std::int64_t, std::chrono::steady_clock::time_point> entry_absent_since_;
    std::map<core::symbol, lost_row> lost_;  // positions whose rows were lost, until a pass adopts them
    std::set<core::symbol> adopted_;         // adopted by this pass: their orders are journaled
    bool verify_journal_ = false;            // a reload happened: the next full pass checks the journal
    bool reconciling_ = false;
    bool confirming_ = false;
    bool recovering_ = false;
};

}  // namespace tradebot::trading

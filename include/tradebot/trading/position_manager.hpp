#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "tradebot/config/settings.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/db/records.hpp"
#include "tradebot/events/router.hpp"
#include "tradebot/events/types.hpp"
#include "tradebot/exchange/venue_client.hpp"
#include "tradebot/protection/aged_policy.hpp"
#include "tradebot/protection/trailing_stop.hpp"
#include "tradebot/trading/entry_intent.hpp"
#include "tradebot/trading/order_executor.hpp"
#include "tradebot/trading/position_opener.hpp"
#include "tradebot/trading/stop_loss_manager.hpp"
#include "tradebot/trading/trading_metrics.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::db {
class position_repository;
class order_journal;
class event_log;
}  // namespace tradebot::db

namespace tradebot::trading {

// A live position as the manager tracks it between database writes.
struct live_position {
    std::int64_t id = 0;
    std::int32_t version = 0;
    db::position_state state = db::position_state::pending_entry;
    core::symbol symbol;
    core::position_side side = core::position_side::long_;
    core::decimal quantity;
    core::decimal entry_price;
    core::clock::time_point opened_at;
    std::optional<exchange::stop_state> stop;
    std::optional<protection::trailing_stop> trailing;
    // protection.trailing.venue_native: the venue's trailing stop once the bot handed over (the
    // venue trails from then on); refused: the venue would not take it, the bot trails.
    std::optional<exchange::stop_state> venue_trailing;
    bool venue_trailing_refused = false;
    std::optional<core::decimal> last_mark;
    std::optional<core::clock::time_point> retry_after;  // after a failed close
    bool busy = false;      // a stop move or a close is in flight: no second one (rule 4)
    int absent_reads = 0;   // consecutive reconcile reads without the position on the venue
    // The private stream said it is flat: its absence from the list is news, not listing lag.
    bool reported_flat = false;
};

// One venue's positions after they are opened: the atomic open, the trailing stop, the aged exit,
// closing, and the reconcile pass (start-up and periodic) that keeps the database and the venue in
// agreement (DESIGN.md rules 3-6). Runs on its own strand; every member is called on it.
class position_manager {
public:
    position_manager(boost::asio::any_io_executor strand, exchange::venue_client& venue,
                     db::position_repository& positions, db::order_journal& journal, db::event_log& audit,
                     events::router& router, trading_metrics& metrics, const config::settings& settings,
                     const core::clock& clock);
    ~position_manager();
    position_manager(const position_manager&) = delete;
    position_manager& operator=(const position_manager&) = delete;

    // Loads the instruments and the live rows, reconciles once, then follows mark prices and
    // reconciles every trading.reconcile_interval_seconds. Completes (true) when the venue and the
    // database agree, i.e. when this venue may report ready.
    [[nodiscard]] boost::asio::awaitable<bool> start();
    // No new work starts; running tasks finish (the io_context must run until idle() before the
    // manager is destroyed: its coroutines refer to it).
    void stop();
    [[nodiscard]] bool idle() const noexcept { return tasks_ == 0; }

    // Opens unless the symbol is live or in flight here (rule 4); the result says how it ended.
    [[nodiscard]] boost::asio::awaitable<open_result> open(entry_intent intent);
    // Closes one live position at market (operator command or emergency).
    [[nodiscard]] boost::asio::awaitable<bool> close(core::symbol symbol, std::string reason);
    // One reconcile pass; safe to call at any time.
    [[nodiscard]] boost::asio::awaitable<void> reconcile();

    [[nodiscard]] core::exchange_id venue() const noexcept;
    [[nodiscard]] const std::map<core::symbol, live_position>& live() const noexcept { return live_; }
    [[nodiscard]] const std::set<core::symbol>& opening() const noexcept { return opening_; }
    [[nodiscard]] bool busy_with(const core::symbol& s) const { return live_.contains(s) || opening_.contains(s); }
    [[nodiscard]] const exchange::instrument_rules* rules(const core::symbol& s) const;
    [[nodiscard]] std::optional<core::decimal> last_mark(const core::symbol& s) const;
    // The symbols whose prices are wanted: the live positions' (the caller adds candidates).
    [[nodiscard]] std::set<core::symbol> watched_symbols() const;

private:
    void on_mark(const events::mark_price& m);
    void on_order(const events::order_update& u);
    // A stream report on one of our orders, written to its journal row (forward only).
    boost::asio::awaitable<void> journal_report(events::order_update u);
    // Ends the position's open stop rows: the stops are gone without a report naming them.
    boost::asio::awaitable<void> journal_ended_stops(std::int64_t position_id, db::order_status status,
                                                     std::string why);
    void on_position(const events::position_update& u);
    void on_stream(const events::stream_state& s);
    // A position the stream says is flat: confirm with two reads a moment apart, then record it.
    boost::asio::awaitable<void> confirm_gone();
    // After an entry left unresolved or unprotected: reconcile passes after 1, 2, 4 and 8 s until
    // the symbol's position has a stop or is gone, instead of waiting for the periodic pass.
    boost::asio::awaitable<void> follow_up(core::symbol symbol);
    // After a new position's stop is live: stops of ours on the symbol that belong to an earlier
    // position (their cancel failed when it closed) are cancelled, so that exactly one stop, at
    // the new target, protects the new position.
    boost::asio::awaitable<void> cancel_inherited_stops(core::symbol symbol, std::int64_t position_id);
    boost::asio::awaitable<void> move_stop(core::symbol symbol, core::decimal trigger);
    // At activation with protection.trailing.venue_native: the venue's trailing stop instead of a
    // move to `trigger`, which is made if the venue refuses.
    boost::asio::awaitable<void> hand_over_trailing(core::symbol symbol, core::decimal trigger);
    // Places the venue's trailing stop and remembers it; if the venue refuses, marks the position
    // for the bot's own trailing. False when refused or the position is gone.
    boost::asio::awaitable<bool> place_venue_trailing(core::symbol symbol);
    // A handed-over position whose venue trailing stop is not listed gets it again.
    boost::asio::awaitable<void> keep_venue_trailing(core::symbol symbol, const std::vector<exchange::stop_state>& stops);
    // A live position with more than one fixed stop (or venue trailing stop) of ours keeps the
    // most protective one; the others are cancelled.
    boost::asio::awaitable<void> cancel_duplicate_stops(core::symbol symbol,
                                                        const std::vector<exchange::stop_state>& stops);
    boost::asio::awaitable<void> close_live(core::symbol symbol, core::order_purpose purpose, std::string reason);
    boost::asio::awaitable<void> save_trailing(core::symbol symbol);
    boost::asio::awaitable<void> record_closed(live_position pos, std::optional<core::decimal> exit_price,
                                               std::string reason);
    boost::asio::awaitable<void> reconcile_loop();
    boost::asio::awaitable<void> adopt(exchange::position_state venue_position);
    // Cancels our open orders and stops on symbols without a position (seen in two passes).
    boost::asio::awaitable<void> clean_zombies(const std::map<core::symbol, exchange::position_state>& on_venue,
                                               const std::vector<exchange::stop_state>* stops);
    // `venue_mark`: the mark of this pass's position read; a restore's first attempt checks its
    // stop against it instead of reading the mark again (a cold start restores hundreds).
    boost::asio::awaitable<void> protect(live_position& pos, const std::vector<exchange::stop_state>& stops,
                                         std::optional<core::decimal> venue_mark);
    // Runs work(symbol) for every symbol, a few at a time, and returns when all are done.
    boost::asio::awaitable<void> for_each_concurrently(
        std::vector<core::symbol> symbols, const std::function<boost::asio::awaitable<void>(core::symbol)>& work);
    void track(live_position pos);
    live_position untrack(std::map<core::symbol, live_position>::iterator it);
    void make_trailing(live_position& pos, std::optional<protection::trailing_snapshot> restored);
    [[nodiscard]] stop_target target_of(const live_position& pos) const;
    void spawn(boost::asio::awaitable<void> task, const char* what);
    // An audit row for the events table (written in batches by the event log's owner).
    void audit(std::string_view type, const live_position& pos, std::string message,
               std::vector<std::pair<std::string, std::string>> data = {});

    boost::asio::any_io_executor strand_;
    exchange::venue_client& venue_;
    db::position_repository& positions_;
    db::order_journal& journal_;
    db::event_log& audit_;
    trading_metrics& metrics_;
    const config::settings& settings_;
    const core::clock& clock_;
    std::shared_ptr<spdlog::logger> log_;
    order_executor orders_;
    stop_loss_manager stops_;
    position_opener opener_;
    protection::aged_policy aged_;
    std::map<core::symbol, exchange::instrument_rules> rules_;
    std::map<core::symbol, live_position> live_;
    std::set<core::symbol> opening_;
    std::map<core::symbol, core::decimal> marks_;
    std::map<core::symbol, core::decimal> exit_fills_;  // average price of the last closing fill
    events::subscription marks_sub_;
    events::subscription orders_sub_;
    events::subscription positions_sub_;
    events::subscription streams_sub_;
    std::set<std::string> streams_down_;  // streams that lost events since their last connect
    std::set<std::string> zombies_seen_;  // ids of zombie orders/stops seen by the last pass
    bool confirming_ = false;
    boost::asio::steady_timer reconcile_timer_;
    std::set<boost::asio::steady_timer*> follow_up_pauses_;  // of the running follow_up() calls
    int tasks_ = 0;  // spawned coroutines still running
    bool stopped_ = false;
    bool reconciling_ = false;
};

}  // namespace tradebot::trading

#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "tradebot/config/settings.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/events/router.hpp"
#include "tradebot/events/types.hpp"
#include "tradebot/exchange/venue_client.hpp"
#include "tradebot/trading/entry_intent.hpp"
#include "tradebot/trading/operator_checks.hpp"
#include "tradebot/trading/position_book.hpp"
#include "tradebot/trading/trading_metrics.hpp"

namespace tradebot::db {
class position_store;
class order_store;
class audit_sink;
class trade_store;
}  // namespace tradebot::db

namespace tradebot::trading {

// One venue's trading core after a signal was decided: it owns the venue's position_book and the
// components around it, each with one job (ARCHITECTURE.md §4), and routes the venue's stream
// events to them once:
//   position_opener      the atomic open (entry, fill, stop) of a decided entry
//   protection_driver    mark -> trailing / aged decisions -> stop moves and exits
//   order_report_handler order reports -> journal rows, exit fills
//   fill_recorder        every fill -> a trades row (realized PnL, fees)
//   reconciler           start-up and periodic passes, stream-gap refills, flat reports,
//                        adoption, with stop_keeper (one stop per position) and zombie_sweeper
// All of them run on the venue's trading strand and share the book there without locks; a
// coroutine that awaited finds its position again in the book by symbol and id.
class position_manager {
public:
    position_manager(boost::asio::any_io_executor strand, exchange::venue_client& venue,
                     db::position_store& positions, db::order_store& journal, db::audit_sink& audit,
                     db::trade_store& trades, events::router& router, trading_metrics& metrics, const config::settings& settings,
                     const core::clock& clock);
    ~position_manager();
    position_manager(const position_manager&) = delete;
    position_manager& operator=(const position_manager&) = delete;

    // Loads the instruments and the live rows, reconciles, then follows the venue's events and
    // reconciles every trading.reconcile_interval_seconds. Completes (true) when the venue and
    // the database agree, i.e. when this venue may report ready.
    [[nodiscard]] boost::asio::awaitable<bool> start();
    // Loads the instruments and the live rows only: no reconcile pass, no periodic work. For an
    // operator command run without a daemon, which decides itself what to reconcile.
    [[nodiscard]] boost::asio::awaitable<bool> prepare();
    // No new work starts; running tasks finish (the io_context must run until idle() before the
    // manager is destroyed: its coroutines refer to it).
    void stop();
    [[nodiscard]] bool idle() const noexcept;

    // Opens unless the symbol is live or in flight here (rule 4); the result says how it ended.
    [[nodiscard]] boost::asio::awaitable<open_result> open(entry_intent intent);
    // Closes one live position at market (operator command or emergency).
    [[nodiscard]] boost::asio::awaitable<bool> close(core::symbol symbol, std::string reason);
    // Who subscribes a live position's symbol again when its streamed marks stopped for
    // trading.mark_stale_seconds (the venue's market stream; §11 #39). Set before start().
    void on_stale_marks(std::function<void(std::set<core::symbol>)> resubscribe);
    // The database connection was lost: a write may have failed, and a crash of the server may lose
    // rows committed asynchronously. The book is reloaded from the rows once they can be read.
    void database_outage();
    // It answers again: the orders and closes kept meanwhile are written, the book is reloaded from
    // the rows and reconciled with the venue, as at start (passes until they agree). Only after start().
    void database_back();
    // One reconcile pass; safe to call at any time.
    [[nodiscard]] boost::asio::awaitable<void> reconcile();

    // The operator's commands (operator_desk): emergency close of one symbol (reason
    // manual_close), a protect pass, zombie orders and duplicate stops (listed, or cancelled).
    [[nodiscard]] boost::asio::awaitable<close_report> operator_close(core::symbol symbol);
    [[nodiscard]] boost::asio::awaitable<std::vector<protect_report>> operator_protect();
    [[nodiscard]] boost::asio::awaitable<stray_report> operator_zombies(bool clean);
    [[nodiscard]] boost::asio::awaitable<stray_report> operator_duplicates(bool cancel);
    // Waits on the manager's clock; false once it is stopped.
    [[nodiscard]] boost::asio::awaitable<bool> pause(std::chrono::steady_clock::duration d);

    [[nodiscard]] core::exchange_id venue() const noexcept;
    [[nodiscard]] const position_book& book() const noexcept;
    [[nodiscard]] const std::map<core::symbol, live_position>& live() const noexcept { return book().live(); }
    [[nodiscard]] const std::set<core::symbol>& opening() const noexcept { return book().opening(); }
    [[nodiscard]] bool busy_with(const core::symbol& s) const { return book().busy_with(s); }
    [[nodiscard]] const exchange::instrument_rules* rules(const core::symbol& s) const { return book().rules(s); }
    // The symbols whose prices are wanted: the live positions' (the caller adds candidates).
    [[nodiscard]] std::set<core::symbol> watched_symbols() const { return book().watched_symbols(); }

private:
    struct parts;
    [[nodiscard]] boost::asio::awaitable<bool> load();
    // Margin mode and leverage of the venue's symbols ahead of their first entry (background).
    [[nodiscard]] boost::asio::awaitable<void> prepare_symbols();
    // The venue said `symbol` does not trade: not tradable here for trading.halted_symbol_pause_seconds.
    void pause_symbol(const core::symbol& symbol);
    [[nodiscard]] boost::asio::awaitable<void> resume_symbol(core::symbol symbol, std::chrono::seconds after);
    // After an open: the new position enters the book, and what the result asks for starts.
    void opened(const entry_intent& intent, const open_result& r);
    // Whether an event the router posted before stop() may still be acted on.
    [[nodiscard]] bool accepts() const noexcept;

    std::unique_ptr<parts> parts_;
    events::subscription marks_sub_;
    events::subscription orders_sub_;
    events::subscription fills_sub_;
    events::subscription positions_sub_;
    events::subscription streams_sub_;
};

}  // namespace tradebot::trading

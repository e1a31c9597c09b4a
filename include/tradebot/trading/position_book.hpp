#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "tradebot/config/settings.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/db/records.hpp"
#include "tradebot/exchange/instrument_rules.hpp"
#include "tradebot/exchange/venue_client.hpp"
#include "tradebot/protection/trailing_stop.hpp"
#include "tradebot/trading/stop_loss_manager.hpp"

namespace tradebot::trading {

class trading_metrics;

// A live position as the book holds it between database writes.
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

// The stop loss manager's view of a live position.
[[nodiscard]] stop_target target_of(const live_position& pos);

// One venue's positions: the live ones, the symbols being opened, the instruments and the exit
// fills. Plain state on the trading strand, no I/O: every component of the venue
// reads and changes it there, and a coroutine that awaited finds its position again by symbol
// (it may have been closed meanwhile).
class position_book {
public:
    position_book(core::exchange_id venue, const config::settings& settings, trading_metrics& metrics);

    [[nodiscard]] core::exchange_id venue() const noexcept { return venue_; }

    [[nodiscard]] live_position* find(const core::symbol& s);
    // The position of `s` if it is still the one with `id` (not closed and reopened meanwhile).
    [[nodiscard]] live_position* find(const core::symbol& s, std::int64_t id);
    void track(live_position pos);
    // Removes the position of `s` with the symbol's exit fill, which belongs to it (§11 #67: a
    // stale fill became a later position's exit price).
    [[nodiscard]] std::optional<live_position> untrack(const core::symbol& s);
    [[nodiscard]] const std::map<core::symbol, live_position>& live() const noexcept { return live_; }
    // Publishes the open and unprotected counts; called where positions or their stops change,
    // since a stop is set on the position itself, outside the book.
    void publish_counts();

    void begin_opening(const core::symbol& s) { opening_.insert(s); }
    void end_opening(const core::symbol& s) { opening_.erase(s); }
    [[nodiscard]] const std::set<core::symbol>& opening() const noexcept { return opening_; }
    [[nodiscard]] bool busy_with(const core::symbol& s) const { return live_.contains(s) || opening_.contains(s); }
    // The symbols whose prices are wanted: the live positions' and those being opened.
    [[nodiscard]] std::set<core::symbol> watched_symbols() const;

    void set_rules(std::vector<exchange::instrument_rules> rules);
    // Marks the instrument not trading (the filters and open() then skip it) or trading again;
    // false when the instrument is unknown.
    bool set_trading(const core::symbol& s, bool trading);
    [[nodiscard]] const exchange::instrument_rules* rules(const core::symbol& s) const;
    [[nodiscard]] std::size_t instruments() const noexcept { return rules_.size(); }
    // The instruments that trade now, in symbol order.
    [[nodiscard]] std::vector<core::symbol> tradable_symbols() const;

    // A mark of the venue: the live position of `s`, if any, keeps it as its last mark.
    void set_mark(const core::symbol& s, core::decimal price);

    void set_exit_fill(const core::symbol& s, core::decimal price) { exit_fills_.insert_or_assign(s, price); }
    [[nodiscard]] std::optional<core::decimal> exit_fill(const core::symbol& s) const;

    // The trailing stop of `pos` from the settings and its instrument; `restored` continues a
    // saved one. None when trailing is off or the instrument is unknown.
    void make_trailing(live_position& pos, std::optional<protection::trailing_snapshot> restored) const;
    // A database row as a live position (a restart's view of it, trailing state included).
    [[nodiscard]] live_position from_row(const db::position_record& row, core::clock::time_point now) const;

    // The database could not be reached since the book last matched its rows: a write may have
    // failed, and a crash of the server may have lost rows committed asynchronously (findings C2,
    // C6 of tests/integration/chaos). The next reconcile pass that reads the rows again clears it.
    void note_database_outage() noexcept { database_outage_ = true; }
    void clear_database_outage() noexcept { database_outage_ = false; }
    [[nodiscard]] bool database_outage() const noexcept { return database_outage_; }

private:
    core::exchange_id venue_;
    const config::settings& settings_;
    trading_metrics& metrics_;
    std::map<core::symbol, exchange::instrument_rules> rules_;
    std::map<core::symbol, live_position> live_;
    std::set<core::symbol> opening_;
    std::map<core::symbol, core::decimal> exit_fills_;  // average price of the last closing fill
    bool database_outage_ = false;
};

}  // namespace tradebot::trading

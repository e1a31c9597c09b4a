#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/db/records.hpp"
#include "tradebot/exchange/venue_client.hpp"

// What the operator's commands (tradebot close/protect/sync/orders ...) look at, as pure functions
// of one read of the venue and the book: unit-tested without a venue, and shared by the daemon's
// control endpoint and the one-shot command so both decide alike.
namespace tradebot::trading {

// An order or stop of ours the operator may cancel.
struct stray_order {
    core::symbol symbol;
    std::string kind;  // "order" or "stop"
    std::string venue_id;
    std::string client_id;  // ours: parses as a core::client_order_id
    std::optional<core::decimal> trigger;
    std::string reason;
    bool cancelled = false;
    std::string error;  // the cancel's failure, if any
};

// A stop with a fixed trigger protecting `side` of `s`: a fixed stop order, or a Bybit position
// entry, which lists its stop loss without a venue id.
[[nodiscard]] bool is_fixed_stop_of(const exchange::stop_state& st, const core::symbol& s, core::position_side side);

// Orders and stops of ours on symbols with no position on the venue and none in the book (live or
// opening). A stop on a symbol the venue lists a position for is never a zombie, whoever placed
// it: cancelling it could leave that position unprotected. Other people's orders (no client id of
// ours) are never listed.
[[nodiscard]] std::vector<stray_order> find_zombies(const std::set<core::symbol>& venue_positions,
                                                    const std::set<core::symbol>& book_symbols,
                                                    const std::vector<exchange::order_state>& orders,
                                                    const std::vector<exchange::stop_state>& stops);

// Only what both of two reads a moment apart call a zombie is cancelled (rule 6): an order that
// became a position's between the reads drops out.
[[nodiscard]] std::vector<stray_order> confirmed_zombies(const std::vector<stray_order>& first,
                                                         const std::vector<stray_order>& second);

// A live position of the book as the duplicate check needs it.
struct held_position {
    core::symbol symbol;
    core::position_side side = core::position_side::long_;
};

// A position with more than one fixed stop (or more than one venue trailing stop) of ours keeps
// the most protective fixed stop (the first trailing one); the others are listed. Stops without a
// venue id (a Bybit position's own stop loss) and other people's stops are never listed.
[[nodiscard]] std::vector<stray_order> find_duplicate_stops(const std::vector<held_position>& live,
                                                            const std::vector<exchange::stop_state>& stops);

// One difference between the database's live rows and the venue.
struct sync_difference {
    core::symbol symbol;
    std::string kind;  // only_on_venue, only_in_db, side_differs, quantity_differs, stop_missing
    std::optional<std::int64_t> position_id;
    std::string db_value;
    std::string venue_value;
    std::string action;  // what `sync --apply` (a reconcile pass) does about it
};

// The database's live rows of `venue` against the venue's positions and stops.
[[nodiscard]] std::vector<sync_difference> sync_diff(core::exchange_id venue,
                                                     const std::vector<db::position_record>& rows,
                                                     const std::vector<exchange::position_state>& on_venue,
                                                     const std::vector<exchange::stop_state>* stops);

// What `close` did for one symbol on one venue.
struct close_report {
    core::exchange_id exchange = core::exchange_id::binance;
    core::symbol symbol;
    std::optional<std::int64_t> position_id;
    bool had_position = false;  // the book or the venue held one
    bool closed = false;        // filled, recorded (reason manual_close) and flat on the venue
    bool flat_on_venue = false;
    int orders_cancelled = 0;
    int stops_cancelled = 0;  // stops left after the close
    std::string error;
};

// What `protect` found for one live position after its reconcile pass.
struct protect_report {
    core::symbol symbol;
    std::int64_t position_id = 0;
    std::optional<core::decimal> stop_price;
    bool stop_on_venue = false;
};

// A list of orders with the error that cut it short, if any.
struct stray_report {
    std::vector<stray_order> items;
    std::string error;
};

}  // namespace tradebot::trading

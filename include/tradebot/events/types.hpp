#pragma once

// The events that cross component boundaries through the router. Plain immutable values built from
// core types: venue adapters fill them from their wire formats, so nothing downstream ever sees a
// venue spelling. Every market or account event carries the venue's own timestamp (exchange_ts)
// and the moment we read it (receive_ts), so domain logic never has to ask a clock what "now" was.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "tradebot/core/clock.hpp"
#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/core/types.hpp"

namespace tradebot::events {

using time_point = core::clock::time_point;

// An instrument on one venue: the coalescing key of per-symbol market data.
struct venue_symbol {
    core::exchange_id exchange = core::exchange_id::binance;
    core::symbol symbol;
    friend bool operator==(const venue_symbol&, const venue_symbol&) = default;
};

// Key extractor for policy::coalesce_by_key over any event with `exchange` and `symbol` members.
struct by_venue_symbol {
    template <class E>
    venue_symbol operator()(const E& e) const {
        return {e.exchange, e.symbol};
    }
};

struct mark_price {
    core::exchange_id exchange = core::exchange_id::binance;
    core::symbol symbol;
    core::decimal price;
    std::optional<core::decimal> index_price;
    time_point exchange_ts;
    time_point receive_ts;
};

// The best bid and ask of an instrument as a venue's public stream reports them (Binance
// bookTicker, Bybit tickers bid1Price/ask1Price): the spread check reads these instead of REST.
struct book_top {
    core::exchange_id exchange = core::exchange_id::binance;
    core::symbol symbol;
    core::decimal bid;
    core::decimal ask;
    time_point exchange_ts;
    time_point receive_ts;
};

// Venue order states in one vocabulary (Binance NEW/PARTIALLY_FILLED/..., Bybit New/Untriggered/...).
enum class order_status : std::uint8_t {
    new_,
    partially_filled,
    filled,
    canceled,
    rejected,
    expired,
    untriggered,  // a conditional order waiting for its trigger price
    triggered,    // a conditional order whose trigger fired; its market order follows
};

[[nodiscard]] std::string_view to_string(order_status s) noexcept;
// True when the order can no longer change (filled, canceled, rejected, expired).
[[nodiscard]] bool is_final(order_status s) noexcept;

struct order_update {
    core::exchange_id exchange = core::exchange_id::binance;
    core::symbol symbol;
    // Ours when we placed it (core::client_order_id::str()); anything else is a foreign order.
    std::string client_order_id;
    std::string exchange_order_id;
    core::side side = core::side::buy;
    core::order_type type = core::order_type::market;
    order_status status = order_status::new_;
    bool reduce_only = false;
    std::optional<core::decimal> price;       // limit price
    std::optional<core::decimal> stop_price;  // trigger price of conditional orders
    core::decimal quantity;
    core::decimal filled_quantity;  // cumulative
    core::decimal average_price;    // of the cumulative fills
    core::decimal last_fill_quantity;
    core::decimal last_fill_price;
    core::decimal fee;  // of the last fill, in fee_asset
    std::string fee_asset;
    core::decimal realized_pnl;  // of the last fill
    std::string trade_id;        // the venue's id of the last fill; empty when it names none
    std::string reject_reason;
    time_point exchange_ts;
    time_point receive_ts;
};

struct position_update {
    core::exchange_id exchange = core::exchange_id::binance;
    core::symbol symbol;
    core::position_side side = core::position_side::long_;
    core::decimal quantity;  // absolute size; zero means the position is closed
    core::decimal entry_price;
    std::optional<core::decimal> mark_price;
    core::decimal unrealized_pnl;
    std::optional<std::uint32_t> leverage;
    time_point exchange_ts;
    time_point receive_ts;
};

struct balance_update {
    core::exchange_id exchange = core::exchange_id::binance;
    std::string asset;  // "USDT"
    core::decimal wallet_balance;
    std::optional<core::decimal> available_balance;
    time_point exchange_ts;
    time_point receive_ts;
};

enum class stream_status : std::uint8_t { connected, disconnected, stalled };

[[nodiscard]] std::string_view to_string(stream_status s) noexcept;

struct stream_state {
    core::exchange_id exchange = core::exchange_id::binance;
    std::string stream;  // "public", "private", "mark_price" ...
    stream_status status = stream_status::disconnected;
    std::string reason;  // why it went down or stalled; empty when connected
    time_point ts;
};

// Whether a venue's REST API answers: published by the daemon's periodic bulk mark read when the
// answer changes from success to failure or back (and on the first read).
struct rest_state {
    core::exchange_id exchange = core::exchange_id::binance;
    bool ok = false;
    std::string detail;  // the error when !ok
    time_point ts;
};

// A step in a position's life. The venue's trading core publishes each one once; whoever follows
// positions subscribes: the audit trail (events table) today, alerts and reports next.
enum class position_event_kind : std::uint8_t {
    opened,                // protected: entry filled and its stop live
    open_unresolved,       // the entry's outcome or its stop is not known yet: the reconciler follows up
    adopted,               // found on the venue, unknown to the database
    stop_moved,            // the trailing stop moved the venue stop
    stop_restored,         // a stop missing on the venue was placed again
    trailing_handed_over,  // the venue trails from here on (protection.trailing.venue_native)
    trailing_restored,     // the venue's trailing stop, missing, was placed again
    // A stop found on the venue that the book did not hold (a person's, e.g. Bybit's position stop
    // loss set by hand, or one of ours whose rows were lost) became the position's stop.
    stop_adopted,
    closed,
    // No stop could be placed (the entry's first stop, or restoring a missing one): the position is
    // closed at market next, or, when that close did not fill, left to the reconciler unprotected.
    stop_failed,
    // A live position holds no stop on the venue and none can be placed now (no entry price or
    // instrument rules to compute one): the reconciler keeps trying.
    unprotected,
};

// "position_opened", "open_unresolved", "position_adopted", "stop_moved", ...: the audit type.
[[nodiscard]] std::string_view to_string(position_event_kind k) noexcept;

struct position_event {
    core::exchange_id exchange = core::exchange_id::binance;
    std::int64_t position_id = 0;
    core::symbol symbol;
    position_event_kind kind = position_event_kind::opened;
    std::string reason;  // why: the open's outcome, the close reason, what the reconciler found
    std::optional<core::decimal> quantity;
    std::optional<core::decimal> entry_price;
    std::optional<core::decimal> stop_price;
    std::optional<core::decimal> exit_price;
    std::optional<core::decimal> realized_pnl;
    std::optional<core::decimal> callback_percent;
    time_point ts;
};

// The topic names the components agree on.
namespace topic_name {
inline constexpr std::string_view mark_price = "mark_price";
inline constexpr std::string_view book_top = "book_top";
inline constexpr std::string_view order_update = "order_update";
inline constexpr std::string_view position_update = "position_update";
inline constexpr std::string_view balance_update = "balance_update";
inline constexpr std::string_view stream_state = "stream_state";
inline constexpr std::string_view rest_state = "rest_state";
inline constexpr std::string_view position_event = "position_event";
// Fills a venue reports apart from its order reports (Bybit's execution topic), as order_update
// values with only the identity and the last_fill_* / fee / realized_pnl / trade_id fields set.
inline constexpr std::string_view fill = "fill";
}  // namespace topic_name

}  // namespace tradebot::events

template <>
struct std::hash<tradebot::events::venue_symbol> {
    std::size_t operator()(const tradebot::events::venue_symbol& k) const noexcept {
        return std::hash<tradebot::core::symbol>{}(k.symbol) * 31U + static_cast<std::size_t>(k.exchange);
    }
};

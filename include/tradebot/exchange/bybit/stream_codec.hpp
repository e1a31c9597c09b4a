#pragma once

// Sans-io decoding of Bybit V5 WebSocket frames (public linear topics, private topics, op
// replies) into internal events. Stateful only for tickers (snapshot + delta merge).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/events/types.hpp"
#include "tradebot/exchange/bybit/ticker_book.hpp"
#include "tradebot/exchange/symbol_map.hpp"

namespace tradebot::exchange::bybit {

using time_point = events::time_point;

// Reply to op subscribe / unsubscribe / auth / ping. Public and private pongs, the
// {"success":..,"ret_msg":..} form and the order-entry {"retCode":..,"retMsg":..} form all land here.
struct op_response {
    std::string op;       // "subscribe", "auth", "ping", "pong", ...
    bool success = true;  // a reply without "success"/"retCode" (private pong) counts as success
    std::string message;  // ret_msg / retMsg, e.g. "error:handler not found,topic:tickers.NOPEUSDT"
    std::string req_id;
    std::string conn_id;
};

// tickers.<SYMBOL> after merging this frame. `mark` is set when the frame carried markPrice or
// indexPrice (snapshot or delta) and the merged mark price is known.
struct ticker_update {
    ticker state;
    bool snapshot = false;
    std::optional<events::mark_price> mark;
    time_point receive_ts;
};

// A tickers delta for a symbol with no snapshot on this decoder: not applied.
struct delta_without_snapshot {
    core::symbol symbol;
    std::string topic;
};

// orderbook.1.<SYMBOL> snapshot: the best level of each side (nullopt when the side is empty).
struct book_top {
    core::symbol symbol;
    std::optional<core::decimal> bid_price, bid_size, ask_price, ask_size;
    std::uint64_t update_id = 0;  // "u"
    std::uint64_t seq = 0;        // "seq"
    time_point exchange_ts;       // "ts"
    time_point receive_ts;
};

// publicTrade.<SYMBOL> item.
struct public_trade {
    core::symbol symbol;
    std::string trade_id;          // "i"
    core::decimal price;           // "p"
    core::decimal quantity;        // "v"
    core::side taker_side = core::side::buy;  // "S" is the taker's side
    bool block_trade = false;      // "BT"
    time_point trade_ts;           // "T"
    time_point receive_ts;
};

// One fill from the execution topic (several may share a message).
struct execution {
    core::symbol symbol;
    std::string order_id;         // "orderId"
    std::string client_order_id;  // "orderLinkId"
    std::string exec_id;          // "execId"
    std::string exec_type;        // "Trade", "Funding", "AdlTrade", "BustTrade", ...
    core::side side = core::side::buy;
    core::decimal price;          // "execPrice"
    core::decimal quantity;       // "execQty"
    core::decimal fee;            // "execFee" ("" -> 0)
    std::string fee_currency;     // "feeCurrency" (may be "")
    core::decimal exec_pnl;       // "execPnl" ("" or absent -> 0)
    core::decimal leaves_quantity;  // "leavesQty"
    core::decimal closed_size;    // "closedSize"
    bool is_maker = false;
    std::optional<core::decimal> mark_price;
    time_point exchange_ts;       // "execTime"
    time_point receive_ts;
};

// The items of one private (or publicTrade) message. Items of other categories (spot, option)
// are skipped; items whose symbol is not in the map go to unknown_symbols; items with bad fields
// go to rejected (with the reason) while the good ones are still delivered.
template <class T>
struct batch {
    std::vector<T> items;
    std::vector<std::string> unknown_symbols;
    std::vector<std::string> rejected;
};
// order: the order topic carries cumulative values only, so last_fill_*, fee and realized_pnl
// stay zero (take fills from `execution`). rejectReason EC_NoError maps to "". A Market order's
// "price" (the venue's protection price) is not a limit price: price is nullopt for Market.
// stop_price = triggerPrice when non-zero. status: New, PartiallyFilled, Untriggered, Triggered,
// Filled, Cancelled / PartiallyFilledCanceled / Deactivated -> canceled, Rejected.
using order_batch = batch<events::order_update>;
using execution_batch = batch<execution>;
// position: side Buy -> long_, Sell -> short_, "" (flat) -> long_ with quantity 0; leverage is
// set when it is a whole number ("10"), nullopt for "" or fractional ("12.5").
using position_batch = batch<events::position_update>;
// wallet: one balance_update per coin (walletBalance); available_balance = availableToWithdraw
// when it is not "" (deprecated by Bybit, usually ""): take free margin from REST.
using balance_batch = batch<events::balance_update>;
using trade_batch = batch<public_trade>;

struct unknown_symbol {
    std::string venue_name;
    std::string topic;
};
struct ignored {
    std::string topic;  // topic or op when there is one
};
struct malformed {
    std::string reason;
};

using decoded = std::variant<ignored, malformed, unknown_symbol, op_response, ticker_update, delta_without_snapshot,
                             book_top, trade_batch, order_batch, execution_batch, position_batch, balance_batch>;

// One per connection (holds the simdjson parser and the tickers state); never throws.
class stream_decoder {
public:
    explicit stream_decoder(const symbol_map& symbols);
    ~stream_decoder();
    stream_decoder(stream_decoder&&) noexcept;
    stream_decoder& operator=(stream_decoder&&) noexcept;
    stream_decoder(const stream_decoder&) = delete;
    stream_decoder& operator=(const stream_decoder&) = delete;

    [[nodiscard]] decoded decode(std::string_view frame, time_point receive_ts) noexcept;

    // Clear on reconnect; snapshots come again after resubscribing.
    [[nodiscard]] ticker_book& tickers() noexcept;

private:
    struct state;
    std::unique_ptr<state> state_;
};

}  // namespace tradebot::exchange::bybit

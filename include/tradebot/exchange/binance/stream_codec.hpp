#pragma once

// Sans-io decoding of Binance USDⓈ-M WebSocket frames (market streams, combined-stream wrapper,
// SUBSCRIBE control replies, user data events) into internal events. No I/O, no clock: the
// transport passes each text frame and the moment it was read.

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
#include "tradebot/exchange/symbol_map.hpp"

namespace tradebot::exchange::binance {

using time_point = events::time_point;

// <symbol>@bookTicker: best bid/ask (RPI orders excluded by the venue).
struct book_ticker {
    core::symbol symbol;
    std::uint64_t update_id = 0;  // "u"
    core::decimal bid_price;      // "b"
    core::decimal bid_quantity;   // "B"
    core::decimal ask_price;      // "a"
    core::decimal ask_quantity;   // "A"
    time_point exchange_ts;       // "E" event time
    time_point transaction_ts;    // "T"
    time_point receive_ts;
};

// <symbol>@aggTrade.
struct agg_trade {
    core::symbol symbol;
    std::uint64_t agg_trade_id = 0;  // "a"
    core::decimal price;             // "p"
    core::decimal quantity;          // "q" (includes RPI fills; "nq" excludes them and is not read)
    bool buyer_is_maker = false;     // "m": true means the taker sold
    time_point trade_ts;             // "T"
    time_point exchange_ts;          // "E"
    time_point receive_ts;
};

// !markPrice@arr[@1s]: one frame for every symbol; names not in the map are listed, not guessed.
struct mark_price_batch {
    std::vector<events::mark_price> prices;
    std::vector<std::string> unknown_symbols;
};

// Reply to SUBSCRIBE / UNSUBSCRIBE ({"result":null,"id":n}), LIST_SUBSCRIPTIONS (streams) or
// GET_PROPERTY (flag).
struct command_result {
    std::uint64_t id = 0;
    std::vector<std::string> streams;  // LIST_SUBSCRIPTIONS only
    std::optional<bool> flag;          // GET_PROPERTY only
};

// {"code":2,"msg":"Invalid request: ...","id":n}; the id is absent when the request had none.
struct command_error {
    std::optional<std::uint64_t> id;
    std::int64_t code = 0;
    std::string message;
};

// ACCOUNT_UPDATE: the changed balances and positions. Positions come in one-way mode as
// ps=BOTH with a signed amount: the side is the sign, and a zero amount (closed) reads as
// long_ with quantity 0. Hedge mode (ps=LONG/SHORT) takes the side from ps.
struct account_update {
    std::string reason;  // "m": ORDER, FUNDING_FEE, DEPOSIT, ...
    std::vector<events::balance_update> balances;    // available_balance is not sent here (nullopt)
    std::vector<events::position_update> positions;  // mark_price and leverage are not sent here
    std::vector<std::string> unknown_symbols;        // positions whose "s" is not in the map (dropped)
    time_point exchange_ts;                          // "E"
    time_point receive_ts;
};

// ALGO_UPDATE: the lifecycle of a conditional (Algo API) order. `order` uses the algo ids:
// exchange_order_id = algoId ("aid"), client_order_id = clientAlgoId ("caid"); they are NOT
// matching-engine order ids. Once triggered, `triggered_order_id` ("ai") is the orderId of the
// child order, which streams on as ORDER_TRADE_UPDATE with "i" == that id [U].
// algoStatus -> order.status: NEW -> untriggered, TRIGGERING/TRIGGERED -> triggered,
// CANCELED -> canceled, REJECTED -> rejected, EXPIRED -> expired, FINISHED -> filled when the
// executed quantity "aq" is positive, else canceled [U: FINISHED covers "filled or cancelled"].
struct algo_update {
    events::order_update order;  // stop_price = "tp"; price = "p" when non-zero; filled/avg from "aq"/"ap"
    std::string algo_id;             // "aid"
    std::string client_algo_id;      // "caid"
    std::string algo_status;         // "X" as sent
    std::string algo_type;           // "at" (CONDITIONAL)
    std::string triggered_order_id;  // "ai"; empty until triggered
    std::optional<time_point> trigger_ts;  // "tt" when non-zero
};

// listenKeyExpired: no more user events arrive on this key; get a new one.
struct listen_key_expired {
    std::string listen_key;
    time_point exchange_ts;
    time_point receive_ts;
};

// A well-formed event for a venue symbol that is not in the symbol map.
struct unknown_symbol {
    std::string venue_name;
    std::string event;  // "markPriceUpdate", "ORDER_TRADE_UPDATE", ...
};

// Valid JSON that we do not map (other event types, kline, ...). `event` is "e" when present.
struct ignored {
    std::string event;
};

// Not JSON, truncated, wrong types, missing required fields, unknown enum values.
struct malformed {
    std::string reason;
};

using decoded = std::variant<ignored, malformed, unknown_symbol, events::mark_price, mark_price_batch, book_ticker,
                             agg_trade, command_result, command_error, events::order_update, algo_update,
                             account_update, listen_key_expired>;

// Decodes one text frame of any Binance futures connection (/public, /market, /private; raw or
// combined). Never throws; any input gives a `decoded`. Keeps one simdjson parser and one
// padding buffer, so reuse an instance per connection (not thread-safe; one per reader).
// ORDER_TRADE_UPDATE maps: s c S o X i q p(0 -> nullopt) sp(0 -> nullopt) z ap l L n N rp R E,
// and er (expiry reason) into reject_reason ("expiry_reason=<code>:<name>") when non-zero.
class stream_decoder {
public:
    explicit stream_decoder(const symbol_map& symbols);
    ~stream_decoder();
    stream_decoder(stream_decoder&&) noexcept;
    stream_decoder& operator=(stream_decoder&&) noexcept;
    stream_decoder(const stream_decoder&) = delete;
    stream_decoder& operator=(const stream_decoder&) = delete;

    [[nodiscard]] decoded decode(std::string_view frame, time_point receive_ts) noexcept;

private:
    struct state;
    std::unique_ptr<state> state_;
};

// One-shot convenience (allocates a parser per call): tests and rare frames.
[[nodiscard]] decoded decode_message(std::string_view frame, const symbol_map& symbols, time_point receive_ts) noexcept;

// Stream names are lower-case: stream_name("1000SHIBUSDT", "markPrice@1s") == "1000shibusdt@markPrice@1s".
[[nodiscard]] std::string stream_name(std::string_view venue_symbol, std::string_view stream);

}  // namespace tradebot::exchange::binance

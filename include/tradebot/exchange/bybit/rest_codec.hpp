#pragma once

// Sans-io pieces of the Bybit V5 REST adapter: request bodies and queries, the response envelope,
// and the parsers of each answer into internal types. Everything here is pure (no I/O, no clock),
// so unit tests feed it recorded payloads (exchange-apis.md §B5-§B8).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/fwd.hpp>
#include <boost/json/value.hpp>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/exchange/error.hpp"
#include "tradebot/exchange/instrument_rules.hpp"
#include "tradebot/exchange/symbol_map.hpp"
#include "tradebot/exchange/leverage_cap.hpp"
#include "tradebot/exchange/venue_client.hpp"

namespace tradebot::exchange::bybit {

// The envelope {retCode, retMsg, result, retExtInfo, time} of every answer.
struct envelope {
    boost::json::value result;  // the "result" member ({} on errors)
    std::int64_t time_ms = 0;   // "time": the venue's clock when it answered (0 when absent)
};

// Success: the envelope. Business errors (HTTP 200, retCode != 0) and HTTP errors go through
// classify_bybit (403 -> rate_limited, 10002 -> clock_skew ...); a body that is not the envelope is
// bad_response (for a 2xx) or classified by its HTTP status alone.
[[nodiscard]] result<envelope> parse_envelope(unsigned http_status, std::string_view body);

// Percent-encodes a query value: exchange::percent_encode (signing.hpp).
[[nodiscard]] std::string url_encode(std::string_view value);

// `query` with the page cursor the previous page returned appended (none on the first page).
[[nodiscard]] std::string with_cursor(std::string query, const std::string& cursor);
// Paged reads stop after this many pages, so a venue that keeps returning a cursor cannot loop us forever.
inline constexpr int max_pages = 50;

// The venue's name of `s` from the map load_instruments filled: a symbol it does not know is an
// invalid_request, never a guess.
[[nodiscard]] result<std::string> venue_name_of(const symbol_map& symbols, const core::symbol& s);

// Venue spellings.
[[nodiscard]] std::string_view side_text(core::side s) noexcept;           // "Buy" / "Sell"
[[nodiscard]] std::string_view tif_text(time_in_force t) noexcept;         // "GTC" "IOC" "FOK" "PostOnly"
[[nodiscard]] std::optional<order_status> parse_order_status(std::string_view s) noexcept;

// JSON bodies, serialised once: the string returned is what is signed and sent.
[[nodiscard]] std::string market_order_body(std::string_view venue_symbol, const market_order_request& r);
[[nodiscard]] std::string limit_order_body(std::string_view venue_symbol, const limit_order_request& r);
[[nodiscard]] std::string cancel_order_body(std::string_view venue_symbol, std::string_view order_link_id);
[[nodiscard]] std::string set_leverage_body(std::string_view venue_symbol, int leverage);
[[nodiscard]] std::string switch_mode_body();  // coin USDT, mode 0 (one-way)
[[nodiscard]] std::string margin_mode_body(margin_mode m);

// POST /v5/position/trading-stop (tpslMode Full, positionIdx 0). nullopt fields are not sent.
struct trading_stop_params {
    std::optional<core::decimal> stop_loss;      // 0: cancel
    std::optional<core::decimal> trailing_stop;  // price distance; 0: cancel
    std::optional<core::decimal> active_price;
    bool mark_trigger = true;  // slTriggerBy with a stopLoss: MarkPrice, or LastPrice when false
};
[[nodiscard]] std::string trading_stop_body(std::string_view venue_symbol, const trading_stop_params& p);

// Bybit's trailingStop is a price distance: percent of the activation price (or the mark when
// there is none), rounded to the nearest tick and never below one tick.
[[nodiscard]] core::decimal trailing_distance(core::decimal reference_price, core::decimal callback_pct,
                                              core::decimal tick_size);

// ---- answers -----------------------------------------------------------------------------------

// GET /v5/market/time: the venue's ms from timeNano (falls back to timeSecond * 1000).
[[nodiscard]] std::optional<std::int64_t> parse_server_time(const envelope& e);

struct instruments_page {
    std::vector<instrument_rules> rules;  // LinearPerpetual + Trading + USDT only
    std::vector<std::string> rejected;    // rows that were skipped for a reason worth logging
    std::string next_cursor;              // "" when this is the last page
};
// Adds every accepted row to `symbols` (multiplier names such as SHIB1000USDT -> 1000SHIBUSDT).
[[nodiscard]] result<instruments_page> parse_instruments(const envelope& e, symbol_map& symbols);

[[nodiscard]] result<mark_price_state> parse_mark_price(const envelope& e, const symbol_map& symbols);
// GET /v5/market/tickers without a symbol: every symbol of the category; unknown ones are skipped.
[[nodiscard]] result<std::vector<mark_price_state>> parse_mark_prices(const envelope& e, const symbol_map& symbols);
// GET /v5/market/tickers with a symbol: bid1Price / ask1Price of result.list[0] (§B5), stamped
// with the envelope's time. "" (no quote on one side) is malformed: the spread is then unknown.
[[nodiscard]] result<book_top_state> parse_book_top(const envelope& e, const symbol_map& symbols);
// Every listed item's bid1Price / ask1Price; items of unknown symbols or without both are left out.
[[nodiscard]] result<std::vector<book_top_state>> parse_book_tops(const envelope& e, const symbol_map& symbols);
// GET /v5/market/tickers: openInterestValue (USDT) of result.list[0]. Since 2026-06-11 the docs
// call it "both sides" and add singleOpenInterestValue (§B5); whether the number itself changed is
// [U]: we keep openInterestValue, the original's openInterest x price.
// GET /v5/market/risk-limit: the symbol's tiers as brackets (id, maxLeverage "100.00" as an
// integer, riskLimitValue as the cap), lowest risk first.
[[nodiscard]] result<symbol_brackets> parse_risk_limits(const envelope& e, const core::symbol& symbol,
                                                        std::string_view venue_symbol);
// GET /v5/market/risk-limit without a symbol: every known symbol's tiers on this page, as above.
struct risk_limits_page {
    std::vector<symbol_brackets> limits;
    std::string next_cursor;  // "" when this is the last page
};
[[nodiscard]] result<risk_limits_page> parse_risk_limits_page(const envelope& e, const symbol_map& symbols);
[[nodiscard]] result<core::decimal> parse_open_interest_value(const envelope& e, const symbol_map& symbols);

// One candle of GET /v5/market/kline: [startTime, open, high, low, close, volume, turnover], all
// strings, newest first (§B5).
struct kline_row {
    std::int64_t start_ms = 0;
    core::decimal open;
    core::decimal close;
    core::decimal turnover;
};
// The row starting at `start_ms`; nullopt when the answer has none.
[[nodiscard]] result<std::optional<kline_row>> parse_kline_at(const envelope& e, std::int64_t start_ms);

struct page_cursor {
    std::string next_cursor;
};
// order/realtime or order/history: items whose symbol is unknown are skipped.
struct orders_page {
    std::vector<order_state> orders;
    std::vector<bool> position_tpsl;  // per order: created by a position trading-stop
    std::string next_cursor;
};
[[nodiscard]] result<orders_page> parse_orders(const envelope& e, const symbol_map& symbols);

struct positions_page {
    std::vector<position_state> positions;  // non-flat only
    std::vector<stop_state> stops;          // the trading-stop of each non-flat position
    std::string next_cursor;
};
[[nodiscard]] result<positions_page> parse_positions(const envelope& e, const symbol_map& symbols);

// available = walletBalance - totalPositionIM (totalAvailableBalance is often "", §B8).
[[nodiscard]] result<std::vector<balance_state>> parse_wallet(const envelope& e);

// POST /v5/order/create: {orderId, orderLinkId}.
[[nodiscard]] result<std::string> parse_order_id(const envelope& e);

}  // namespace tradebot::exchange::bybit

#pragma once

// Sans-io pieces of the Binance USDⓈ-M REST adapter: query building, venue spellings and the
// parsing of REST answers (Boost.JSON DOM) into the venue_client result types. No I/O, no clock,
// so every request and every recorded answer is unit-testable.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/fwd.hpp>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/exchange/leverage_cap.hpp"
#include "tradebot/exchange/signing.hpp"
#include "tradebot/exchange/symbol_map.hpp"
#include "tradebot/exchange/venue_client.hpp"

namespace tradebot::exchange::binance {

// The query encoding both venues share (signing.hpp).
using exchange::percent_encode;

// Decimals go out exactly, in plain notation without trailing zeros ("0.010" -> "0.01"), so a
// value on the venue's grid never carries more digits than its precision (§A4 -1111).
[[nodiscard]] std::string format_decimal(core::decimal d);

// The venue's name of `s` from the map load_instruments filled: a symbol it does not know is an
// invalid_request, never a guess.
[[nodiscard]] result<std::string> venue_symbol_of(const symbol_map& symbols, const core::symbol& s);

// key=value&key=value in insertion order, values percent-encoded. The signature is computed over
// exactly str() (binance_signed_query), so what is signed is what is sent.
class query_builder {
public:
    query_builder& add(std::string_view key, std::string_view value);
    query_builder& add(std::string_view key, const char* value) { return add(key, std::string_view{value}); }
    query_builder& add(std::string_view key, core::decimal value);
    query_builder& add(std::string_view key, std::int64_t value);
    query_builder& add(std::string_view key, int value) { return add(key, static_cast<std::int64_t>(value)); }
    query_builder& add_bool(std::string_view key, bool value);
    [[nodiscard]] const std::string& str() const noexcept { return text_; }
    [[nodiscard]] bool empty() const noexcept { return text_.empty(); }

private:
    std::string text_;
};

// ---- venue spellings (only here and in the codec) ----
[[nodiscard]] std::string_view side_text(core::side s) noexcept;           // BUY / SELL
[[nodiscard]] std::string_view tif_text(time_in_force t) noexcept;         // GTC / IOC / FOK / GTX
[[nodiscard]] std::string_view margin_text(margin_mode m) noexcept;        // CROSSED / ISOLATED
[[nodiscard]] std::optional<order_status> parse_order_status(std::string_view s) noexcept;

// ---- request parameters (without timestamp/recvWindow/signature, which the rest_client adds) ----
[[nodiscard]] query_builder market_order_query(std::string_view venue_symbol, const market_order_request& r);
[[nodiscard]] query_builder limit_order_query(std::string_view venue_symbol, const limit_order_request& r);
// POST /fapi/v1/algoOrder: CONDITIONAL STOP_MARKET closePosition=true workingType=MARK_PRICE, or
// TRAILING_STOP_MARKET with callbackRate/activatePrice. A trailing stop cannot use closePosition
// (§A7: only with STOP_MARKET/TAKE_PROFIT_MARKET), so it needs `trailing_quantity` and goes
// reduceOnly=true.
[[nodiscard]] query_builder stop_query(std::string_view venue_symbol, const stop_request& r,
                                       std::optional<core::decimal> trailing_quantity);

// ---- answers ----
// {"code":<int>,"msg":".."} with a non-success code, from any HTTP status; nullopt when the body is
// not such an object (or code is 200 / "200", the settings endpoints' success form).
struct venue_error_body {
    int code = 0;
    std::string msg;
};
[[nodiscard]] std::optional<venue_error_body> parse_error_body(std::string_view body) noexcept;

// exchangeInfo: every PERPETUAL symbol (TRADING or not; `trading` tells) into rules, and the
// TRADING ones into `symbols` (a symbol that is not trading is never mapped, so nothing is sent
// for it). Unknown filters are ignored (§A5: POSITION_RISK_CONTROL). Symbols the symbol_map
// refuses (non-ASCII names) are skipped.
[[nodiscard]] result<std::vector<instrument_rules>> parse_exchange_info(const boost::json::value& v,
                                                                        symbol_map& symbols);
[[nodiscard]] result<std::int64_t> parse_server_time(const boost::json::value& v);
[[nodiscard]] result<mark_price_state> parse_premium_index(const boost::json::value& v, const symbol_map& symbols);
// GET /fapi/v1/premiumIndex without a symbol: one row per symbol; unknown symbols are skipped.
[[nodiscard]] result<std::vector<mark_price_state>> parse_premium_index_all(const boost::json::value& v,
                                                                            const symbol_map& symbols);
// GET /fapi/v1/ticker/bookTicker with a symbol: {"symbol","bidPrice","bidQty","askPrice","askQty",
// "time","lastUpdateId"} (the venue's documented shape, as the simulator serves it [U]).
[[nodiscard]] result<book_top_state> parse_book_ticker(const boost::json::value& v, const symbol_map& symbols);
// GET /fapi/v1/ticker/bookTicker without a symbol: every known symbol's row with a bid and an ask.
[[nodiscard]] result<std::vector<book_top_state>> parse_book_tickers(const boost::json::value& v,
                                                                     const symbol_map& symbols);
// GET /fapi/v1/openInterest: {"openInterest":"<contracts>","symbol","time"} -> the contracts.
// [U] the endpoint is not in the reference; the shape is the venue's documented one.
[[nodiscard]] result<core::decimal> parse_open_interest(const boost::json::value& v, const symbol_map& symbols);
// One candle of GET /fapi/v1/klines (§A5: [openTime, o, h, l, c, volume, closeTime, quoteVolume, ...]).
struct kline_row {
    std::int64_t open_ms = 0;
    core::decimal open;
    core::decimal close;
    core::decimal quote_volume;
};
// The row opening at `open_ms`; nullopt when the answer has none (no history for that time).
[[nodiscard]] result<std::optional<kline_row>> parse_kline_at(const boost::json::value& v, std::int64_t open_ms);
[[nodiscard]] result<order_state> parse_order(const boost::json::value& v, const symbol_map& symbols);
// An array of orders; rows for symbols outside the map are skipped (they are not ours to trade).
[[nodiscard]] result<std::vector<order_state>> parse_orders(const boost::json::value& v, const symbol_map& symbols);
[[nodiscard]] result<stop_state> parse_algo_order(const boost::json::value& v, const symbol_map& symbols);
// GET /fapi/v1/openAlgoOrders: an array, or {"orders":[..]} [U: both forms seen in SDK specs].
[[nodiscard]] result<std::vector<stop_state>> parse_algo_orders(const boost::json::value& v,
                                                                const symbol_map& symbols);
// positionRisk v2 (leverage, marginType) or v3; flat rows are dropped. A row that cannot be read
// fails the whole answer: a partial list would read as "no position" for the missing symbol.
[[nodiscard]] result<std::vector<position_state>> parse_positions(const boost::json::value& v,
                                                                  const symbol_map& symbols);
[[nodiscard]] result<std::vector<balance_state>> parse_balances(const boost::json::value& v);
// GET /fapi/v1/leverageBracket: an array of {symbol, notionalCoef?, brackets} without `symbol`, the
// bare object with it (the official docs' shape [U]: the reference does not describe it); both
// are accepted. The bracket fields are JSON numbers and are read exactly. Symbols the map does not
// know are left out; a row without brackets, or a bracket without initialLeverage, is bad_response.
[[nodiscard]] result<std::vector<symbol_brackets>> parse_leverage_brackets(const boost::json::value& v,
                                                                           const symbol_map& symbols);
// GET /fapi/v1/symbolConfig: [{symbol, marginType CROSSED|ISOLATED, leverage, ...}] (the official
// docs' shape [U]). Symbols the map does not know are left out; a row without a leverage is
// bad_response.
[[nodiscard]] result<std::vector<symbol_setting>> parse_symbol_config(const boost::json::value& v,
                                                                      const symbol_map& symbols);

}  // namespace tradebot::exchange::binance

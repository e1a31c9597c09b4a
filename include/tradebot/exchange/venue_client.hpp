#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/ids.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/exchange/error.hpp"
#include "tradebot/exchange/instrument_rules.hpp"
#include "tradebot/exchange/rate_limiter_core.hpp"

namespace tradebot::exchange {

// ---- Plain result types, in internal vocabulary only ---------------------------------------
// Venue spellings (symbols, "BUY"/"Buy", "LONG", status strings) never leave the adapter.

enum class margin_mode : std::uint8_t { cross, isolated };
enum class time_in_force : std::uint8_t { gtc, ioc, fok, post_only };

// Binance NEW/PARTIALLY_FILLED/FILLED/CANCELED/REJECTED/EXPIRED(_IN_MATCH); Bybit New,
// PartiallyFilled, Filled, Cancelled, PartiallyFilledCanceled (-> canceled with filled > 0),
// Rejected, Deactivated (-> canceled).
enum class order_status : std::uint8_t { new_, partially_filled, filled, canceled, rejected, expired };
[[nodiscard]] constexpr bool is_final(order_status s) noexcept {
    return s == order_status::filled || s == order_status::canceled || s == order_status::rejected ||
           s == order_status::expired;
}

struct order_state {
    core::symbol symbol;
    std::string venue_order_id;  // Binance orderId (decimal text), Bybit orderId (uuid)
    // Ours when the venue's client id parses as a core::client_order_id; the raw text is kept
    // for orders placed by people or other tools, which reconciliation must not touch blindly.
    std::optional<core::client_order_id> client_id;
    std::string raw_client_id;
    core::side side = core::side::buy;
    core::order_type type = core::order_type::market;
    order_status status = order_status::new_;
    core::decimal quantity;
    core::decimal filled_quantity;
    core::decimal average_price;       // 0 until something filled
    std::optional<core::decimal> price;  // limit orders
    bool reduce_only = false;
    std::int64_t created_ms = 0;
    std::int64_t updated_ms = 0;
};

// A placement the venue accepted. The answer proves only that the order exists: Binance may
// answer a market order with status NEW, and Bybit answers with ids only (original-bot.md
// Appendix A). Fills come from query_order() or the private stream, never from the ack.
struct order_ack {
    std::string venue_order_id;
    core::client_order_id client_id;
    std::optional<order_state> state;  // when the venue's answer carried a full order
};

// One open position in one-way mode. Flat positions are never listed.
struct position_state {
    core::symbol symbol;
    core::position_side side = core::position_side::long_;
    core::decimal quantity;  // > 0, in the venue's units (see instrument_rules::contract_multiplier)
    core::decimal entry_price;
    core::decimal mark_price;
    core::decimal unrealized_pnl;
    std::optional<core::decimal> liquidation_price;  // nullopt when the venue gives none ("" / "0")
    core::decimal leverage;
    margin_mode margin = margin_mode::cross;
    std::int64_t updated_ms = 0;
};

struct balance_state {
    std::string asset;  // "USDT"
    core::decimal wallet_balance;
    // What new positions may use: Binance availableBalance; Bybit walletBalance - totalPositionIM
    // of the coin (totalAvailableBalance is often "", original-bot.md §3.2).
    core::decimal available;
    core::decimal unrealized_pnl;
};

struct mark_price_state {
    core::symbol symbol;
    core::decimal mark_price;
    std::int64_t time_ms = 0;  // venue time of the price; decisions check its age (original §11.B.7)
};

// The best bid and ask (Binance GET /fapi/v1/ticker/bookTicker; Bybit GET /v5/market/tickers
// bid1Price / ask1Price): the spread check before an entry (trading.max_spread_percent).
struct book_top_state {
    core::symbol symbol;
    core::decimal bid;
    core::decimal ask;
    std::int64_t time_ms = 0;  // venue time of the quote; 0 when the venue gives none
};

// The market-quality numbers the signal filters use, measured as the original bot did
// (original-bot.md §2.3 filters 4-6) relative to the signal's candle, not to "now":
// - open interest in USDT, now (Binance openInterest contracts x mark price; Bybit
//   openInterestValue);
// - the quote volume of the 1 h candle starting at the signal's hour (floor(signal_ms, 1 h)); for a
//   signal of the hour still running this is the current, unfinished candle, as in the original
//   (which took base volume x close of that candle; the venues' quote volume is the exact sum);
// - the signed percent change over the 5 minutes before the signal: the 5-minute candle opening at
//   signal_ms - 5 min, (close - open) / open x 100 (the original used the 1-minute candles at
//   signal_ms - 5 min and signal_ms).
// Only the flagged numbers are fetched. A number the venue has no candle for stays nullopt; a
// failed request fails the whole call.
struct market_stats_request {
    core::symbol symbol;
    std::int64_t signal_ms = 0;  // the signal's candle open, ms since the epoch
    bool open_interest = true;
    bool volume_1h = true;
    bool price_change_5min = true;
};

struct market_stats_state {
    core::symbol symbol;
    std::optional<core::decimal> open_interest_usdt;
    std::optional<core::decimal> volume_1h_usdt;
    std::optional<core::decimal> price_change_5min_percent;  // 2.5 means +2.5 %
};

inline constexpr std::int64_t hour_ms = 3'600'000;
inline constexpr std::int64_t five_minutes_ms = 300'000;
// floor(ms, 1 h) for times after the epoch.
[[nodiscard]] constexpr std::int64_t hour_start(std::int64_t ms) noexcept { return ms - ms % hour_ms; }
// (close - open) / open x 100 with 4 decimals; nullopt when open is not positive.
[[nodiscard]] std::optional<core::decimal> change_percent(core::decimal open, core::decimal close);

struct market_order_request {
    core::symbol symbol;
    core::side side = core::side::buy;
    core::decimal quantity;  // already floor_quantity(.., market)
    bool reduce_only = false;
    core::client_order_id client_id;
};

struct limit_order_request {
    core::symbol symbol;
    core::side side = core::side::buy;
    core::decimal quantity;  // already floor_quantity(.., limit)
    core::decimal price;     // already instrument_rules::limit_price()
    time_in_force tif = time_in_force::gtc;
    bool reduce_only = false;
    core::client_order_id client_id;
};

// The protective stop: one per position, always "close the whole position", triggered by the
// MARK price (a last-price wick must not fire it, original-bot.md §11.B.9).
// Binance: Algo API, algoType=CONDITIONAL type=STOP_MARKET closePosition=true
// workingType=MARK_PRICE (or TRAILING_STOP_MARKET with callbackRate/activatePrice), §A7.
// Bybit: POST /v5/position/trading-stop tpslMode=Full slTriggerBy=MarkPrice stopLoss=... (or
// trailingStop=<distance> activePrice=...), §B7.
enum class stop_kind : std::uint8_t { fixed, trailing };
// The price a stop watches (protection.stop_loss.trigger): the mark ignores wicks of the last trade.
enum class stop_trigger : std::uint8_t { mark, last };

struct stop_request {
    core::symbol symbol;
    core::position_side position = core::position_side::long_;  // the position being protected
    stop_kind kind = stop_kind::fixed;
    // fixed: the trigger, already instrument_rules::stop_price() and checked against the mark
    // with validate(); the venue answers would_trigger_immediately if the mark crossed it since.
    core::decimal trigger_price;
    // trailing: the venue's own trailing stop. Percent (1 = 1 %); Binance takes it as callbackRate
    // (0.1..10), Bybit wants a price distance: its adapter converts with the activation price
    // (or the mark) and rounds the distance to the tick.
    core::decimal callback_pct;
    std::optional<core::decimal> activation_price;
    // Binance clientAlgoId. Bybit's position stop has no id: the adapter ignores it there.
    core::client_order_id client_id;
    // Binance workingType (MARK_PRICE / CONTRACT_PRICE), Bybit slTriggerBy (MarkPrice / LastPrice).
    stop_trigger trigger_by = stop_trigger::mark;
};

struct stop_state {
    core::symbol symbol;
    core::position_side position = core::position_side::long_;
    stop_kind kind = stop_kind::fixed;
    std::optional<core::decimal> trigger_price;  // trailing: nullopt unless the venue reports it
    std::optional<core::decimal> callback_pct;
    std::optional<core::decimal> activation_price;
    // Binance algoId; empty for a Bybit position stop, which is identified by symbol and side.
    std::string venue_id;
    std::optional<core::client_order_id> client_id;
    std::int64_t updated_ms = 0;
};

// What a pre-start check asks about the key and the account (tradebot check).
struct account_setup_state {
    bool can_trade = false;  // Binance /fapi/v2/account canTrade; Bybit query-api readOnly == 0
    // Binance GET /fapi/v1/positionSide/dual; Bybit: a listed position with positionIdx 1/2.
    // nullopt when the venue cannot tell (Bybit with no position, whose mode has no GET).
    std::optional<bool> hedge_mode;
    // Bybit GET /v5/account/info marginMode: the margin mode is account-wide there (ISOLATED_MARGIN;
    // REGULAR_MARGIN and PORTFOLIO_MARGIN are cross). nullopt on Binance, where it is per symbol
    // (positionRisk marginType).
    std::optional<margin_mode> account_margin;
    // Bybit PORTFOLIO_MARGIN: cross only, isolated cannot be set.
    bool portfolio_margin = false;
    // Binance /fapi/v2/account multiAssetsMargin: Multi-Assets mode allows cross margin only.
    // nullopt on Bybit, or when the venue did not say.
    std::optional<bool> multi_assets;
};

// What the account has set for one symbol (Binance GET /fapi/v1/symbolConfig).
struct symbol_setting {
    core::symbol symbol;
    int leverage = 0;
    margin_mode margin = margin_mode::cross;
};

// ---- The interface --------------------------------------------------------------------------

// What the trading core needs from a derivatives venue: Binance USDⓈ-M and Bybit V5 linear
// implement it (and paper trading over sim::engine). Linear USDT perpetuals, one-way position
// mode, only (original-bot.md §11.A.2: never spot, never hedge mode).
//
// Every call returns a value, never throws through the event loop. An error says what to do
// (error_kind); in particular unknown_outcome means the request may have taken effect: look the
// order up by its client id (query_order) before anything else. Adapters never retry a
// non-idempotent request themselves; they may retry reads and cancels once after a clock re-sync
// (clock_skew) or a retryable failure, and they wait for their rate_limiter before each request.
// `priority` tells that limiter how urgent the call is; protective calls default to critical.
//
// Arguments are taken by value because a coroutine may outlive the caller's temporaries; callers
// still name a request struct before co_await-ing (GCC 12 bug, docs/ARCHITECTURE.md §8).
class venue_client {
public:
    template <typename T>
    using task = boost::asio::awaitable<result<T>>;

    virtual ~venue_client() = default;

    [[nodiscard]] virtual core::exchange_id venue() const noexcept = 0;

    // -- reference data
    // All tradable linear USDT perpetuals, symbols in internal form, filters in internal form.
    virtual task<std::vector<instrument_rules>> load_instruments() = 0;
    // The venue's clock in ms; the adapter also feeds its time_sync with the sample.
    virtual task<std::int64_t> server_time() = 0;
    virtual task<mark_price_state> mark_price(core::symbol symbol, request_priority priority) = 0;
    // Every tradable symbol's mark in one read (Binance premiumIndex without a symbol, weight 10;
    // Bybit tickers of the category). Symbols the symbol map does not know are left out.
    virtual task<std::vector<mark_price_state>> mark_prices(request_priority priority) = 0;
    // Open interest, 1 h volume and 5 min change for the signal filters (see market_stats_request).
    virtual task<market_stats_state> market_stats(market_stats_request request, request_priority priority) = 0;
    // The symbol's best bid and ask. Venues without a book (the backtest's replay) answer
    // invalid_request.
    virtual task<book_top_state> book_top(core::symbol symbol, request_priority priority);
    // Every symbol's best bid and ask in one read (Binance bookTicker without a symbol, weight 5;
    // Bybit tickers of the category); symbols the map does not know, or without a two-sided book,
    // are left out. Default: invalid_request.
    virtual task<std::vector<book_top_state>> book_tops(request_priority priority);

    // -- account state. An empty list is a successful answer; a failed call is an error, never
    // an empty list (DESIGN.md rule 6, original-bot.md §11.A.1).
    virtual task<std::vector<balance_state>> balances() = 0;
    // Every non-flat position, all symbols (filtering by symbol is the caller's job, §11.A.4).
    virtual task<std::vector<position_state>> positions(request_priority priority) = 0;
    // Open regular (non-conditional) orders; nullopt: all symbols (Binance: weight 40).
    virtual task<std::vector<order_state>> open_orders(std::optional<core::symbol> symbol) = 0;
    // Live protective stops: Binance open algo orders; Bybit positions' stopLoss/trailingStop.
    virtual task<std::vector<stop_state>> open_stops(std::optional<core::symbol> symbol) = 0;

    // -- settings. Idempotent: "already set" (no_change) is reported as success, i.e. result<void>{}.
    virtual task<void> set_leverage(core::symbol symbol, int leverage, request_priority priority) = 0;
    // Binance: per symbol (POST /marginType); Bybit: account-wide (set-margin-mode), the symbol
    // is then ignored.
    virtual task<void> set_margin_mode(core::symbol symbol, margin_mode mode, request_priority priority) = 0;
    // Every symbol's leverage and margin mode in one read, so that a start sets only those that
    // differ (Binance GET /fapi/v1/symbolConfig, weight 5). Venues without such a read answer
    // invalid_request (the default).
    virtual task<std::vector<symbol_setting>> symbol_settings(request_priority priority);
    // Reads in one request what max_notional and set_leverage otherwise read per symbol (Binance:
    // every symbol's leverage brackets), so that neither waits on the venue on a signal's path.
    // Default: nothing to read.
    virtual task<void> preload_limits(request_priority priority);
    // One-way position mode for the account (Binance dualSidePosition=false; Bybit switch-mode 0
    // by coin USDT). Fails while positions or orders exist in the other mode.
    virtual task<void> set_one_way_mode() = 0;
    // The largest notional a new position of `symbol` may have at `leverage` (§11 #49): Binance
    // the leverage brackets' notionalCap (the venue answers -2027 above it), Bybit the risk-limit
    // tiers' riskLimitValue (110090). nullopt when the venue sets no limit or the adapter does not
    // know one (the default). Read once per symbol and cached by the adapters.
    virtual task<std::optional<core::decimal>> max_notional(core::symbol symbol, int leverage);
    // Read only: the key's trade permission and the position mode. Venues without the notion
    // (the paper venue) answer invalid_request.
    virtual task<account_setup_state> account_setup();

    // -- orders. The client order id is derived from durable state by the caller, so that after
    // unknown_outcome the same id finds the order (ARCHITECTURE.md §4).
    virtual task<order_ack> place_market_order(market_order_request request, request_priority priority) = 0;
    virtual task<order_ack> place_limit_order(limit_order_request request, request_priority priority) = 0;
    // unknown_order when the venue has no order with that client id (Bybit's realtime query only
    // covers recent orders: the adapter also asks the history endpoint before saying so).
    virtual task<order_state> query_order(core::symbol symbol, core::client_order_id client_id) = 0;
    // unknown_order when the order is not open any more (filled, cancelled or never existed).
    virtual task<void> cancel_order(core::symbol symbol, core::client_order_id client_id,
                                    request_priority priority) = 0;

    // -- the protective stop (critical priority inside the adapter)
    virtual task<stop_state> place_stop(stop_request request) = 0;
    // Moves a stop without a gap (DESIGN.md rule 3). Bybit: one trading-stop call replaces the
    // value atomically. Binance: untriggered algo orders cannot be modified (§A7), so the adapter
    // places the new stop (request.client_id, a new attempt number) and only then cancels
    // `current`; if the cancel fails both stay and the result is the new stop with the error
    // logged: two close-position stops are harmless, none is not.
    virtual task<stop_state> amend_stop(stop_state current, stop_request request) = 0;
    // unknown_order when the stop is gone (triggered or cancelled).
    virtual task<void> cancel_stop(stop_state stop) = 0;
};

}  // namespace tradebot::exchange

#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tradebot/core/clock.hpp"
#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/events/router.hpp"
#include "tradebot/events/types.hpp"
#include "tradebot/exchange/paper/market_feed.hpp"
#include "tradebot/exchange/paper/stop_desk.hpp"
#include "tradebot/exchange/venue_client.hpp"
#include "tradebot/sim/engine/exchange.hpp"

namespace tradebot::exchange::paper {

struct paper_options {
    std::string asset = "USDT";
    core::decimal starting_balance = core::decimal::from_int(10'000);
    // Market orders (and triggered stops) fill this many basis points worse than bid/ask,
    // rounded to the tick against us.
    core::decimal slippage_bps;
    core::decimal maker_fee_rate = core::decimal::from_string("0.0002");
    core::decimal taker_fee_rate = core::decimal::from_string("0.0005");
    int default_leverage = 20;  // what both venues start a symbol at
    // Whose behaviour to copy where Binance and Bybit differ: binance -> the protective stop is a
    // conditional STOP_MARKET closePosition / TRAILING_STOP_MARKET order with its own id, amend is
    // "place new, then cancel old"; bybit -> the stop is the position's trading-stop (no id,
    // amended in place), client ids are never reused. nullopt: the market-data venue's behaviour.
    std::optional<core::exchange_id> emulate;
    // A book ticker is used for bid/ask only while it is at most this far from the mark's time
    // and the mark is within one spread of it (a quote the mark has left is stale); otherwise
    // bid/ask are mark -/+ one tick.
    std::chrono::milliseconds book_max_age{5'000};
    std::uint64_t seed = 1;  // engine order ids derive from it
    // The engine's funding grid (from 00:00 UTC), every symbol: a rate set with set_funding_rate()
    // settles at each grid time. The backtest uses 1 h and sets each recorded rate for its hour only.
    std::chrono::hours funding_interval{8};
};

// Paper trading (`tradebot --mode test`, DESIGN.md §3): a venue_client whose orders are filled in
// process by sim::engine::exchange, the engine tradebot-sim uses, while instruments, server time
// and REST mark prices come from a real venue adapter (`market_data`).
//
// Prices: on_mark_price() feeds the engine (mark = last = the mark, index = the index when given,
// bid/ask = mark -/+ one tick, rounded outwards to the tick, unless a fresh book ticker was given
// with on_book_ticker(); book sizes are unlimited). The engine then fills crossing limit orders,
// fires stops and trailing stops on the MARK price, settles funding (set_funding_rate) and
// liquidates. A market order for a symbol without any price yet is refused with `retryable`
// (nothing happened; retry once a price arrived): nothing ever fills at 0.
//
// Events: everything the engine does is published, when a router is given, on the topics
// order_update / position_update / balance_update as the venue's private stream would: our client
// ids are kept; with Binance emulation the stop's lifecycle goes out as its algo order would
// (client id = the stop's client id, status untriggered -> triggered -> filled/canceled/expired)
// and the triggered child market order under the engine's own id ("sim-<id>"); with Bybit
// emulation the position's stop-loss order has an empty client id, as on Bybit.
//
// venue() and every event report the market-data venue's id (binance / bybit), not
// exchange_id::paper: mark prices, symbol maps and the positions/orders rows are keyed by the
// real venue; the rows tell paper from live by mode = 'test' and the "tbt-" client ids.
//
// Errors: engine rejections become exchange::error with the kind a real adapter would report
// (venue_code and message are the emulated venue's, prefixed "paper"); "already set" on the set_*
// calls is success. Everything except load_instruments(), server_time(), mark_price(),
// market_stats() and book_top() (which delegate to market_data) completes without I/O.
//
// Thread model: one strand. The engine, the books and the feeds are plain members without locks:
// construct, call every method and deliver on_mark_price()/on_book_ticker() on the same strand.
class client final : public venue_client {
public:
    // `clock`, `market_data` and `router` (optional: no events without it) must outlive the client.
    client(const core::clock& clock, venue_client& market_data, paper_options options = {},
           events::router* router = nullptr);

    [[nodiscard]] core::exchange_id venue() const noexcept override { return venue_id_; }
    // binance or bybit: whose behaviour the engine follows.
    [[nodiscard]] core::exchange_id emulated_venue() const noexcept { return emulate_; }

    task<std::vector<instrument_rules>> load_instruments() override;
    task<std::int64_t> server_time() override;
    // Delegates; a successful answer newer than the last price seen also feeds the engine.
    task<mark_price_state> mark_price(core::symbol symbol, request_priority priority) override;
    task<std::vector<mark_price_state>> mark_prices(request_priority priority) override;
    // The market-data venue's numbers: paper trading filters signals on the real market.
    task<market_stats_state> market_stats(market_stats_request request, request_priority priority) override;
    // The market-data venue's quote; a fresh one also becomes the engine's bid/ask (on_book_ticker).
    task<book_top_state> book_top(core::symbol symbol, request_priority priority) override;
    task<std::vector<book_top_state>> book_tops(request_priority priority) override;

    task<std::vector<balance_state>> balances() override;
    task<std::vector<position_state>> positions(request_priority priority) override;
    task<std::vector<order_state>> open_orders(std::optional<core::symbol> symbol) override;
    task<std::vector<stop_state>> open_stops(std::optional<core::symbol> symbol) override;

    task<void> set_leverage(core::symbol symbol, int leverage, request_priority priority) override;
    // Per symbol with both emulations (Bybit's account-wide switch is not modelled).
    task<void> set_margin_mode(core::symbol symbol, margin_mode mode, request_priority priority) override;
    task<void> set_one_way_mode() override;

    task<order_ack> place_market_order(market_order_request request, request_priority priority) override;
    task<order_ack> place_limit_order(limit_order_request request, request_priority priority) override;
    task<order_state> query_order(core::symbol symbol, core::client_order_id client_id) override;
    task<void> cancel_order(core::symbol symbol, core::client_order_id client_id, request_priority priority) override;

    task<stop_state> place_stop(stop_request request) override;
    task<stop_state> amend_stop(stop_state current, stop_request request) override;
    task<void> cancel_stop(stop_state stop) override;

    // -- price feeds (same strand). Marks of another venue, of unknown symbols and older than
    // the last one fed are ignored.
    void on_mark_price(const events::mark_price& mark);
    // The best bid/ask (Binance bookTicker, Bybit orderbook.1 / tickers); used by later marks
    // and re-run at once against the current mark so resting limit orders can fill.
    void on_book_ticker(const core::symbol& symbol, core::decimal bid, core::decimal ask,
                        events::time_point exchange_ts);
    // The current funding rate (e.g. from the venue's premium index); settled at each funding
    // time as marks arrive. Zero (the default) settles nothing.
    void set_funding_rate(const core::symbol& symbol, core::decimal rate);
    // Called on the strand with each funding payment the engine settles on this account (the
    // backtest books them to the position that paid or received them).
    void on_funding(std::function<void(const sim::engine::funding_event&)> observer) {
        funding_observer_ = std::move(observer);
    }

    // A position this paper account held before a restart (the engine lives in memory, the
    // positions in the database): put back at its entry price when the instruments are loaded,
    // without an order. Its stop is not restored here: the reconcile pass finds it missing and
    // places it, as it would on a real venue.
    void restore_position(core::symbol symbol, core::position_side side, core::decimal quantity,
                          core::decimal entry_price);

    // Read-only view of the engine, for diagnostics and tests.
    [[nodiscard]] const sim::engine::exchange& engine() const noexcept { return engine_; }

private:

    void publish_events();
    [[nodiscard]] error fail(error_kind kind, std::string message) const;
    [[nodiscard]] error rejected(const sim::engine::rejection& r) const;
    // invalid_request for a symbol the engine does not know, retryable while it has no price.
    [[nodiscard]] std::optional<error> missing_price(const core::symbol& symbol) const;
    // A real venue always knows its mark: without one yet (a restart, before the streams), the
    // market-data venue is asked, then missing_price() decides.
    [[nodiscard]] boost::asio::awaitable<std::optional<error>> ensure_price(core::symbol symbol);

    [[nodiscard]] result<order_ack> submit(const sim::engine::order_request& request,
                                           const core::client_order_id& client_id);
    [[nodiscard]] result<void> setting(const std::optional<sim::engine::rejection>& r) const;

    const core::clock& clock_;
    venue_client& market_data_;
    paper_options options_;
    core::exchange_id venue_id_;
    core::exchange_id emulate_;
    sim::engine::exchange engine_;
    sim::engine::account_id account_ = "paper";
    struct restored_position {
        core::symbol symbol;
        core::position_side side;
        core::decimal quantity;
        core::decimal entry_price;
    };
    std::vector<restored_position> to_restore_;  // applied by load_instruments()
    events::topic<events::order_update>* orders_topic_ = nullptr;
    events::topic<events::position_update>* positions_topic_ = nullptr;
    events::topic<events::balance_update>* balances_topic_ = nullptr;
    market_feed market_;  // the prices the engine sees
    stop_desk stops_;  // the protective stops, as the emulated venue keeps them
    std::function<void(const sim::engine::funding_event&)> funding_observer_;
};

}  // namespace tradebot::exchange::paper

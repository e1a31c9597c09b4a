#pragma once

#include <chrono>
#include <unordered_map>

#include "tradebot/exchange/bybit/filter_reads.hpp"
#include "tradebot/exchange/bybit/order_desk.hpp"
#include "tradebot/exchange/bybit/rest_client.hpp"
#include "tradebot/exchange/symbol_map.hpp"
#include "tradebot/exchange/leverage_cap.hpp"
#include "tradebot/exchange/venue_client.hpp"

namespace tradebot::exchange::bybit {

struct client_options {
    // place_market_order asks order/realtime once for the fill (one request of a 50/s budget)
    // when this is true; the ack is returned without a state if that lookup fails.
    bool fetch_market_fill = true;
};

// Bybit V5 linear (USDT perpetual, one-way mode) behind exchange::venue_client. It reads the
// account and the tickers itself and composes order_desk (orders, the protective stop) and
// filter_reads (market_stats, risk limits).
//
// The symbol map is shared with the stream decoders: load_instruments() fills it (SHIB1000USDT
// becomes 1000SHIBUSDT) and every other call needs it loaded first (a symbol it does not know is
// an invalid_request, never a guess). Rules are cached for the trailing-stop tick rounding.
//
// Bybit specifics the caller must know:
// - positions(): Bybit shows a new position on position/list only after a lag (seconds on the real
//   venue; the simulator's position_delay fault). A position missing right after a fill is "not
//   visible yet", not "flat": trust the fill (query_order / the execution stream) and read again;
//   destructive clean-up needs two consistent reads (DESIGN.md rule 6).
// - place_market_order(): the create answer has ids only (§B6). With fetch_market_fill the adapter
//   asks order/realtime by orderLinkId once and attaches the state when the venue already reports
//   it; a Market order that is not final yet is returned with that (non-final) state, and a failed
//   lookup leaves `state` empty. Fills are final only from query_order() or the stream.
// - open_orders(): regular orders and the account's own conditional orders (type stop_market /
//   take_profit_market / trailing_stop_market, status new_ while Untriggered); the internal
//   orders behind a position's trading-stop are not listed: they are open_stops().
// - open_stops(): one stop_state per position with a stopLoss or trailingStop (trailing when
//   trailingStop is set; its callback_pct is read back from the distance), venue_id empty.
// - set_leverage(): a leverage above the instrument's leverageFilter.maxLeverage is refused
//   without a request (check_leverage_cap), never clamped.
// - the protective stop is the position's own trading-stop (tpslMode Full, slTriggerBy
//   MarkPrice): amend_stop is the same single call as place_stop (atomic, no gap), cancel_stop
//   sends "0"; client ids are not used.
class client final : public venue_client {
public:
    client(rest_client& rest, symbol_map& symbols, client_options options = {});

    [[nodiscard]] core::exchange_id venue() const noexcept override { return core::exchange_id::bybit; }

    task<std::vector<instrument_rules>> load_instruments() override;
    task<std::int64_t> server_time() override;
    task<mark_price_state> mark_price(core::symbol symbol, request_priority priority) override;
    task<std::vector<mark_price_state>> mark_prices(request_priority priority) override;
    // tickers (openInterestValue), kline 60 and 5 (limit 1): up to three public reads.
    task<market_stats_state> market_stats(market_stats_request request, request_priority priority) override;
    task<book_top_state> book_top(core::symbol symbol, request_priority priority) override;
    // GET /v5/market/tickers?category=linear: bid1Price / ask1Price of every symbol.
    task<std::vector<book_top_state>> book_tops(request_priority priority) override;

    task<std::vector<balance_state>> balances() override;
    task<std::vector<position_state>> positions(request_priority priority) override;
    task<std::vector<order_state>> open_orders(std::optional<core::symbol> symbol) override;
    task<std::vector<stop_state>> open_stops(std::optional<core::symbol> symbol) override;

    task<void> set_leverage(core::symbol symbol, int leverage, request_priority priority) override;
    task<void> set_margin_mode(core::symbol symbol, margin_mode mode, request_priority priority) override;
    task<void> set_one_way_mode() override;
    task<account_setup_state> account_setup() override;
    // GET /v5/market/risk-limit?symbol= (public, once per symbol, cached): the highest
    // riskLimitValue among the tiers whose maxLeverage allows `leverage` [U: that the venue refuses
    // an order past it with 110090, exchange-apis.md names only the code].
    task<std::optional<core::decimal>> max_notional(core::symbol symbol, int leverage) override;
    // GET /v5/market/risk-limit without a symbol (every page): every symbol's tiers cached, so
    // that max_notional does not read per symbol on a signal's path.
    task<void> preload_limits(request_priority priority) override;

    task<order_ack> place_market_order(market_order_request request, request_priority priority) override;
    task<order_ack> place_limit_order(limit_order_request request, request_priority priority) override;
    task<order_state> query_order(core::symbol symbol, core::client_order_id client_id) override;
    task<void> cancel_order(core::symbol symbol, core::client_order_id client_id, request_priority priority) override;

    task<stop_state> place_stop(stop_request request) override;
    task<stop_state> amend_stop(stop_state current, stop_request request) override;
    task<void> cancel_stop(stop_state stop) override;

    // The rules of the last load_instruments(); nullptr when unknown.
    [[nodiscard]] const instrument_rules* rules(const core::symbol& s) const noexcept;

private:
    [[nodiscard]] result<std::string> venue_name(const core::symbol& s) const;
    // A list's query over one symbol or, without one, every USDT contract.
    [[nodiscard]] result<std::string> list_query(std::string base, const std::optional<core::symbol>& symbol) const;
    // GET /v5/market/tickers for one symbol: its mark and its best bid/ask come from one answer.
    task<envelope> ticker(const core::symbol& symbol, request_priority priority);
    task<positions_page> all_positions(std::optional<core::symbol> symbol, request_priority priority);
    task<void> settings_call(std::string path, std::string body, request_priority priority);

    rest_client& rest_;
    symbol_map& symbols_;
    std::unordered_map<core::symbol, instrument_rules> rules_;
    order_desk orders_;
    filter_reads filters_;
};

}  // namespace tradebot::exchange::bybit

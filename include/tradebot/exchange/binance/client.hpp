#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tradebot/exchange/binance/order_desk.hpp"
#include "tradebot/exchange/binance/rest_client.hpp"
#include "tradebot/exchange/binance/wire.hpp"
#include "tradebot/exchange/symbol_map.hpp"
#include "tradebot/exchange/venue_client.hpp"

namespace tradebot::exchange::binance {

// The Binance USDⓈ-M futures venue_client (§A5-§A8) over rest_client. It reads the account and
// the market itself and composes order_desk (orders, the protective algo stop). Symbols go out in
// the venue's spelling from the shared symbol_map, which load_instruments() fills (call it before
// anything else and before starting the streams: the map is not thread-safe for writes). A symbol
// that is not in the map gives invalid_request without any request.
//
// Endpoints: exchangeInfo, time, premiumIndex, /fapi/v2/balance, /fapi/v2/positionRisk (v2
// because it carries leverage and marginType; v3 does not, §A8), openOrders, openAlgoOrders,
// leverage, marginType, positionSide/dual, order (POST/GET/DELETE, newOrderRespType=RESULT),
// algoOrder (POST/DELETE), leverageBracket, symbolConfig.
//
// set_leverage() first reads the symbol's leverage brackets (once per symbol, cached for the
// client's life) and refuses a leverage above bracket 1's initialLeverage without sending it
// (check_leverage_cap: refused, never clamped). The cache, like the rest of the client, is used from
// the trading strand only.
class client final : public venue_client {
public:
    client(rest_client& rest, symbol_map& symbols, std::shared_ptr<spdlog::logger> log);

    [[nodiscard]] core::exchange_id venue() const noexcept override { return core::exchange_id::binance; }

    task<std::vector<instrument_rules>> load_instruments() override;
    task<std::int64_t> server_time() override;
    task<mark_price_state> mark_price(core::symbol symbol, request_priority priority) override;
    task<std::vector<mark_price_state>> mark_prices(request_priority priority) override;
    // openInterest x premiumIndex mark, klines 1h and 5m (limit 1): up to four weight-1 reads.
    task<market_stats_state> market_stats(market_stats_request request, request_priority priority) override;
    task<book_top_state> book_top(core::symbol symbol, request_priority priority) override;
    task<std::vector<book_top_state>> book_tops(request_priority priority) override;

    task<std::vector<balance_state>> balances() override;
    task<std::vector<position_state>> positions(request_priority priority) override;
    task<std::vector<order_state>> open_orders(std::optional<core::symbol> symbol) override;
    task<std::vector<stop_state>> open_stops(std::optional<core::symbol> symbol) override;

    task<void> set_leverage(core::symbol symbol, int leverage, request_priority priority) override;
    task<void> set_margin_mode(core::symbol symbol, margin_mode mode, request_priority priority) override;
    task<void> set_one_way_mode() override;
    task<account_setup_state> account_setup() override;
    // From the cached leverage brackets (symbol_brackets::max_notional_at).
    task<std::optional<core::decimal>> max_notional(core::symbol symbol, int leverage) override;
    // GET /fapi/v1/symbolConfig without a symbol (weight 5).
    task<std::vector<symbol_setting>> symbol_settings(request_priority priority) override;
    // GET /fapi/v1/leverageBracket without a symbol (weight 1): every symbol's brackets cached.
    task<void> preload_limits(request_priority priority) override;

    task<order_ack> place_market_order(market_order_request request, request_priority priority) override;
    task<order_ack> place_limit_order(limit_order_request request, request_priority priority) override;
    task<order_state> query_order(core::symbol symbol, core::client_order_id client_id) override;
    task<void> cancel_order(core::symbol symbol, core::client_order_id client_id, request_priority priority) override;

    task<stop_state> place_stop(stop_request request) override;
    task<stop_state> amend_stop(stop_state current, stop_request request) override;
    task<void> cancel_stop(stop_state stop) override;

    // The symbol's brackets: GET /fapi/v1/leverageBracket?symbol= (weight 1) the first time, the
    // cache afterwards. Empty brackets when the venue lists none for the symbol (cap unknown).
    task<symbol_brackets> leverage_brackets(core::symbol symbol,
                                            request_priority priority = request_priority::normal);
    // The REST layer under the client (the user stream's listenKey calls go through it).
    [[nodiscard]] rest_client& rest() noexcept { return rest_; }

private:
    task<void> setting(rest_request request);
    task<std::optional<kline_row>> kline_at(std::string venue_name, std::string_view interval, std::int64_t open_ms,
                                            request_priority priority);

    rest_client& rest_;
    symbol_map& symbols_;
    std::shared_ptr<spdlog::logger> log_;
    std::unordered_map<core::symbol, symbol_brackets> brackets_;
    order_desk orders_;
};

}  // namespace tradebot::exchange::binance

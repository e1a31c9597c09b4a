#pragma once

#include <map>

#include "tradebot/backtest/price_history.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/exchange/venue_client.hpp"

namespace tradebot::backtest {

// The market-data venue of the paper venue in a backtest, as the real adapter is in paper
// trading: instruments, server time, REST marks and the filters' market stats, all from the
// price history. Account and order calls are refused: the paper venue answers those itself.
//
// Instruments are derived from the data (a backtest has no exchangeInfo): the tick is the finest
// price step the data shows, the quantity step the power of ten nearest below 1 / first close
// (about one quote unit per step), min notional 5 USDT, leverage up to 125.
// Marks are the prices the replay fed last (set_mark).
class market_data final : public exchange::venue_client {
public:
    // `instruments` (optional, e.g. a scenario's): used instead of rules derived from the prices.
    market_data(core::exchange_id venue, const price_history& prices, const core::clock& clock,
                const std::map<core::symbol, exchange::instrument_rules>* instruments = nullptr);

    // The stored mark's address stays valid for the venue's life: the replay writes a symbol's
    // later marks through it without a lookup.
    core::decimal* set_mark(const core::symbol& s, core::decimal price) { return &(marks_[s] = price); }

    [[nodiscard]] core::exchange_id venue() const noexcept override { return venue_; }
    task<std::vector<exchange::instrument_rules>> load_instruments() override;
    task<std::int64_t> server_time() override;
    task<exchange::mark_price_state> mark_price(core::symbol symbol, exchange::request_priority priority) override;
    task<std::vector<exchange::mark_price_state>> mark_prices(exchange::request_priority priority) override;
    // The 1 h candle's quote volume (the bars of the signal's hour seen so far) and the 5-minute
    // change before the signal, from the 1-minute bars; open interest is not in klines: nullopt.
    task<exchange::market_stats_state> market_stats(exchange::market_stats_request request,
                                                    exchange::request_priority priority) override;

    task<std::vector<exchange::balance_state>> balances() override;
    task<std::vector<exchange::position_state>> positions(exchange::request_priority priority) override;
    task<std::vector<exchange::order_state>> open_orders(std::optional<core::symbol> symbol) override;
    task<std::vector<exchange::stop_state>> open_stops(std::optional<core::symbol> symbol) override;
    task<void> set_leverage(core::symbol symbol, int leverage, exchange::request_priority priority) override;
    task<void> set_margin_mode(core::symbol symbol, exchange::margin_mode mode,
                               exchange::request_priority priority) override;
    task<void> set_one_way_mode() override;
    task<exchange::order_ack> place_market_order(exchange::market_order_request request,
                                                 exchange::request_priority priority) override;
    task<exchange::order_ack> place_limit_order(exchange::limit_order_request request,
                                                exchange::request_priority priority) override;
    task<exchange::order_state> query_order(core::symbol symbol, core::client_order_id client_id) override;
    task<void> cancel_order(core::symbol symbol, core::client_order_id client_id,
                            exchange::request_priority priority) override;
    task<exchange::stop_state> place_stop(exchange::stop_request request) override;
    task<exchange::stop_state> amend_stop(exchange::stop_state current, exchange::stop_request request) override;
    task<void> cancel_stop(exchange::stop_state stop) override;

    // The rules load_instruments() derives for one series (exposed for the tests).
    [[nodiscard]] static exchange::instrument_rules derive_rules(const kline_series& series);

private:
    [[nodiscard]] exchange::error refused(std::string_view what) const;

    core::exchange_id venue_;
    const price_history& prices_;
    const core::clock& clock_;
    const std::map<core::symbol, exchange::instrument_rules>* instruments_;
    std::map<core::symbol, core::decimal> marks_;
};

}  // namespace tradebot::backtest

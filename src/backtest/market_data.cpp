#include "backtest/market_data.hpp"

#include <algorithm>

namespace tradebot::backtest {

namespace ex = exchange;
using core::decimal;

market_data::market_data(core::exchange_id venue, const price_history& prices, const core::clock& clock,
                         const std::map<core::symbol, exchange::instrument_rules>* instruments)
    : venue_{venue}, prices_{prices}, clock_{clock}, instruments_{instruments} {}

ex::instrument_rules market_data::derive_rules(const kline_series& series) {
    int scale = 0;
    for (const auto& b : series.bars) {
        scale = std::max({scale, b.open.scale(), b.high.scale(), b.low.scale(), b.close.scale()});
    }
    ex::instrument_rules r;
    r.symbol = series.symbol;
    r.tick_size = decimal::from_raw(1, scale);
    r.min_price = r.tick_size;
    r.max_price = decimal::from_int(1'000'000'000);
    r.price_precision = scale;
    // The power of ten 10^k nearest below 1 / first close, exactly: with the close m x 10^-sc and m
    // of d digits, 1 / close lies in (10^(sc-d), 10^(sc-d+1)], the upper end when m is a power of ten.
    const auto first = series.bars.front().close.normalized();
    std::int64_t m = first.mantissa();
    int digits = 0;
    bool power_of_ten = true;
    for (; m > 0; m /= 10) {
        ++digits;
        if (m >= 10 ? m % 10 != 0 : m != 1) power_of_ten = false;
    }
    const int k = first.scale() - digits + (power_of_ten ? 1 : 0);
    if (k < 0) {
        r.step_size = decimal::from_raw(1, std::min(-k, 8));
    } else {
        std::int64_t step = 1;
        for (int i = 0; i < std::min(k, 9); ++i) step *= 10;
        r.step_size = decimal::from_int(step);
    }
    r.quantity_precision = std::max(0, r.step_size.scale());
    r.min_qty = r.step_size;
    r.max_qty = decimal::from_int(1'000'000'000);
    r.market_max_qty = r.max_qty;
    r.min_notional = decimal::from_int(5);
    r.max_leverage = decimal::from_int(125);
    return r;
}

market_data::task<std::vector<ex::instrument_rules>> market_data::load_instruments() {
    std::vector<ex::instrument_rules> out;
    for (const auto& [symbol, series] : prices_) {
        const auto given = instruments_ != nullptr ? instruments_->find(symbol) : decltype(instruments_->end()){};
        out.push_back(instruments_ != nullptr && given != instruments_->end() ? given->second : derive_rules(series));
    }
    co_return out;
}

market_data::task<std::int64_t> market_data::server_time() { co_return clock_.now_ms(); }

market_data::task<ex::mark_price_state> market_data::mark_price(core::symbol symbol, ex::request_priority) {
    const auto it = marks_.find(symbol);
    if (it == marks_.end()) {
        ex::error e;
        e.kind = ex::error_kind::retryable;
        e.venue = venue_;
        e.message = "backtest: no price of " + symbol.str() + " yet";
        co_return e;
    }
    co_return ex::mark_price_state{symbol, it->second, clock_.now_ms()};
}

market_data::task<std::vector<ex::mark_price_state>> market_data::mark_prices(ex::request_priority) {
    std::vector<ex::mark_price_state> out;
    for (const auto& [s, m] : marks_) {
        out.push_back({s, m, clock_.now_ms()});
    }
    co_return out;
}

market_data::task<ex::market_stats_state> market_data::market_stats(ex::market_stats_request request,
                                                                    ex::request_priority) {
    ex::market_stats_state out;
    out.symbol = request.symbol;
    const auto it = prices_.find(request.symbol);
    if (it == prices_.end()) {
        co_return out;
    }
    const auto& series = it->second;
    const auto now = clock_.now_ms();
    if (request.volume_1h) {
        // Bars that closed by now: the hour's candle as the venue shows it at this moment.
        const auto from = ex::hour_start(request.signal_ms);
        const auto [b, e] = series.range(from, std::min(from + ex::hour_ms, now - 59'999));
        if (b != e) {
            decimal sum;
            for (const auto* p = b; p != e; ++p) sum += p->quote_volume;
            out.volume_1h_usdt = sum;
        }
    }
    if (request.price_change_5min) {
        const auto from = request.signal_ms - ex::five_minutes_ms;
        const auto [b, e] = series.range(from, std::min(request.signal_ms, now - 59'999));
        if (b != e) {
            out.price_change_5min_percent = ex::change_percent(b->open, (e - 1)->close);
        }
    }
    co_return out;
}

ex::error market_data::refused(std::string_view what) const {
    ex::error e;
    e.kind = ex::error_kind::invalid_request;
    e.venue = venue_;
    e.message = "backtest market data has no " + std::string{what};
    return e;
}

market_data::task<std::vector<ex::balance_state>> market_data::balances() { co_return refused("account"); }
market_data::task<std::vector<ex::position_state>> market_data::positions(ex::request_priority) {
    co_return refused("account");
}
market_data::task<std::vector<ex::order_state>> market_data::open_orders(std::optional<core::symbol>) {
    co_return refused("orders");
}
market_data::task<std::vector<ex::stop_state>> market_data::open_stops(std::optional<core::symbol>) {
    co_return refused("orders");
}
market_data::task<void> market_data::set_leverage(core::symbol, int, ex::request_priority) {
    co_return refused("account");
}
market_data::task<void> market_data::set_margin_mode(core::symbol, ex::margin_mode, ex::request_priority) {
    co_return refused("account");
}
market_data::task<void> market_data::set_one_way_mode() { co_return refused("account"); }
market_data::task<ex::order_ack> market_data::place_market_order(ex::market_order_request, ex::request_priority) {
    co_return refused("orders");
}
market_data::task<ex::order_ack> market_data::place_limit_order(ex::limit_order_request, ex::request_priority) {
    co_return refused("orders");
}
market_data::task<ex::order_state> market_data::query_order(core::symbol, core::client_order_id) {
    co_return refused("orders");
}
market_data::task<void> market_data::cancel_order(core::symbol, core::client_order_id, ex::request_priority) {
    co_return refused("orders");
}
market_data::task<ex::stop_state> market_data::place_stop(ex::stop_request) { co_return refused("orders"); }
market_data::task<ex::stop_state> market_data::amend_stop(ex::stop_state, ex::stop_request) {
    co_return refused("orders");
}
market_data::task<void> market_data::cancel_stop(ex::stop_state) { co_return refused("orders"); }

}  // namespace tradebot::backtest

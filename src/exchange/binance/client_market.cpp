// The market-quality read of the signal filters (venue_client::market_stats).

#include <utility>

#include <boost/json.hpp>

#include "tradebot/exchange/binance/client.hpp"
#include "tradebot/exchange/binance/wire.hpp"

namespace tradebot::exchange::binance {

venue_client::task<std::optional<kline_row>> client::kline_at(std::string venue_name, std::string_view interval,
                                                              std::int64_t open_ms, request_priority priority) {
    auto r = public_get(
        "/fapi/v1/klines",
        query_builder{}.add("symbol", venue_name).add("interval", interval).add("startTime", open_ms).add("limit", 1).str(),
        binance_endpoint::klines, priority);
    auto v = co_await rest_.call(std::move(r));
    if (!v) co_return v.error();
    co_return parse_kline_at(*v, open_ms);
}

venue_client::task<market_stats_state> client::market_stats(market_stats_request request, request_priority priority) {
    auto name = venue_symbol_of(symbols_, request.symbol);
    if (!name) co_return name.error();
    market_stats_state out;
    out.symbol = request.symbol;
    if (request.open_interest) {
        // /openInterest gives contracts only; the original valued them at the mark price.
        auto r = public_get("/fapi/v1/openInterest", query_builder{}.add("symbol", *name).str(),
                            binance_endpoint::open_interest, priority);
        auto v = co_await rest_.call(std::move(r));
        if (!v) co_return v.error();
        auto contracts = parse_open_interest(*v, symbols_);
        if (!contracts) co_return contracts.error();
        auto mark = co_await mark_price(request.symbol, priority);
        if (!mark) co_return mark.error();
        out.open_interest_usdt = *contracts * mark->mark_price;
    }
    if (request.volume_1h) {
        auto k = co_await kline_at(*name, "1h", hour_start(request.signal_ms), priority);
        if (!k) co_return k.error();
        if (*k) out.volume_1h_usdt = (*k)->quote_volume;
    }
    if (request.price_change_5min) {
        auto k = co_await kline_at(*name, "5m", request.signal_ms - five_minutes_ms, priority);
        if (!k) co_return k.error();
        if (*k) out.price_change_5min_percent = change_percent((*k)->open, (*k)->close);
    }
    co_return out;
}

}  // namespace tradebot::exchange::binance

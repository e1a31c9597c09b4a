#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "tradebot/exchange/bybit/rest_client.hpp"
#include "tradebot/exchange/symbol_map.hpp"
#include "tradebot/exchange/leverage_cap.hpp"
#include "tradebot/exchange/venue_client.hpp"

namespace tradebot::exchange::bybit {

// The public reads behind the signal filters and the notional cap of bybit::client:
// market_stats (tickers, klines) and the risk-limit tiers, cached per symbol. Part of client, on
// its trading strand.
class filter_reads {
public:
    filter_reads(rest_client& rest, const symbol_map& symbols);

    // tickers (openInterestValue), kline 60 and 5 (limit 1): up to three public reads.
    venue_client::task<market_stats_state> market_stats(market_stats_request request, request_priority priority);
    // GET /v5/market/risk-limit?symbol= (public, once per symbol, cached): the highest
    // riskLimitValue among the tiers whose maxLeverage allows `leverage`.
    venue_client::task<std::optional<core::decimal>> max_notional(core::symbol symbol, int leverage);
    // GET /v5/market/risk-limit without a symbol (every page): every symbol's tiers cached.
    venue_client::task<void> preload_limits(request_priority priority);

private:
    [[nodiscard]] result<std::string> venue_name(const core::symbol& s) const { return venue_name_of(symbols_, s); }
    venue_client::task<std::optional<kline_row>> kline_at(std::string venue_name, std::string_view interval,
                                                          std::int64_t start_ms, request_priority priority);

    rest_client& rest_;
    const symbol_map& symbols_;
    std::unordered_map<core::symbol, symbol_brackets> risk_limits_;  // trading strand only
};

}  // namespace tradebot::exchange::bybit

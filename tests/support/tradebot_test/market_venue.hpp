#pragma once

// The market-data venue of paper trading in tests: instruments (BTCUSDT, ETHUSDT and any symbol
// the test gives a mark), time and REST marks the test sets; account calls fail the test (the
// paper venue answers those).

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "tradebot/core/clock.hpp"
#include "tradebot/core/decimal.hpp"
#include "tradebot/exchange/venue_client.hpp"
#include "tradebot_test/instrument_rules.hpp"

namespace tradebot::test {

inline const core::symbol btc = core::symbol::from_string("BTCUSDT");
inline const core::symbol eth = core::symbol::from_string("ETHUSDT");

namespace ex = tradebot::exchange;
using namespace core::literals;

// The real venue as paper trading uses it: instruments, time and REST marks the test sets.
class market_venue final : public ex::venue_client {
public:
    std::map<core::symbol, core::decimal> marks{{btc, "60000.00"_d}, {eth, "3000.00"_d}};
    const core::clock* clock = nullptr;

    [[nodiscard]] core::exchange_id venue() const noexcept override { return core::exchange_id::binance; }
    // BTCUSDT and ETHUSDT, and every other symbol a test gave a mark (tick 0.001, step 0.1).
    task<std::vector<ex::instrument_rules>> load_instruments() override {
        std::vector<ex::instrument_rules> out{rules_for(btc, "0.10"_d, "0.001"_d), rules_for(eth, "0.01"_d, "0.001"_d)};
        for (const auto& [s, m] : marks) {
            if (s != btc && s != eth) {
                out.push_back(rules_for(s, "0.001"_d, "0.1"_d));
            }
        }
        co_return out;
    }
    task<std::int64_t> server_time() override { co_return clock->now_ms(); }
    task<ex::mark_price_state> mark_price(core::symbol s, ex::request_priority) override {
        co_return ex::mark_price_state{s, marks.at(s), clock->now_ms()};
    }
    task<std::vector<ex::mark_price_state>> mark_prices(ex::request_priority) override {
        std::vector<ex::mark_price_state> all;
        for (const auto& [s, m] : marks) {
            all.push_back({s, m, clock->now_ms()});
        }
        co_return all;
    }
    task<ex::market_stats_state> market_stats(ex::market_stats_request r, ex::request_priority) override {
        co_return ex::market_stats_state{r.symbol, "5000000"_d, "100000"_d, "0.5"_d};
    }
    task<std::vector<ex::balance_state>> balances() override { co_return unused(); }
    task<std::vector<ex::position_state>> positions(ex::request_priority) override { co_return unused(); }
    task<std::vector<ex::order_state>> open_orders(std::optional<core::symbol>) override { co_return unused(); }
    task<std::vector<ex::stop_state>> open_stops(std::optional<core::symbol>) override { co_return unused(); }
    task<void> set_leverage(core::symbol, int, ex::request_priority) override { co_return unused(); }
    task<void> set_margin_mode(core::symbol, ex::margin_mode, ex::request_priority) override { co_return unused(); }
    task<void> set_one_way_mode() override { co_return unused(); }
    task<ex::order_ack> place_market_order(ex::market_order_request, ex::request_priority) override {
        co_return unused();
    }
    task<ex::order_ack> place_limit_order(ex::limit_order_request, ex::request_priority) override {
        co_return unused();
    }
    task<ex::order_state> query_order(core::symbol, core::client_order_id) override { co_return unused(); }
    task<void> cancel_order(core::symbol, core::client_order_id, ex::request_priority) override { co_return unused(); }
    task<ex::stop_state> place_stop(ex::stop_request) override { co_return unused(); }
    task<ex::stop_state> amend_stop(ex::stop_state, ex::stop_request) override { co_return unused(); }
    task<void> cancel_stop(ex::stop_state) override { co_return unused(); }

private:
    [[nodiscard]] ex::error unused() const {
        ADD_FAILURE() << "the market-data venue was asked for account data";
        ex::error e;
        e.kind = ex::error_kind::auth;
        return e;
    }
};

}  // namespace tradebot::test

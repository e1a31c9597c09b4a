#include "app/option_mapping.hpp"

#include <gtest/gtest.h>

namespace tradebot::app {
namespace {

using namespace std::chrono_literals;

// The http.* keys reach the HTTP server of the monitoring endpoints; what each option does there
// is shown by tests/integration/http.
TEST(option_mapping, http_settings_reach_the_monitoring_server) {
    config::settings s;
    s.http.bind = "0.0.0.0";
    s.http.port = 9100;
    s.http.max_body_bytes = 4096;
    s.http.request_timeout_ms = 7000ms;
    s.http.header_timeout_ms = 1500ms;
    s.http.max_connections = 32;
    s.http.max_connections_per_client = 3;
    const auto o = server_options(s, "9.9.9");
    EXPECT_EQ(o.http.address, "0.0.0.0");
    EXPECT_EQ(o.http.port, 9100);
    EXPECT_EQ(o.http.body_limit, 4096U);
    EXPECT_EQ(o.http.read_timeout, 7000ms);
    EXPECT_EQ(o.http.write_timeout, 7000ms);
    EXPECT_EQ(o.http.header_timeout, 1500ms);
    EXPECT_EQ(o.http.max_connections, 32U);
    EXPECT_EQ(o.http.max_connections_per_client, 3U);
    EXPECT_EQ(o.version, "9.9.9");
}

TEST(option_mapping, http_defaults_match_the_servers_own_defaults) {
    const auto o = server_options(config::settings{}, "v");
    const net::http_server_options plain;
    EXPECT_EQ(o.http.header_timeout, plain.header_timeout);
    EXPECT_EQ(o.http.read_timeout, plain.read_timeout);
    EXPECT_EQ(o.http.max_connections, plain.max_connections);
    EXPECT_EQ(o.http.max_connections_per_client, plain.max_connections_per_client);
}

TEST(option_mapping, the_request_budgets_reach_the_rate_limiter) {
    config::settings s;
    s.exchanges.bybit.requests_per_second = 2;
    s.exchanges.bybit.requests_per_minute = 50;
    s.exchanges.bybit.requests_burst = 2;
    const auto limits = rate_limits(core::exchange_id::bybit, s.exchanges.bybit);
    EXPECT_EQ(limits.budgets.size(), exchange::bybit_limits().budgets.size());
    ASSERT_EQ(limits.per_request.size(), 2U);
    EXPECT_EQ(limits.per_request[0].limit, 2);
    EXPECT_EQ(limits.per_request[0].window, 1000ms);
    EXPECT_EQ(limits.per_request[0].burst, 2);
    EXPECT_EQ(limits.per_request[1].limit, 50);
    EXPECT_EQ(limits.per_request[1].window, 60000ms);
    // Two requests a second, even at critical priority: the third waits for one refill (1/2 s).
    core::manual_clock clock;
    exchange::rate_limiter_core core{clock, limits};
    const auto cost = exchange::bybit_cost("/v5/market/tickers");
    EXPECT_TRUE(core.try_acquire(cost, exchange::request_priority::critical).granted);
    EXPECT_TRUE(core.try_acquire(cost, exchange::request_priority::critical).granted);
    const auto third = core.try_acquire(cost, exchange::request_priority::critical);
    EXPECT_FALSE(third.granted);
    EXPECT_EQ(third.budget, "client_1s");
    EXPECT_EQ(third.retry_at - clock.steady_now(), 500ms);
    clock.advance(500ms);
    EXPECT_TRUE(core.try_acquire(cost, exchange::request_priority::critical).granted);
    // The shipped ceilings (the original bot's), and 0 for none.
    EXPECT_EQ(rate_limits(core::exchange_id::binance, s.exchanges.binance).per_request[0].limit, 16);
    EXPECT_EQ(rate_limits(core::exchange_id::binance, s.exchanges.binance).per_request[0].burst, 50);
    s.exchanges.binance.requests_per_second = 0;
    const auto minute_only = rate_limits(core::exchange_id::binance, s.exchanges.binance);
    ASSERT_EQ(minute_only.per_request.size(), 1U);
    EXPECT_EQ(minute_only.per_request[0].name, "client_1m");
}

TEST(option_mapping, the_statement_timeout_reaches_the_database) {
    config::settings s;
    EXPECT_EQ(database_options(s, "t").statement_timeout, 10000ms);
    s.database.statement_timeout_ms = 250ms;
    EXPECT_EQ(database_options(s, "t").statement_timeout, 250ms);
    EXPECT_EQ(external_database_options(s).statement_timeout, 250ms);
}

}  // namespace
}  // namespace tradebot::app

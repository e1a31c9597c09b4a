// Same inputs, same output: byte-identical JSON, CSV and HTML over a run with many trades.
#include <random>

#include <fmt/chrono.h>

#include <gtest/gtest.h>

#include "scenario.hpp"
#include "tradebot/backtest/report.hpp"

namespace tradebot::backtest::test {
namespace {

// Three symbols, one day of seeded random walks, a signal on most candles.
struct market {
    price_history prices;
    std::string signals;
};

market random_market() {
    market m;
    std::mt19937_64 rng{20250101};
    const char* names[] = {"AAAUSDT", "BBBUSDT", "CCCUSDT"};
    for (const char* name : names) {
        kline_series s;
        s.symbol = core::symbol::from_string(name);
        std::int64_t p = 100'000;  // ticks of 0.001
        for (int i = -60; i < 1440; ++i) {
            const auto step = [&] { return static_cast<std::int64_t>(rng() % 301) - 150; };
            const std::int64_t o = p;
            const std::int64_t a = o + step();
            const std::int64_t c = a + step();
            bar b;
            b.open_ms = at(i);
            b.open = decimal::from_raw(o, 3);
            b.close = decimal::from_raw(c, 3);
            b.high = decimal::from_raw(std::max({o, a, c}) + static_cast<std::int64_t>(rng() % 50), 3);
            b.low = decimal::from_raw(std::min({o, a, c}) - static_cast<std::int64_t>(rng() % 50), 3);
            b.quote_volume = decimal::from_int(100'000);
            s.bars.push_back(b);
            p = c;
        }
        m.prices.emplace(s.symbol, s);
    }
    int id = 0;
    for (int candle = 0; candle < 90; ++candle) {
        if (rng() % 3 == 0) continue;
        const auto t = at(candle * 15);
        const auto secs = std::chrono::sys_seconds{std::chrono::seconds{t / 1000}};
        m.signals += std::to_string(++id) + "," + fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", secs) + ",binance," +
                     names[rng() % 3] + "," + (rng() % 2 ? "BUY" : "SELL") + ",50,50\n";
    }
    return m;
}

TEST(backtest_determinism, the_same_inputs_give_byte_identical_reports) {
    const auto m = random_market();
    const auto signals = signals_from(m.signals, m.prices);
    ASSERT_GT(signals.size(), 40U);
    const auto first = run(config::settings{}, m.prices, signals, run_options{});
    const auto second = run(config::settings{}, m.prices, signals, run_options{});
    ASSERT_GE(first.trades.size(), 10U) << "too few trades to show anything";
    const auto s1 = summarize(first);
    const auto s2 = summarize(second);
    EXPECT_EQ(to_json(first, s1), to_json(second, s2));
    EXPECT_EQ(trades_csv(first), trades_csv(second));
    EXPECT_EQ(to_html(first, s1), to_html(second, s2));
    // Every signal has an outcome; the trades' PnL adds up to the equity change.
    EXPECT_EQ(first.signals.size(), signals.size());
    EXPECT_EQ(s1.other, decimal{});
}

}  // namespace
}  // namespace tradebot::backtest::test

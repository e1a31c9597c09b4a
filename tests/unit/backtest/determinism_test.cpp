// Same inputs, same output: byte-identical JSON, CSV and HTML over a run with many trades.
#include <random>

#include <fmt/chrono.h>

#include <gtest/gtest.h>

#include "scenario.hpp"
#include "tradebot/backtest/report.hpp"
#include "tradebot/backtest/simulation.hpp"

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

// The replay feeds only the symbols in play (a position, an order, a decision running) and keeps
// a flat symbol's close as its REST mark; feeding every mark of every symbol must give the same
// report, byte for byte: on tradebot simulate's market (12 symbols, jumps and regime switches,
// many signals), with gaps in two symbols' bars, in every intrabar order.
TEST(backtest_determinism, skipping_flat_symbols_marks_changes_nothing) {
    simulation_options o;
    o.paths = 1;
    o.seed = 20260127;
    o.symbols = 12;
    o.days = 2;
    o.signal_rate = 0.5;
    o.edge = 0.55;
    auto m = make_market(o, 0);
    std::size_t dropped = 0;
    for (auto& [symbol, series] : m.prices) {
        if (symbol.str() != "ETHUSDT" && symbol.str() != "SIM9USDT") continue;
        std::vector<bar> kept;
        for (std::size_t i = 0; i < series.bars.size(); ++i) {
            if (i % 7 != 3) kept.push_back(series.bars[i]);
        }
        dropped += series.bars.size() - kept.size();
        series.bars = std::move(kept);
    }
    ASSERT_GT(dropped, 500U);
    for (const auto order : {intrabar::worst, intrabar::optimistic, intrabar::ohlc}) {
        run_options skipping;
        skipping.order = order;
        run_options every = skipping;
        every.every_mark = true;
        const auto fast = run(config::settings{}, m.prices, m.signals, skipping);
        const auto slow = run(config::settings{}, m.prices, m.signals, every);
        ASSERT_GE(fast.trades.size(), 10U) << to_string(order) << ": too few trades to show anything";
        EXPECT_EQ(to_json(fast, summarize(fast)), to_json(slow, summarize(slow))) << to_string(order);
        EXPECT_EQ(trades_csv(fast), trades_csv(slow)) << to_string(order);
    }
}

}  // namespace
}  // namespace tradebot::backtest::test

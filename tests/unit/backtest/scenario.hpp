#pragma once

// Hand-made price histories and signal files for the backtest's tests, and a fixture that writes input files.

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tradebot/backtest/price_history.hpp"
#include "tradebot/backtest/runner.hpp"
#include "tradebot/backtest/signal_file.hpp"
#include "tradebot_test/env.hpp"

namespace tradebot::backtest::test {

using core::decimal;

inline constexpr std::int64_t t0 = 1'735'689'600'000;  // 2025-01-01T00:00:00Z
inline constexpr std::int64_t minute = 60'000;

// Minute `m` after t0 (negative: before).
inline std::int64_t at(int m) { return t0 + m * minute; }

// A 1-minute bar; quote volume 100,000 USDT (the 1 h volume filter passes).
inline bar make_bar(int m, const char* o, const char* h, const char* l, const char* c) {
    return bar{at(m), decimal::from_string(o), decimal::from_string(h), decimal::from_string(l),
               decimal::from_string(c), decimal::from_int(100'000), std::nullopt};
}

// TESTUSDT at 100.00 (tick 0.01, step 0.01) from minute `from` to `to` (exclusive), then `tail`.
inline price_history flat_then(int from, int to, const std::vector<bar>& tail) {
    kline_series s;
    s.symbol = core::symbol::from_string("TESTUSDT");
    for (int m = from; m < to; ++m) {
        s.bars.push_back(make_bar(m, "100.00", "100.00", "100.00", "100.00"));
    }
    s.bars.insert(s.bars.end(), tail.begin(), tail.end());
    price_history h;
    h.emplace(s.symbol, s);
    return h;
}

// The signals CSV `rows` (after the header), read as the command reads it.
inline std::vector<signal_line> signals_from(const std::string& rows, const price_history& prices) {
    tradebot::test::temp_dir dir;
    const auto file = dir.path() / "signals.csv";
    tradebot::test::write_file(file, "id,timestamp,exchange,symbol,side,score_week,score_month\n" + rows);
    auto loaded = load_signals(file, prices);
    EXPECT_TRUE(loaded.value) << loaded.error;
    return loaded.value.value_or(std::vector<signal_line>{});
}

// A test that writes input files into a directory of its own.
class input_files_test : public ::testing::Test {
protected:
    tradebot::test::temp_dir dir_;
    std::filesystem::path write(const std::string& name, const std::string& text) {
        const auto p = dir_.path() / name;
        tradebot::test::write_file(p, text);
        return p;
    }
};

}  // namespace tradebot::backtest::test

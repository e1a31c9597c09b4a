// Bad input is an error naming the file and the line; good input in the dumps' layouts is read.
#include <gtest/gtest.h>

#include "scenario.hpp"

namespace tradebot::backtest::test {
namespace {

using namespace core::literals;

class readers : public input_files_test {
protected:
    std::string klines_error(const std::string& text) {
        const auto p = write("k/BTCUSDT-1m-2025-01.csv", text);
        const auto r = load_klines(p);
        EXPECT_FALSE(r.value);
        return r.error;
    }
};

TEST_F(readers, binance_dump_lines_without_header_are_read_by_position) {
    const auto p = write("k/BTCUSDT-1m-2025-01.csv",
                         "1735689600000,100.10,100.50,99.90,100.20,12.5,1735689659999,1251.2345,10,6,625,0\n"
                         "1735689660000000,100.20,100.30,100.00,100.00,1,1735689719999999,100,1,0,0,0\r\n");
    const auto r = load_klines(p.parent_path());
    ASSERT_TRUE(r.value) << r.error;
    const auto& s = r.value->at(core::symbol::from_string("BTCUSDT"));
    ASSERT_EQ(s.bars.size(), 2U);
    EXPECT_EQ(s.bars[0].open_ms, 1735689600000);
    EXPECT_EQ(s.bars[0].high, "100.5"_d);
    EXPECT_EQ(s.bars[0].quote_volume, "1251.2345"_d);
    EXPECT_EQ(s.bars[1].open_ms, 1735689660000);  // microseconds, as the newer dumps write
}

TEST_F(readers, a_header_names_the_columns_and_volume_times_close_stands_in_for_quote_volume) {
    const auto p = write("k/ETHUSDT.csv", "close,open_time,high,low,open,volume\n3000,1735689600000,3010,2990,2995,2\n");
    const auto r = load_klines(p);
    ASSERT_TRUE(r.value) << r.error;
    const auto& b = r.value->at(core::symbol::from_string("ETHUSDT")).bars.at(0);
    EXPECT_EQ(b.open, "2995"_d);
    EXPECT_EQ(b.quote_volume, "6000"_d);
}

TEST_F(readers, bybit_kline_export_is_read_newest_first_or_oldest_first) {
    // GET /v5/market/kline's fields, newest bar first as the API lists them; turnover is the quote volume.
    const std::string header = "startTime,openPrice,highPrice,lowPrice,closePrice,volume,turnover\n";
    const auto p = write("k/SOLUSDT-bybit.csv", header +
                                                    "1735689720000,151.2,151.4,151.0,151.1,3,453.3\n"
                                                    "1735689660000,150.9,151.3,150.8,151.2,2,302.4\n"
                                                    "1735689600000,150.5,151.0,150.4,150.9,1,150.9\n");
    const auto r = load_klines(p);
    ASSERT_TRUE(r.value) << r.error;
    const auto& bars = r.value->at(core::symbol::from_string("SOLUSDT")).bars;
    ASSERT_EQ(bars.size(), 3U);
    EXPECT_EQ(bars[0].open_ms, 1735689600000);
    EXPECT_EQ(bars[0].open, "150.5"_d);
    EXPECT_EQ(bars[2].close, "151.1"_d);
    EXPECT_EQ(bars[1].quote_volume, "302.4"_d);
    // Oldest first is read as it is; a mixed order is an error naming a line.
    const auto q = write("k2/SOLUSDT.csv", header + "1735689600000,1,1,1,1,1,1\n1735689660000,1,1,1,1,1,1\n");
    ASSERT_TRUE(load_klines(q).value);
    const auto mixed = write("k3/SOLUSDT.csv", header + "1735689660000,1,1,1,1,1,1\n1735689600000,1,1,1,1,1,1\n"
                                                        "1735689720000,1,1,1,1,1,1\n");
    const auto bad = load_klines(mixed);
    ASSERT_FALSE(bad.value);
    EXPECT_NE(bad.error.find("SOLUSDT.csv:3: unsorted open_time"), std::string::npos) << bad.error;
    // Binance's layout stays oldest first only.
    EXPECT_NE(klines_error("1735689660000,1,1,1,1,1\n1735689600000,1,1,1,1,1\n").find(":2: unsorted open_time"),
              std::string::npos);
}

TEST_F(readers, bad_klines_are_errors_naming_file_and_line) {
    const std::string good = "1735689600000,1,1,1,1,1\n";
    EXPECT_NE(klines_error("open_time,open,high,low,close\n").find("BTCUSDT-1m-2025-01.csv:1: missing column 'volume'"),
              std::string::npos);
    EXPECT_NE(klines_error(good + "1735689600000,1,1,1,1,1\n").find(":2: repeated open_time"), std::string::npos);
    EXPECT_NE(klines_error(good + "1735689540000,1,1,1,1,1\n").find(":2: unsorted open_time"), std::string::npos);
    EXPECT_NE(klines_error(good + "1735689660000,1,2,1,3,1\n").find(":2: high/low"), std::string::npos);
    EXPECT_NE(klines_error(good + "1735689660000,abc,1,1,1,1\n").find(":2: open 'abc'"), std::string::npos);
    EXPECT_NE(klines_error("1735689600001,1,1,1,1,1\n").find(":1: open_time 1735689600001 is not on a minute"),
              std::string::npos);
    EXPECT_NE(klines_error("1735689600000,1,1,1\n").find(":1: expected at least 6 columns"), std::string::npos);
}

TEST_F(readers, bad_signals_are_errors_naming_file_and_line) {
    const auto prices = flat_then(0, 60, {});
    const auto error = [&](const std::string& text) {
        const auto r = load_signals(write("s.csv", text), prices);
        EXPECT_FALSE(r.value);
        return r.error;
    };
    const std::string header = "timestamp,exchange,symbol,side,score_week,score_month\n";
    EXPECT_NE(error("timestamp,exchange,symbol,side,score_week\n").find("s.csv:1: missing column 'score_month'"),
              std::string::npos);
    EXPECT_NE(error(header + "2025-01-01T00:00:00Z,binance,TESTUSDT,NO_TRADE,1,1\n").find("s.csv:2: bad_side"),
              std::string::npos);
    EXPECT_NE(error(header + "2025-01-01T00:00:00Z,binance,OTHERUSDT,BUY,1,1\n").find("s.csv:2: no price data for OTHERUSDT"),
              std::string::npos);
    // Received 01:15, after the last bar (00:59).
    EXPECT_NE(error(header + "2025-01-01T01:00:00Z,binance,TESTUSDT,BUY,1,1\n").find("s.csv:2: signal at 2025-01-01T01:15:00Z is outside"),
              std::string::npos);
    EXPECT_NE(error("id," + header.substr(0, header.size() - 1) + "\n7,2025-01-01T00:00:00Z,binance,TESTUSDT,BUY,1,1\n"
                    "7,2025-01-01T00:15:00Z,binance,TESTUSDT,BUY,1,1\n").find("s.csv:3: id 7 repeats line 2"),
              std::string::npos);
    EXPECT_NE(error(header + "2025-01-01T00:07:00Z,binance,TESTUSDT,BUY,1,1\n").find("s.csv:2: bad_candle_time"),
              std::string::npos);
}

TEST_F(readers, a_valid_signal_is_visible_when_its_candle_closes) {
    const auto prices = flat_then(0, 60, {});
    const auto r = load_signals(write("s.csv", "timestamp,exchange,symbol,side,score_week,score_month\n"
                                                "2025-01-01 00:15:00+00,Binance,TESTUSDT,long,1.5,2\n"),
                                prices);
    ASSERT_TRUE(r.value) << r.error;
    ASSERT_EQ(r.value->size(), 1U);
    EXPECT_EQ(r.value->front().raw.id, 1);
    EXPECT_EQ(r.value->front().line, 2);
    EXPECT_EQ(r.value->front().visible_at, core::clock::time_point{std::chrono::milliseconds{at(30)}});
}

}  // namespace
}  // namespace tradebot::backtest::test

// `tradebot backtest --signals-from-db`: the signals table's rows of a time range, through the
// configuration's database, give the same backtest as the same signals in a CSV.
#include <fstream>
#include <regex>
#include <sstream>

#include "session_fixture.hpp"

namespace {

using tradebot::test::read_file;
using tradebot::test::run_shell;

class backtest_db_signals_test : public tradebot::test::session_test {};

TEST_F(backtest_db_signals_test, the_tables_rows_give_the_same_trades_as_the_csv) {
    if (IsSkipped()) return;
    write_exchanges();
    write_main(pg_url_);
    const auto [mrc, mout] = run_shell(bin() + " db migrate --config " + config_dir().string());
    ASSERT_EQ(mrc, 0) << mout;
    const auto data = dir_.path() / "data";
    const auto [grc, gout] = run_shell("python3 " + (tradebot::test::source_dir() / "scripts/gen-sample-data.py").string() +
                                       " --days 2 --symbols 3 --out " + data.string() + " 2>&1");
    ASSERT_EQ(grc, 0) << gout;
    // The CSV's rows as the producer would have written them (received when the candle closed).
    std::ifstream csv{data / "signals.csv"};
    std::string line;
    std::getline(csv, line);  // header: id,timestamp,exchange,symbol,side,score_week,score_month
    std::string values;
    int rows = 0;
    while (std::getline(csv, line)) {
        std::vector<std::string> f;
        std::istringstream in{line};
        for (std::string c; std::getline(in, c, ',');) f.push_back(c);
        ASSERT_EQ(f.size(), 7U) << line;
        values += std::string{values.empty() ? "" : ", "} + "(" + f[0] + ", '" + f[2] + "', '" + f[3] + "', '" + f[4] +
                  "', " + f[5] + ", " + f[6] + ", '" + f[1] + "', timestamptz '" + f[1] + "' + interval '15 minutes')";
        ++rows;
    }
    ASSERT_GT(rows, 20);
    // One row outside the range asked for: not read.
    values += ", (999999, 'binance', 'NOSUCHUSDT', 'BUY', 1, 1, '2024-01-01T00:00:00Z', '2024-01-01T00:15:00Z')";
    const auto [prc, pout] = run_shell("psql -q -v ON_ERROR_STOP=1 '" + pg_url_ + "' -c \"SET search_path TO " + schema_ +
                                       "; INSERT INTO signals (id, exchange, symbol, side, score_week, score_month, "
                                       "candle_time, received_at) VALUES " + values + "\" 2>&1");
    ASSERT_EQ(prc, 0) << pout;

    const auto common = bin() + " backtest --quiet --klines " + (data / "klines").string() + " --config " +
                        config_dir().string() + " --out ";
    const auto [crc, cout] = run_shell(common + (dir_.path() / "csv").string() + " --signals " +
                                       (data / "signals.csv").string() + " 2>&1");
    ASSERT_EQ(crc, 0) << cout;
    const auto [drc, dout] = run_shell(common + (dir_.path() / "db").string() +
                                       " --signals-from-db 2025-03-01T00:00:00Z..2025-03-10T00:00:00Z 2>&1");
    ASSERT_EQ(drc, 0) << dout;
    const auto statistics = [](const std::string& json) {
        const auto from = json.find("\"statistics\": {");
        return json.substr(from, json.find("\n  },", from) - from);
    };
    const auto from_csv = read_file(dir_.path() / "csv" / "backtest.json");
    const auto from_db = read_file(dir_.path() / "db" / "backtest.json");
    EXPECT_EQ(statistics(from_csv).find("\"trades\": 0,"), std::string::npos) << "the sample should trade";
    EXPECT_EQ(statistics(from_db), statistics(from_csv));
    EXPECT_NE(cout.find("trades "), std::string::npos);
    // The same summary; the report's path (the last line) names another --out.
    EXPECT_EQ(dout.substr(0, dout.find("report: ")), cout.substr(0, cout.find("report: ")));

    // A range without its end, and one whose row has no price data: exit 2 naming the row.
    const auto [brc, bout] = run_shell(common + (dir_.path() / "bad").string() + " --signals-from-db 2025-03-01 2>&1");
    EXPECT_EQ(brc, 2);
    EXPECT_NE(bout.find("expected SINCE..UNTIL"), std::string::npos) << bout;
    const auto [orc, oout] = run_shell(common + (dir_.path() / "bad").string() +
                                       " --signals-from-db 2023-12-31T00:00:00Z..2025-03-10T00:00:00Z 2>&1");
    EXPECT_EQ(orc, 2);
    EXPECT_NE(oout.find("signals table, id 999999: no price data for NOSUCHUSDT"), std::string::npos) << oout;
}

}  // namespace

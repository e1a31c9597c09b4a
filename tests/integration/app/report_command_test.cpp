// `tradebot report` as an operator runs it: the real binary over a real PostgreSQL history, what it
// prints in each form and with each filter, and that it changes nothing.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "session_fixture.hpp"

namespace {

using tradebot::test::run_shell;

class report_command_test : public tradebot::test::session_test {
protected:
    void SetUp() override {
        session_test::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        write_exchanges();
        write_main(pg_url_);
        const auto [rc, out] = run_shell(bin() + " db migrate --config " + config_dir().string());
        ASSERT_EQ(rc, 0) << out;
        // Two paper closes (one with its fills, one whose exit fill never arrived) and a real one.
        psql("INSERT INTO positions (id, exchange, symbol, side, mode, state, qty, entry_price, exit_price, "
             "opened_at, closed_at, close_reason, realized_pnl) VALUES "
             "(1, 'binance', 'BTCUSDT', 'long', 'test', 'closed', 0.010, 60000.10, 61000, "
             "'2026-01-01T00:00:00Z', '2026-01-01T02:00:00Z', 'trailing_stop', 9.999), "
             "(2, 'bybit', 'ETHUSDT', 'short', 'test', 'closed', 0.5, 3000, 3050, "
             "'2026-01-02T01:00:00Z', '2026-01-02T04:00:00Z', 'stop_failed: no stop', -25), "
             "(3, 'binance', 'SOLUSDT', 'long', 'production', 'closed', 1, 100, 101, "
             "'2026-01-01T00:00:00Z', '2026-01-01T00:10:00Z', 'manual_close', 1); "
             "INSERT INTO trades (position_id, exchange, symbol, mode, exchange_trade_id, side, qty, price, fee, "
             "fee_asset, realized_pnl, ts) VALUES "
             "(1, 'binance', 'BTCUSDT', 'test', '11', 'buy', 0.010, 60000.10, 0.3000005, 'USDT', 0, "
             "'2026-01-01T00:00:00Z'), "
             "(1, 'binance', 'BTCUSDT', 'test', '12', 'sell', 0.010, 61000, 0.305, 'USDT', 9.999, "
             "'2026-01-01T02:00:00Z')");
    }

    void psql(const std::string& sql) const {
        const auto [rc, out] = run_shell("psql -q -v ON_ERROR_STOP=1 '" + pg_url_ + "' -c \"SET search_path TO " +
                                         schema_ + "; " + sql + "\" 2>&1");
        ASSERT_EQ(rc, 0) << out;
    }

    std::string rows_fingerprint() const {
        const auto [rc, out] = run_shell(
            "psql -tA '" + pg_url_ + "' -c \"SET search_path TO " + schema_ +
            "; SELECT (SELECT count(*) FROM positions) || '/' || (SELECT count(*) FROM trades) || '/' || "
            "(SELECT count(*) FROM events) || '/' || (SELECT count(*) FROM orders)\"");
        EXPECT_EQ(rc, 0) << out;
        return out;
    }

    std::pair<int, std::string> report(const std::string& args) const {
        return run_shell(bin() + " report " + args + " --config " + config_dir().string() + " 2>&1");
    }
};

TEST_F(report_command_test, prints_the_history_in_each_form_and_changes_nothing) {
    const auto before = rows_fingerprint();

    auto [rc, out] = report("--format csv");
    ASSERT_EQ(rc, 0) << out;
    EXPECT_EQ(out,
              "position_id,exchange,symbol,side,quantity,entry_price,exit_price,opened_at,closed_at,holding_seconds,"
              "close_reason,gross_pnl,fees,net_pnl,equity,drawdown\r\n"
              "1,binance,BTCUSDT,long,0.01,60000.1,61000,2026-01-01T00:00:00Z,2026-01-01T02:00:00Z,7200,"
              "trailing_stop,9.999,0.6050005,9.3939995,9.3939995,0\r\n"
              "2,bybit,ETHUSDT,short,0.5,3000,3050,2026-01-02T01:00:00Z,2026-01-02T04:00:00Z,10800,"
              "stop_failed: no stop,-25,0,-25,-15.6060005,25\r\n");

    std::tie(rc, out) = report("--json");
    ASSERT_EQ(rc, 0) << out;
    for (const char* s : {"\"mode\":\"test\"", "\"total\":{\"positions\":2,\"wins\":1,\"losses\":1,"
                          "\"net_pnl\":\"-15.6060005\",\"gross_pnl\":\"-15.001\",\"fees\":\"0.6050005\","
                          "\"win_rate_percent\":\"50\",\"profit_factor\":\"0.3758\"",
                          "\"max_drawdown\":\"25\"", "\"average_holding_seconds\":9000",
                          "\"by_exit_reason\":{\"stop_failed\":{\"positions\":1"}) {
        EXPECT_NE(out.find(s), std::string::npos) << s << "\n" << out;
    }

    std::tie(rc, out) = report("");
    ASSERT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("net PnL:           -15.6060005 USDT"), std::string::npos) << out;
    EXPECT_NE(out.find("profit factor:     0.3758"), std::string::npos) << out;

    // Filters: a venue, a start, a last day (inclusive), the other mode.
    std::tie(rc, out) = report("--json --exchange bybit");
    EXPECT_NE(out.find("\"total\":{\"positions\":1,\"wins\":0,\"losses\":1"), std::string::npos) << out;
    std::tie(rc, out) = report("--format csv --since 2026-01-02");
    EXPECT_EQ(out.find("\r\n1,"), std::string::npos) << out;
    EXPECT_NE(out.find("\r\n2,"), std::string::npos) << out;
    std::tie(rc, out) = report("--format csv --until 2026-01-01");
    EXPECT_NE(out.find("\r\n1,"), std::string::npos) << out;
    EXPECT_EQ(out.find("\r\n2,"), std::string::npos) << out;
    // Production's configuration carries keys (the loader asks for them); the report uses none.
    std::tie(rc, out) = run_shell(
        "TRADEBOT_EXCHANGES_BINANCE_API_KEY=k TRADEBOT_EXCHANGES_BINANCE_API_SECRET=s "
        "TRADEBOT_EXCHANGES_BYBIT_API_KEY=k TRADEBOT_EXCHANGES_BYBIT_API_SECRET=s " +
        bin() + " report --format csv --mode production --config " + config_dir().string() + " 2>&1");
    EXPECT_NE(out.find("\r\n3,binance,SOLUSDT,long,1,100,101,"), std::string::npos) << out;
    EXPECT_EQ(out.find("\r\n1,"), std::string::npos) << out;

    const auto file = dir_.path() / "out" / "report.html";
    std::filesystem::create_directories(file.parent_path());
    std::tie(rc, out) = report("--format html --output " + file.string());
    ASSERT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("report written to " + file.string() + " (2 closed positions)"), std::string::npos) << out;
    std::string html;
    {
        std::ifstream in{file};
        html.assign(std::istreambuf_iterator<char>{in}, {});
    }
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U);
    EXPECT_NE(html.find("<polyline"), std::string::npos);
    EXPECT_NE(html.find("stop_failed: no stop"), std::string::npos);

    std::tie(rc, out) = report("--format xml");
    EXPECT_EQ(rc, 2) << out;
    std::tie(rc, out) = report("--since 2026-02-30");
    EXPECT_EQ(rc, 2) << out;
    std::tie(rc, out) = report("--output /nonexistent-dir/r.txt");
    EXPECT_EQ(rc, 1) << out;

    // Read only: not a row more or less, and no instance lock taken.
    EXPECT_EQ(rows_fingerprint(), before);
    EXPECT_FALSE(std::filesystem::exists(dir_.path() / "tradebot.pid"));
}

}  // namespace

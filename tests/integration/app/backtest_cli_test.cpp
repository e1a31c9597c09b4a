// `tradebot backtest` as people run it: the real binary on the sample data the repository's
// generator writes, with the repository's config/.
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "replay_cli_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using tradebot::test::read_file;
using tradebot::test::run_shell;

class backtest_cli : public tradebot::test::replay_cli_test {
protected:
    void SetUp() override {
        const auto [rc, out] = run_shell("python3 " + (tradebot::test::source_dir() / "scripts/gen-sample-data.py").string() +
                                         " --days 2 --symbols 3 --out " + data().string() + " 2>&1");
        ASSERT_EQ(rc, 0) << out;
    }

    fs::path data() const { return dir_.path() / "data"; }
    std::string backtest(const std::string& out_dir, const std::string& extra = {}) const {
        return bin() + " backtest --klines " + (data() / "klines").string() + " --signals " +
               (data() / "signals.csv").string() + " --config " + repo_config().string() + " --out " +
               (dir_.path() / out_dir).string() + extra;
    }
};

TEST_F(backtest_cli, runs_on_the_sample_data_and_writes_matching_reports) {
    // In a subshell: run_shell() adds 2>&1, which would win over a redirect of the command's own.
    const auto [rc, out] = run_shell("(" + backtest("out", " 2>" + (dir_.path() / "stderr.txt").string()) + ")");
    ASSERT_EQ(rc, 0) << out << read_file(dir_.path() / "stderr.txt");
    EXPECT_NE(out.find("intrabar worst"), std::string::npos) << out;
    EXPECT_NE(out.find("report: " + fs::absolute(dir_.path() / "out" / "backtest.html").string()), std::string::npos) << out;
    // The progress line, one per 10 % when stderr is not a terminal, ending at 100 %.
    const auto err = read_file(dir_.path() / "stderr.txt");
    EXPECT_NE(err.find("backtest: 2880/2880 minutes (100 %)"), std::string::npos) << err;

    const auto json = read_file(dir_.path() / "out" / "backtest.json");
    const auto csv = read_file(dir_.path() / "out" / "backtest-trades.csv");
    const auto html = read_file(dir_.path() / "out" / "backtest.html");
    const std::regex trades_field{"\"trades\": ([0-9]+),"};
    std::smatch m;
    ASSERT_TRUE(std::regex_search(json, m, trades_field)) << json.substr(0, 2000);
    const auto trades = std::stoi(m[1]);
    EXPECT_GT(trades, 5) << "the sample should trade";
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), trades + 1);
    EXPECT_EQ(count(html, "<tr class=\"trade\">"), trades);
    EXPECT_NE(out.find("trades " + std::to_string(trades) + " "), std::string::npos) << out;

    // Again, with the same inputs: byte-identical JSON.
    const auto [rc2, out2] = run_shell(backtest("again", " --quiet 2>&1"));
    ASSERT_EQ(rc2, 0) << out2;
    EXPECT_EQ(read_file(dir_.path() / "again" / "backtest.json"), json);
}

TEST_F(backtest_cli, the_html_report_renders_in_a_headless_browser) {
    if (!has_chromium()) {
        GTEST_SKIP() << "Debian's chromium is not installed";
    }
    const auto [rc, out] = run_shell(backtest("out", " --quiet"));
    ASSERT_EQ(rc, 0) << out;
    const auto json = read_file(dir_.path() / "out" / "backtest.json");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(json, m, std::regex{"\"trades\": ([0-9]+),"}));
    const auto trades = std::stoi(m[1]);
    ASSERT_GT(trades, 0);
    const auto page = render(dir_.path() / "out" / "backtest.html", 2000);
    EXPECT_EQ(count(page.dom, "<tr class=\"trade\">"), trades);
    for (const char* curve : {"equity", "drawdown"}) {
        EXPECT_EQ(count(page.dom, std::string{"<path class=\""} + curve + "\" d=\"M[0-9.]+,[0-9.]+( L[0-9.]+,[0-9.]+){100,}\""), 1)
            << curve << " curve missing or empty";
    }
    // A page of tables and two curves.
    EXPECT_GT(page.screenshot_bytes, 30'000U);
}

TEST_F(backtest_cli, set_overrides_and_the_intrabar_choice_reach_the_run) {
    // No trailing: no trailing_stop exit; the intrabar order is the one asked for.
    const auto [rc, out] =
        run_shell(backtest("out", " --quiet --intrabar optimistic --set protection.trailing.enabled=false 2>&1"));
    ASSERT_EQ(rc, 0) << out;
    const auto json = read_file(dir_.path() / "out" / "backtest.json");
    EXPECT_NE(json.find("\"intrabar\": \"optimistic\""), std::string::npos);
    EXPECT_EQ(json.find("\"exit_reason\": \"trailing_stop\""), std::string::npos);
    EXPECT_NE(json.find("\"exit_reason\": \"stop_loss\""), std::string::npos);
}

TEST_F(backtest_cli, a_sweep_gives_the_same_cells_on_any_number_of_threads_as_single_runs) {
    const std::string grid = " --quiet --grid protection.stop_loss.percent=1,3 --grid protection.trailing.callback_percent=0.3,0.8";
    const auto [rc, out] = run_shell(backtest("two", grid + " --jobs 2"));
    ASSERT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("sweep: 4 cells on 2 threads"), std::string::npos) << out;
    const auto [rc1, out1] = run_shell(backtest("one", grid + " --jobs 1"));
    ASSERT_EQ(rc1, 0) << out1;
    const auto json = read_file(dir_.path() / "two" / "grid.json");
    EXPECT_EQ(read_file(dir_.path() / "one" / "grid.json"), json);
    // Cell 3 (stop 3 %, callback 0.8 %) is the same backtest as a single run with those overrides.
    const auto [src, sout] = run_shell(backtest("single", " --quiet --set protection.stop_loss.percent=3 --set "
                                                          "protection.trailing.callback_percent=0.8"));
    ASSERT_EQ(src, 0) << sout;
    std::smatch single;
    const auto single_json = read_file(dir_.path() / "single" / "backtest.json");
    ASSERT_TRUE(std::regex_search(single_json, single, std::regex{"\"net_pnl\": (-?[0-9.]+),\n"}));
    EXPECT_NE(json.find("{\"cell\": 3, \"params\": {\"protection.stop_loss.percent\": \"3\", "
                        "\"protection.trailing.callback_percent\": \"0.8\"}"),
              std::string::npos)
        << json;
    const auto cell3 = json.substr(json.find("{\"cell\": 3,"));
    EXPECT_NE(cell3.find("\"net_pnl\": " + single[1].str() + ","), std::string::npos) << cell3 << single[1];
    const auto html = read_file(dir_.path() / "two" / "grid.html");
    EXPECT_EQ(count(html, "<rect class=\"cell\""), 4);
    const auto csv = read_file(dir_.path() / "two" / "grid.csv");
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5);
    const auto [brc, bout] = run_shell(backtest("bad", " --grid protection.stop_loss.percent=1, 2>&1"));
    EXPECT_EQ(brc, 2);
    EXPECT_NE(bout.find("--grid 'protection.stop_loss.percent=1,'"), std::string::npos) << bout;
}

TEST_F(backtest_cli, recorded_funding_is_settled_and_booked_per_trade) {
    // The sample's funding (Binance's API JSON, every 8 h): payments on the open positions, in the
    // trades and the totals; the equity change is still the trades plus "other".
    const auto [rc, out] = run_shell(backtest("funded", " --quiet --funding " + (data() / "funding").string() + " 2>&1"));
    ASSERT_EQ(rc, 0) << out;
    EXPECT_NE(out.find(" funding "), std::string::npos) << out;
    const auto json = read_file(dir_.path() / "funded" / "backtest.json");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(json, m, std::regex{"\"funding_payments\": ([0-9]+),"})) << json.substr(0, 2000);
    EXPECT_GT(std::stoi(m[1]), 0);
    EXPECT_NE(json.find("funding from the recorded rates"), std::string::npos);
    const auto csv = read_file(dir_.path() / "funded" / "backtest-trades.csv");
    EXPECT_NE(csv.find(",fee,funding,gross_pnl,"), std::string::npos) << csv.substr(0, 300);
    // Some trade held a position over a funding time: its funding column is not zero.
    EXPECT_TRUE(std::regex_search(csv, std::regex{",-?0\\.[0-9]*[1-9][0-9]*,-?[0-9.]+,-?[0-9.]+,[a-z_]+,[a-z_]+\n"})) << csv;
    // Without --funding: no payments, another report.
    const auto [prc, pout] = run_shell(backtest("plain", " --quiet 2>&1"));
    ASSERT_EQ(prc, 0) << pout;
    EXPECT_NE(read_file(dir_.path() / "plain" / "backtest.json"), json);
    // A bad funding file names the file and line.
    const auto bad = dir_.path() / "bad-funding.csv";
    tradebot::test::write_file(bad, "symbol,fundingTime,fundingRate\nBTCUSDT,1740960000000,0.0001\n"
                                    "BTCUSDT,1740961800000,0.0001\n");
    const auto [brc, bout] = run_shell(backtest("bad", " --funding " + bad.string() + " 2>&1"));
    EXPECT_EQ(brc, 2);
    EXPECT_NE(bout.find(bad.string() + ":3: funding time 1740961800000 is not on a whole hour"), std::string::npos) << bout;
    const auto [crc, both] = run_shell(backtest("both", " --funding " + bad.string() + " --funding-rate 0.0001 2>&1"));
    EXPECT_EQ(crc, 2);
    EXPECT_NE(both.find("--funding-rate (one rate) goes with neither --funding nor --scenario"), std::string::npos) << both;
}

TEST_F(backtest_cli, a_simulator_scenario_and_agg_trades_are_inputs) {
    // The simulator's default scenario (BTCUSDT, ETHUSDT, SOLUSDT ... at its own prices) for the
    // sample's two days, with the sample's signals: its instruments and funding.
    const auto scenario = repo_config() / "sim" / "default.yaml";
    const auto [src, sout] = run_shell(bin() + " backtest --quiet --scenario " + scenario.string() +
                                       " --from 2025-03-03T00:00:00Z --minutes 2880 --signals " +
                                       (data() / "signals.csv").string() + " --config " + repo_config().string() +
                                       " --out " + (dir_.path() / "scenario").string() + " 2>&1");
    ASSERT_EQ(src, 0) << sout;
    const auto json = read_file(dir_.path() / "scenario" / "backtest.json");
    EXPECT_NE(json.find("instruments as given (the scenario's"), std::string::npos) << json.substr(0, 3000);
    EXPECT_NE(json.find("funding from the recorded rates"), std::string::npos) << json.substr(0, 3000);
    EXPECT_NE(json.find("\"from\": \"2025-03-03T00:00:00Z\""), std::string::npos);
    EXPECT_NE(json.find("\"minutes\": 2880,"), std::string::npos);
    // The same scenario twice: the same report (the scenario's seed).
    const auto [src2, sout2] = run_shell(bin() + " backtest --quiet --scenario " + scenario.string() +
                                         " --minutes 2880 --signals " + (data() / "signals.csv").string() + " --config " +
                                         repo_config().string() + " --out " + (dir_.path() / "scenario2").string() + " 2>&1");
    ASSERT_EQ(src2, 0) << sout2;
    EXPECT_EQ(read_file(dir_.path() / "scenario2" / "backtest.json"), json);

    const auto csv = read_file(data() / "signals.csv");
    std::string btc = csv.substr(0, csv.find('\n') + 1);
    std::stringstream lines{csv};
    std::string line;
    while (std::getline(lines, line)) {
        if (line.find(",BTCUSDT,") != std::string::npos) btc += line + "\n";
    }
    tradebot::test::write_file(dir_.path() / "btc.csv", btc);
    // aggTrades: BTCUSDT trades written from the sample's klines (four a minute: open, high, low,
    // close, 15 s apart), read back as bars and replayed; a line per file read on stderr.
    std::string trades = "agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker\n";
    std::stringstream klines{read_file(data() / "klines" / "BTCUSDT-1m-2025-03.csv")};
    std::getline(klines, line);  // header
    long id = 0;
    while (std::getline(klines, line)) {
        std::stringstream f{line};
        std::vector<std::string> v;
        std::string x;
        while (std::getline(f, x, ',')) v.push_back(x);
        const long t = std::stol(v[0]);
        for (int k = 0; k < 4; ++k) {
            ++id;
            trades += std::to_string(id) + "," + v[1 + k] + ",1," + std::to_string(id) + "," + std::to_string(id) + "," +
                      std::to_string(t + k * 15'000) + ",true\n";
        }
    }
    tradebot::test::write_file(dir_.path() / "agg" / "BTCUSDT-aggTrades-2025-03.csv", trades);
    const auto [arc, aout] = run_shell(bin() + " backtest --agg-trades " + (dir_.path() / "agg").string() + " --signals " +
                                       (dir_.path() / "btc.csv").string() + " --config " + repo_config().string() +
                                       " --out " + (dir_.path() / "agg-out").string() + " 2>&1");
    ASSERT_EQ(arc, 0) << aout;
    EXPECT_NE(aout.find("backtest: read 1/1 aggTrades files"), std::string::npos) << aout;
    const auto agg_json = read_file(dir_.path() / "agg-out" / "backtest.json");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(agg_json, m, std::regex{"\"trades\": ([0-9]+),"}));
    EXPECT_GT(std::stoi(m[1]), 0) << agg_json.substr(0, 2000);
    const auto bad = dir_.path() / "bad-agg" / "BTCUSDT-aggTrades.csv";
    tradebot::test::write_file(bad, "1,100,1,1,1,1740960000000,true\n1,100,1,1,1,1740960000001,true\n");
    const auto [brc, bout] = run_shell(bin() + " backtest --agg-trades " + bad.string() + " --signals " +
                                       (dir_.path() / "btc.csv").string() + " --config " + repo_config().string() + " 2>&1");
    EXPECT_EQ(brc, 2);
    EXPECT_NE(bout.find(bad.string() + ":2: repeated agg_trade_id 1"), std::string::npos) << bout;
}

TEST_F(backtest_cli, bad_input_and_usage_errors_exit_2_with_a_message) {
    const auto bad = dir_.path() / "bad.csv";
    tradebot::test::write_file(bad, "timestamp,exchange,symbol,side,score_week,score_month\n"
                                    "2025-03-03T01:00:00Z,binance,NOSUCHUSDT,BUY,1,1\n");
    {
        const auto [rc, out] = run_shell(bin() + " backtest --klines " + (data() / "klines").string() + " --signals " +
                                         bad.string() + " --config " + repo_config().string() +
                                         " 2>&1");
        EXPECT_EQ(rc, 2);
        EXPECT_NE(out.find(bad.string() + ":2: no price data for NOSUCHUSDT"), std::string::npos) << out;
    }
    {
        const auto [rc, out] = run_shell(backtest("out", " --set no.such.key=1 2>&1"));
        EXPECT_EQ(rc, 2);
        EXPECT_NE(out.find("--set 'no.such.key=1'"), std::string::npos) << out;
    }
    {
        const auto [rc, out] = run_shell(backtest("out", " --intrabar sideways 2>&1"));
        EXPECT_EQ(rc, 2);
        EXPECT_NE(out.find("--intrabar must be worst, optimistic or ohlc"), std::string::npos) << out;
    }
    {
        const auto [rc, out] = run_shell(bin() + " backtest --help");
        EXPECT_EQ(rc, 0);
        EXPECT_NE(out.find("--klines"), std::string::npos) << out;
    }
}

}  // namespace

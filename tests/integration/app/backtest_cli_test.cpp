// `tradebot backtest` as people run it: the real binary on the sample data the repository's
// generator writes, with the repository's config/.
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "tradebot_test/env.hpp"
#include "tradebot_test/process.hpp"

namespace {

namespace fs = std::filesystem;
using tradebot::test::read_file;
using tradebot::test::run_shell;

class backtest_cli : public ::testing::Test {
protected:
    void SetUp() override {
        const auto [rc, out] = run_shell("python3 " + (tradebot::test::source_dir() / "scripts/gen-sample-data.py").string() +
                                         " --days 2 --symbols 3 --out " + data().string() + " 2>&1");
        ASSERT_EQ(rc, 0) << out;
    }

    fs::path data() const { return dir_.path() / "data"; }
    std::string bin() const { return tradebot::test::built_binary("src/bin/tradebot").string(); }
    std::string backtest(const std::string& out_dir, const std::string& extra = {}) const {
        return bin() + " backtest --klines " + (data() / "klines").string() + " --signals " +
               (data() / "signals.csv").string() + " --config " + (tradebot::test::source_dir() / "config").string() +
               " --out " + (dir_.path() / out_dir).string() + extra;
    }

    tradebot::test::temp_dir dir_;
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
    const std::regex row{"<tr class=\"trade\">"};
    EXPECT_EQ(std::distance(std::sregex_iterator(html.begin(), html.end(), row), std::sregex_iterator()), trades);
    EXPECT_NE(out.find("trades " + std::to_string(trades) + " "), std::string::npos) << out;

    // Again, with the same inputs: byte-identical JSON.
    const auto [rc2, out2] = run_shell(backtest("again", " --quiet 2>&1"));
    ASSERT_EQ(rc2, 0) << out2;
    EXPECT_EQ(read_file(dir_.path() / "again" / "backtest.json"), json);
}

TEST_F(backtest_cli, the_html_report_renders_in_a_headless_browser) {
    const auto [which_rc, chromium] = run_shell("command -v chromium");
    if (which_rc != 0) {
        GTEST_SKIP() << "Debian's chromium is not installed";
    }
    const auto [rc, out] = run_shell(backtest("out", " --quiet"));
    ASSERT_EQ(rc, 0) << out;
    const auto json = read_file(dir_.path() / "out" / "backtest.json");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(json, m, std::regex{"\"trades\": ([0-9]+),"}));
    const auto trades = std::stoi(m[1]);
    ASSERT_GT(trades, 0);
    // The page as the browser built it from disk (file://, no server, nothing else loaded).
    const auto page = "file://" + (dir_.path() / "out" / "backtest.html").string();
    const auto browser = "chromium --headless --no-sandbox --disable-gpu --user-data-dir=" +
                         (dir_.path() / "chromium").string() + " --window-size=1100,2000 ";
    const auto [drc, dom] = run_shell(browser + "--dump-dom " + page + " 2>/dev/null");
    ASSERT_EQ(drc, 0) << dom;
    const std::regex row{"<tr class=\"trade\">"};
    EXPECT_EQ(std::distance(std::sregex_iterator(dom.begin(), dom.end(), row), std::sregex_iterator()), trades);
    for (const char* curve : {"equity", "drawdown"}) {
        const std::regex path{std::string{"<path class=\""} + curve + "\" d=\"M[0-9.]+,[0-9.]+( L[0-9.]+,[0-9.]+){100,}\""};
        EXPECT_TRUE(std::regex_search(dom, path)) << curve << " curve missing or empty";
    }
    const auto shot = dir_.path() / "report.png";
    const auto [src, sout] = run_shell(browser + "--screenshot=" + shot.string() + " " + page);
    ASSERT_EQ(src, 0) << sout;
    ASSERT_TRUE(fs::exists(shot)) << sout;
    // A page of tables and two curves; a blank page compresses to a few KB.
    EXPECT_GT(fs::file_size(shot), 30'000U);
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
    const std::regex rect{"<rect class=\"cell\""};
    EXPECT_EQ(std::distance(std::sregex_iterator(html.begin(), html.end(), rect), std::sregex_iterator()), 4);
    const auto csv = read_file(dir_.path() / "two" / "grid.csv");
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5);
    const auto [brc, bout] = run_shell(backtest("bad", " --grid protection.stop_loss.percent=1, 2>&1"));
    EXPECT_EQ(brc, 2);
    EXPECT_NE(bout.find("--grid 'protection.stop_loss.percent=1,'"), std::string::npos) << bout;
}

TEST_F(backtest_cli, bad_input_and_usage_errors_exit_2_with_a_message) {
    const auto bad = dir_.path() / "bad.csv";
    tradebot::test::write_file(bad, "timestamp,exchange,symbol,side,score_week,score_month\n"
                                    "2025-03-03T01:00:00Z,binance,NOSUCHUSDT,BUY,1,1\n");
    {
        const auto [rc, out] = run_shell(bin() + " backtest --klines " + (data() / "klines").string() + " --signals " +
                                         bad.string() + " --config " + (tradebot::test::source_dir() / "config").string() +
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

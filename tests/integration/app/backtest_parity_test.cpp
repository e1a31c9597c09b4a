// Parity: the same signals and the same marks through paper trading (`tradebot --mode test`
// against tradebot-sim, PostgreSQL, the daemon's own clock) and through `tradebot backtest` (the
// manual clock, in memory) give the same trades: side, entry and exit price, quantity, the
// trading core's close reason, the trailing, the realized PnL. This is what shows the backtest
// runs the code that trades live, not a copy of it.
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "session_fixture.hpp"
#include "tradebot/core/decimal.hpp"

using namespace std::chrono_literals;
using tradebot::test::read_file;
using tradebot::test::run_shell;

namespace {

// One closed position, from either side, in the same words.
struct parity_trade {
    std::string side;
    tradebot::core::decimal entry;
    tradebot::core::decimal exit;
    tradebot::core::decimal qty;
    tradebot::core::decimal gross;
    std::string reason;  // the trading core's close reason
    bool trailed = false;
    bool operator==(const parity_trade&) const = default;
};

std::ostream& operator<<(std::ostream& o, const parity_trade& t) {
    return o << t.side << " " << t.entry.to_string() << " -> " << t.exit.to_string() << " x " << t.qty.to_string()
             << " gross " << t.gross.to_string() << " " << t.reason << (t.trailed ? " trailed" : "");
}

tradebot::core::decimal parity_dec(const std::string& s) {
    const auto d = tradebot::core::decimal::parse(s);
    EXPECT_TRUE(d.has_value()) << "'" << s << "'";
    return d.value_or(tradebot::core::decimal{}).normalized();
}

std::vector<std::string> parity_fields(const std::string& line, char sep) {
    std::vector<std::string> out;
    std::stringstream in{line};
    std::string f;
    while (std::getline(in, f, sep)) out.push_back(f);
    return out;
}

class backtest_parity : public tradebot::test::session_test {
protected:
    // The market both runs see: PARUSDT, tick and step 0.01, a constant price that only the
    // test moves, one tick either side of it (the paper venue's bid/ask: mark -/+ one tick).
    void load_market() {
        const auto scenario = dir_.path() / "parity.yaml";
        tradebot::test::write_file(scenario, "name: parity\nseed: 1\ntick_ms: 250\nsymbols:\n"
                                             "  - symbol: PARUSDT\n    price: \"100.00\"\n    tick_size: \"0.01\"\n"
                                             "    step_size: \"0.01\"\n    min_qty: \"0.01\"\n    min_notional: \"5\"\n"
                                             "    spread_ticks: 2\n    funding_rate: \"0\"\n    model: constant\n");
        const auto [rc, out] = sim_.control(sim_.binance_port(), "POST", "/sim/scenario",
                                            R"({"file":")" + scenario.string() + R"("})");
        ASSERT_EQ(rc, 200) << out;
    }

    void set_price(const std::string& price) {
        const auto [rc, out] = sim_.control(sim_.binance_port(), "POST", "/sim/price",
                                            R"({"symbol":"PARUSDT","price":")" + price + R"("})");
        ASSERT_EQ(rc, 200) << out;
    }

    [[nodiscard]] std::string sql(const std::string& query) const {
        const auto [rc, out] = run_shell("psql -tA '" + pg_url_ + "' -c \"" + query + "\"");
        EXPECT_EQ(rc, 0) << out;
        return out;
    }

    // Polls `query` until it prints `expected` (20 s at most).
    bool wait_sql(const std::string& query, const std::string& expected) const {
        for (int i = 0; i < 200; ++i) {
            if (sql(query) == expected) return true;
            std::this_thread::sleep_for(100ms);
        }
        return false;
    }

    std::vector<parity_trade> paper_trades() const {
        std::vector<parity_trade> out;
        std::stringstream rows{sql("SELECT side, entry_price, exit_price, qty, realized_pnl, close_reason, trailing_activated "
                                   "FROM " + schema_ + ".positions WHERE state = 'closed' ORDER BY id")};
        std::string line;
        while (std::getline(rows, line)) {
            const auto f = parity_fields(line, '|');
            if (f.size() < 7) continue;
            out.push_back({f[0], parity_dec(f[1]), parity_dec(f[2]), parity_dec(f[3]), parity_dec(f[4]), f[5], f[6] == "t"});
        }
        return out;
    }

    static std::vector<parity_trade> backtest_trades(const std::string& csv) {
        // position,signal,exchange,symbol,side,entry_time,entry_price,exit_time,exit_price,quantity,fee,
        // funding,gross_pnl,net_pnl,exit_reason,core_reason
        std::vector<parity_trade> out;
        std::stringstream rows{csv};
        std::string line;
        std::getline(rows, line);  // header
        while (std::getline(rows, line)) {
            const auto f = parity_fields(line, ',');
            if (f.size() < 16) continue;
            out.push_back({f[4], parity_dec(f[6]), parity_dec(f[8]), parity_dec(f[9]), parity_dec(f[12]), f[15], f[14] == "trailing_stop"});
        }
        return out;
    }

    // Both runs' market and configuration: both venues on the simulator, signals acted on at once.
    void set_up_session() {
        load_market();
        write_exchanges();
        write_main(pg_url_);
        write_immediate_strategy();
    }

    // A 1-minute bar of one price (the marks set by hand), `minute` after 2025-01-01T00:00:00Z.
    static std::string bar_row(int minute, const std::string& price) {
        constexpr std::int64_t start_ms = 1'735'689'600'000;
        return std::to_string(start_ms + minute * 60'000LL) + "," + price + "," + price + "," + price + "," + price +
               ",1000\n";
    }

    // `tradebot backtest --intrabar ohlc` on the bars and the signals (CSV rows without the
    // headers), with the session's configuration; its trades CSV.
    std::string run_backtest(const std::string& bars, const std::string& signal_rows) const {
        tradebot::test::write_file(dir_.path() / "data" / "PARUSDT-1m.csv", "open_time,open,high,low,close,volume\n" + bars);
        tradebot::test::write_file(dir_.path() / "signals.csv",
                                   "id,timestamp,received_at,exchange,symbol,side,score_week,score_month\n" + signal_rows);
        const auto out_dir = dir_.path() / "backtest-out";
        const auto [rc, out] = run_shell(bin() + " backtest --quiet --intrabar ohlc --klines " + (dir_.path() / "data").string() +
                                         " --signals " + (dir_.path() / "signals.csv").string() + " --config " +
                                         config_dir().string() + " --out " + out_dir.string() + " 2>&1");
        EXPECT_EQ(rc, 0) << out;
        return rc == 0 ? read_file(out_dir / "backtest-trades.csv") : std::string{};
    }
};

TEST_F(backtest_parity, paper_trading_over_the_simulator_and_the_backtest_make_the_same_trades) {
    set_up_session();

    // --- paper trading: the daemon against tradebot-sim, the marks set by hand -------------------
    auto bot = start("paper", "test");
    ASSERT_TRUE(wait_ready(*bot)) << bot->output();
    const std::string positions = "SELECT count(*) FROM " + schema_ + ".positions WHERE state = '";
    // 1. A long at 100.00; +3 % activates the trailing stop (1.5 %), which moves to 0.5 % under
    //    103.00; back at 101.50 the moved stop fires.
    insert_signals({"'binance', 'PARUSDT', 'buy', 80, 80"});
    ASSERT_TRUE(wait_sql(positions + "protected'", "1\n")) << bot->output();
    set_price("103.00");
    ASSERT_TRUE(wait_sql("SELECT trailing_activated FROM " + schema_ + ".positions", "t\n")) << bot->output();
    set_price("101.50");
    ASSERT_TRUE(wait_sql(positions + "closed'", "1\n")) << bot->output();
    // 2. A short at 101.50; 104.00 is past its 2 % stop.
    insert_signals({"'binance', 'PARUSDT', 'sell', 80, 80"});
    ASSERT_TRUE(wait_sql(positions + "protected'", "1\n")) << bot->output();
    set_price("104.00");
    ASSERT_TRUE(wait_sql(positions + "closed'", "2\n")) << bot->output();
    const auto paper = paper_trades();
    bot->send_signal(SIGTERM);
    ASSERT_TRUE(bot->wait_exit(15s).has_value()) << bot->output();

    // --- the backtest: the same marks as 1-minute bars, the same signals, the same config --------
    // The backtest derives the tick from the data: the first minute at 99.99 shows 0.01.
    std::map<int, std::string> path{{0, "99.99"}, {1, "100.00"}, {31, "103.00"}, {32, "101.50"}, {46, "104.00"}};
    std::string price;
    std::string bars;
    for (int m = 0; m < 50; ++m) {
        if (path.contains(m)) price = path[m];
        bars += bar_row(m, price);
    }
    // Decided at 00:30 (mark 100.00) and 00:45 (mark 101.50), as the daemon decided them at once.
    const auto csv = run_backtest(bars, "1,2025-01-01T00:15:00Z,2025-01-01T00:30:00Z,binance,PARUSDT,BUY,80,80\n"
                                        "2,2025-01-01T00:30:00Z,2025-01-01T00:45:00Z,binance,PARUSDT,SELL,80,80\n");
    const auto backtest = backtest_trades(csv);

    // The hand-computed trades: long 2.00 at the ask 100.01, the stop trailed to 102.49, filled at
    // the bid 101.49 (gross 2.96); short 1.97 (200 / 101.50) at the bid 101.49, stop 2 % above,
    // filled at the ask 104.01 when the mark reaches 104.00 (gross -4.9644).
    ASSERT_EQ(paper.size(), 2U) << bot->output();
    EXPECT_EQ(paper[0], (parity_trade{"long", parity_dec("100.01"), parity_dec("101.49"), parity_dec("2"), parity_dec("2.96"), "closed_on_venue", true}));
    EXPECT_EQ(paper[1].side, "short");
    EXPECT_EQ(paper[1].entry, parity_dec("101.49"));
    EXPECT_EQ(paper[1].exit, parity_dec("104.01"));
    EXPECT_FALSE(paper[1].trailed);
    EXPECT_EQ(backtest, paper) << csv << bot->output();
}

// The same on Bybit, with an aged exit: a long held past protection.aged.max_age_hours (3 h) in
// profit but short of the trailing activation closes at market (aged_breakeven: the mark is past
// the breakeven target, entry x (1 + 2 x 0.05 %)). The daemon's position is aged as an operator's
// would be after hours: stopped, its opened_at moved 4 h back, started again; the backtest holds it
// 3 h of bars.
TEST_F(backtest_parity, bybit_and_an_aged_exit_make_the_same_trades) {
    set_up_session();

    auto bot = start("paper", "test");
    ASSERT_TRUE(wait_ready(*bot)) << bot->output();
    const std::string positions = "SELECT count(*) FROM " + schema_ + ".positions WHERE state = '";
    insert_signals({"'bybit', 'PARUSDT', 'buy', 80, 80"});
    ASSERT_TRUE(wait_sql(positions + "protected'", "1\n")) << bot->output();
    set_price("100.50");
    ASSERT_EQ(sql("SELECT exchange || ' ' || trailing_activated FROM " + schema_ + ".positions"), "bybit false\n");
    bot->send_signal(SIGTERM);
    ASSERT_TRUE(bot->wait_exit(15s).has_value()) << bot->output();
    EXPECT_EQ(sql("UPDATE " + schema_ + ".positions SET opened_at = opened_at - interval '4 hours'"), "UPDATE 1\n");
    auto again = start("paper-again", "test");
    ASSERT_TRUE(wait_ready(*again)) << again->output();
    set_price("100.50");  // a mark for the restarted daemon to judge the age on
    ASSERT_TRUE(wait_sql(positions + "closed'", "1\n")) << again->output();
    const auto paper = paper_trades();
    again->send_signal(SIGTERM);
    ASSERT_TRUE(again->wait_exit(15s).has_value()) << again->output();

    std::string bars;
    for (int m = 0; m < 240; ++m) bars += bar_row(m, m == 0 ? "99.99" : m <= 30 ? "100.00" : "100.50");
    const auto csv = run_backtest(bars, "1,2025-01-01T00:15:00Z,2025-01-01T00:30:00Z,bybit,PARUSDT,BUY,80,80\n");
    const auto backtest = backtest_trades(csv);

    // Long 2.00 at the ask 100.01, closed at the bid 100.49 (gross 0.96), the trailing untouched.
    ASSERT_EQ(paper.size(), 1U) << again->output();
    EXPECT_EQ(paper[0], (parity_trade{"long", parity_dec("100.01"), parity_dec("100.49"), parity_dec("2"), parity_dec("0.96"), "aged_breakeven", false}));
    EXPECT_EQ(backtest, paper) << csv << again->output();
    EXPECT_NE(csv.find(",bybit,PARUSDT,long,2025-01-01T00:30:00Z,"), std::string::npos) << csv;
    EXPECT_NE(csv.find(",2025-01-01T03:30:00Z,100.49,"), std::string::npos) << csv;  // aged at 3 h
}

}  // namespace

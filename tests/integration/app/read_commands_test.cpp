// The operator's read-only commands (positions, orders, signals, status) as an operator runs them:
// the real tradebot binary against tradebot-sim (production mode on the simulator's account) and
// PostgreSQL, with a daemon running and without one. What each printed (text and --json), that it
// wrote nothing and took no lock, and that a position the venue changed behind the book is marked.
#include <csignal>
#include <string>

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include "session_fixture.hpp"

using namespace std::chrono_literals;
using tradebot::test::child_process;
using tradebot::test::run_shell;

namespace {

class read_commands_test : public tradebot::test::session_test {
protected:
    void configure() override {
        write_production();
        write_immediate_strategy("protection:\n  aged:\n    max_age_hours: 5\n");
    }

    // Every row of the tables a read command could write, as one text (compared before and after).
    std::string table_state() const {
        return sql(
            "SELECT (SELECT count(*) FROM events) || ' ' || (SELECT coalesce(max(updated_at)::text, '-') FROM "
            "positions) || ' ' || (SELECT coalesce(max(updated_at)::text, '-') FROM orders) || ' ' || (SELECT "
            "count(*) FROM signals WHERE claimed_by IS NOT NULL OR status <> 'new')"
        );
    }
};

const boost::json::object* row_of(const boost::json::object& a, const char* list, const std::string& symbol) {
    for (const auto& r : a.at(list).as_array()) {
        if (r.at("symbol").as_string() == symbol) {
            return &r.as_object();
        }
    }
    return nullptr;
}

}  // namespace

TEST_F(read_commands_test, positions_orders_signals_and_status_read_the_book_and_the_venues_and_mark_a_mismatch) {
    auto bot = start_daemon("bot");
    ASSERT_TRUE(wait_ready(*bot)) << bot->output();
    insert_signals({"'binance', 'BTCUSDT', 'buy', 80, 80", "'bybit', 'ETHUSDT', 'sell', 80, 80"});
    for (int i = 0; i < 150 && sql("SELECT count(*) FROM positions WHERE state = 'protected'") != "2\n"; ++i) {
        bot->wait_exit(100ms);
    }
    ASSERT_EQ(sql("SELECT count(*) FROM positions WHERE state = 'protected'"), "2\n") << bot->output();
    const auto btc_id = std::stoll(sql("SELECT id FROM positions WHERE symbol = 'BTCUSDT'"));
    // The daemon writes its audit rows of the entries within a second; then nothing until a change.
    for (int i = 0; i < 50 && sql("SELECT count(*) FROM events WHERE type = 'position_opened'") != "2\n"; ++i) {
        bot->wait_exit(100ms);
    }
    const auto before = table_state();

    // positions, while the daemon runs: both rows, the venue's size, entry, mark and stop agree.
    auto a = json_of("positions", 0);
    ASSERT_EQ(a.at("positions").as_array().size(), 2U) << a;
    EXPECT_EQ(a.at("mismatches").as_int64(), 0) << a;
    const auto* btc = row_of(a, "positions", "BTCUSDT");
    ASSERT_NE(btc, nullptr) << a;
    EXPECT_EQ(btc->at("exchange").as_string(), "binance");
    EXPECT_EQ(btc->at("id").as_int64(), btc_id);
    EXPECT_EQ(btc->at("state").as_string(), "protected");
    EXPECT_EQ(btc->at("side").as_string(), "long");
    EXPECT_EQ(btc->at("venue_side").as_string(), "long");
    EXPECT_EQ(boost::json::serialize(btc->at("qty")), boost::json::serialize(btc->at("venue_qty"))) << a;
    // The same price, each as its source spells it (the venue drops trailing zeros).
    EXPECT_EQ(
        std::stod(std::string{btc->at("venue_stop").as_string()}), std::stod(std::string{btc->at("stop").as_string()})
    ) << a;
    EXPECT_TRUE(btc->at("mark").is_string()) << a;
    EXPECT_TRUE(btc->at("unrealized_pnl").is_string()) << a;
    EXPECT_FALSE(btc->at("trailing").as_bool());
    EXPECT_TRUE(btc->at("mismatch").as_array().empty()) << a;
    EXPECT_GE(btc->at("age_seconds").as_int64(), 0);
    const auto* eth = row_of(a, "positions", "ETHUSDT");
    ASSERT_NE(eth, nullptr) << a;
    EXPECT_EQ(eth->at("exchange").as_string(), "bybit");
    EXPECT_EQ(eth->at("venue_side").as_string(), "short");

    // --exchange and --age: one venue; the aged-exit time is opened_at + protection.aged.max_age_hours.
    a = json_of("positions --exchange bybit --age", 0);
    ASSERT_EQ(a.at("positions").as_array().size(), 1U) << a;
    EXPECT_EQ(
        sql("SELECT to_char((opened_at + interval '5 hours') AT TIME ZONE 'UTC', "
            "'YYYY-MM-DD\\\"T\\\"HH24:MI:SS\\\"Z\\\"') FROM positions WHERE symbol = 'ETHUSDT'"),
        std::string{a.at("positions").at(0).at("aged_exit_at").as_string()} + "\n"
    );
    EXPECT_EQ(a.at("positions").at(0).at("aged_phase").as_string(), "none");
    auto [rc, out] = tradebot("positions --age");
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("positions (production): 2 open, 0 disagreeing"), std::string::npos) << out;
    EXPECT_NE(out.find("AGED EXIT AT"), std::string::npos) << out;
    EXPECT_NE(out.find("BTCUSDT"), std::string::npos) << out;

    // orders: the journal (entry and stop of each position) and the venue's open stops, all known.
    a = json_of("orders --position " + std::to_string(btc_id), 0);
    std::set<std::string> purposes;
    for (const auto& o : a.at("orders").as_array()) {
        EXPECT_EQ(o.at("position_id").as_int64(), btc_id);
        purposes.insert(std::string{o.at("purpose").as_string()});
    }
    EXPECT_TRUE(purposes.contains("entry") && purposes.contains("stop")) << a;
    a = json_of("orders --open", 0);
    EXPECT_GE(a.at("orders").as_array().size(), 4U) << a;
    ASSERT_FALSE(a.at("open").as_array().empty()) << a;
    bool binance_stop = false;
    for (const auto& o : a.at("open").as_array()) {
        EXPECT_TRUE(o.at("in_journal").as_bool()) << o;
        binance_stop =
            binance_stop || (o.at("exchange").as_string() == "binance" && o.at("kind").as_string() == "stop");
    }
    EXPECT_TRUE(binance_stop) << a;
    std::tie(rc, out) = tradebot("orders --open");
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("open on the venues (ours):"), std::string::npos) << out;
    EXPECT_NE(out.find("journal "), std::string::npos) << out;

    // signals: both taken; immediate mode has no waves.
    a = json_of("signals query --status taken", 0);
    EXPECT_EQ(a.at("signals").as_array().size(), 2U) << a;
    for (const auto& r : a.at("signals").as_array()) {
        EXPECT_EQ(r.at("status").as_string(), "taken") << a;
        EXPECT_TRUE(r.at("position_id").is_int64()) << a;
    }
    a = json_of("signals waves", 0);
    EXPECT_TRUE(a.at("immediate").as_bool());
    std::tie(rc, out) = tradebot("signals waves");
    EXPECT_NE(out.find("immediate"), std::string::npos) << out;

    // status: the running instance's /status.
    a = json_of("status", 0);
    EXPECT_FALSE(a.empty());
    std::tie(rc, out) = tradebot("status");
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("tradebot instance pid"), std::string::npos) << out;

    // None of it wrote a row, took the lock or disturbed the daemon.
    EXPECT_EQ(table_state(), before) << sql("SELECT type, message, data FROM events");
    EXPECT_FALSE(bot->wait_exit(10ms).has_value());
    bot->send_signal(SIGTERM);
    ASSERT_TRUE(bot->wait_exit(10s).has_value());

    std::tie(rc, out) = tradebot("status");
    EXPECT_EQ(rc, 4) << out;
    EXPECT_NE(out.find("no tradebot instance is running"), std::string::npos) << out;

    // The venue changes behind the book: the BTCUSDT position doubles on the simulator.
    const auto qty = sql("SELECT qty FROM positions WHERE symbol = 'BTCUSDT'");
    const auto [orc, order] = binance_signed(
        "POST",
        "/fapi/v1/order",
        "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=" + qty.substr(0, qty.size() - 1) + "&newOrderRespType=RESULT"
    );
    ASSERT_EQ(orc, 0) << order;
    a = json_of("positions", 5);
    EXPECT_EQ(a.at("mismatches").as_int64(), 1) << a;
    btc = row_of(a, "positions", "BTCUSDT");
    ASSERT_NE(btc, nullptr) << a;
    ASSERT_EQ(btc->at("mismatch").as_array().size(), 1U) << a;
    EXPECT_EQ(btc->at("mismatch").at(0).at("kind").as_string(), "quantity_differs") << a;
    EXPECT_TRUE(row_of(a, "positions", "ETHUSDT")->at("mismatch").as_array().empty()) << a;
    std::tie(rc, out) = tradebot("positions");
    EXPECT_EQ(rc, 5) << out;
    EXPECT_NE(out.find("MISMATCH quantity_differs"), std::string::npos) << out;
    EXPECT_NE(out.find("binance BTCUSDT quantity_differs: db"), std::string::npos) << out;

    // signals check: what the next decision would take and why the others are skipped.
    insert_signals(
        {"'binance', 'BTCUSDT', 'buy', 90, 90",
         "'binance', 'SOLUSDT', 'buy', 70, 70",
         "'binance', 'ETHUSDT', 'NO_TRADE', 70, 70"}
    );
    a = json_of("signals check", 0);
    ASSERT_EQ(a.at("exchanges").as_array().size(), 1U) << a;
    const auto& binance = a.at("exchanges").at(0).as_object();
    ASSERT_EQ(binance.at("selected").as_array().size(), 1U) << a;
    EXPECT_EQ(binance.at("selected").at(0).at("symbol").as_string(), "SOLUSDT") << a;
    EXPECT_EQ(binance.at("selected").at(0).at("verdict").as_string(), "take") << a;
    ASSERT_EQ(binance.at("skipped").as_array().size(), 1U) << a;
    EXPECT_EQ(binance.at("skipped").at(0).at("symbol").as_string(), "BTCUSDT");
    EXPECT_EQ(binance.at("skipped").at(0).at("reason").as_string(), "already_open");
    ASSERT_EQ(a.at("invalid").as_array().size(), 1U) << a;
    EXPECT_EQ(a.at("invalid").at(0).at("reason").as_string(), "bad_side");
    std::tie(rc, out) = tradebot("signals");
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("TAKE"), std::string::npos) << out;
    EXPECT_NE(out.find("SOLUSDT"), std::string::npos) << out;
    EXPECT_NE(out.find("skip    #"), std::string::npos) << out;
    EXPECT_NE(out.find("already_open"), std::string::npos) << out;
    EXPECT_NE(out.find("bad_side"), std::string::npos) << out;
    // Still nothing claimed or decided by the check.
    EXPECT_EQ(sql("SELECT count(*) FROM signals WHERE status = 'new' AND claimed_by IS NULL"), "3\n");
    a = json_of("signals query --status new --since 1h", 0);
    EXPECT_EQ(a.at("signals").as_array().size(), 3U) << a;
}

TEST_F(read_commands_test, positions_all_lists_closed_rows_and_a_database_failure_is_exit_1) {
    const auto [mrc, migrated] = tradebot("db migrate");
    ASSERT_EQ(mrc, 0) << migrated;
    sql("INSERT INTO positions (exchange, symbol, side, mode, state, qty, entry_price, exit_price, opened_at, "
        "closed_at, close_reason, realized_pnl) VALUES ('binance', 'XRPUSDT', 'long', 'production', 'closed', 10, 1, "
        "1.1, now() - interval '3 hours', now() - interval '1 hour', 'trailing_stop', 1), ('binance', 'ADAUSDT', "
        "'long', 'production', 'closed', 10, 1, 1.1, now() - interval '5 days', now() - interval '4 days', "
        "'aged_profit', 1)");
    auto a = json_of("positions --all", 0);
    EXPECT_TRUE(a.at("positions").as_array().empty()) << a;
    ASSERT_EQ(a.at("closed").as_array().size(), 1U) << a;
    EXPECT_EQ(a.at("closed").at(0).at("symbol").as_string(), "XRPUSDT");
    EXPECT_EQ(a.at("closed").at(0).at("realized_pnl").as_string(), "1");
    a = json_of("positions --all --since 7d", 0);
    EXPECT_EQ(a.at("closed").as_array().size(), 2U) << a;
    auto [rc, out] = tradebot("positions --all");
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("trailing_stop"), std::string::npos) << out;

    // Waves: the next ones at the configured minutes, each trading the candle closed before it.
    const auto [src, sed] = run_shell(
        "sed -i 's/immediate: true/immediate: false\\n  wave_minutes: [7, 37]/' " +
        (dir_.path() / "config" / "strategies.yaml").string()
    );
    ASSERT_EQ(src, 0) << sed;
    a = json_of("signals waves", 0);
    EXPECT_FALSE(a.at("immediate").as_bool()) << a;
    ASSERT_EQ(a.at("next").as_array().size(), 4U) << a;
    for (const auto& w : a.at("next").as_array()) {
        const std::string at{w.at("at").as_string()};
        EXPECT_TRUE(at.substr(13, 6) == ":07:00" || at.substr(13, 6) == ":37:00") << a;
    }
    std::tie(rc, out) = tradebot("signals waves");
    EXPECT_NE(out.find("waves at minutes [7,37]"), std::string::npos) << out;
    // The check names the wave it looks at; no row is pending.
    a = json_of("signals check", 0);
    ASSERT_TRUE(a.at("wave").is_object()) << a;
    const std::string wave_at{a.at("wave").at("at").as_string()};
    EXPECT_TRUE(wave_at.substr(13, 6) == ":07:00" || wave_at.substr(13, 6) == ":37:00") << a;
    EXPECT_TRUE(a.at("exchanges").as_array().empty()) << a;

    // A wave every minute: one is always open, trading the candle before the current one. A row of
    // that candle is taken by it, a row of the current candle waits for a later wave.
    std::string minutes;
    for (int m = 0; m < 60; ++m) {
        minutes += (m == 0 ? "" : ", ") + std::to_string(m);
    }
    std::tie(rc, out) = run_shell(
        "sed -i 's/wave_minutes: \\[7, 37\\]/wave_minutes: [" + minutes + "]/' " +
        (dir_.path() / "config" / "strategies.yaml").string()
    );
    ASSERT_EQ(rc, 0) << out;
    bool checked = false;
    for (int attempt = 0; attempt < 2 && !checked; ++attempt) {
        sql("DELETE FROM signals");
        const auto candle = std::string{json_of("signals check", 0).at("wave").at("candle_open").as_string()};
        sql("INSERT INTO signals (exchange, symbol, side, score_week, score_month, candle_time) VALUES "
            "('binance', 'BTCUSDT', 'buy', 60, 60, '" +
            candle +
            "'), ('binance', 'ETHUSDT', 'buy', 90, 90, "
            "date_trunc('hour', now()) + floor(extract(minute from now()) / 15) * interval '15 min')");
        a = json_of("signals check", 0);
        if (a.at("wave").at("candle_open").as_string() != candle) {
            continue;  // a 15-minute boundary passed in between: the next wave trades another candle
        }
        EXPECT_TRUE(a.at("wave_open").as_bool()) << a;
        ASSERT_EQ(a.at("exchanges").as_array().size(), 1U) << a;
        const auto& chosen = a.at("exchanges").at(0).at("selected").as_array();
        ASSERT_EQ(chosen.size(), 1U) << a;
        EXPECT_EQ(chosen.at(0).at("symbol").as_string(), "BTCUSDT") << a;
        ASSERT_EQ(a.at("later").as_array().size(), 1U) << a;
        EXPECT_EQ(a.at("later").at(0).at("symbol").as_string(), "ETHUSDT") << a;
        std::tie(rc, out) = tradebot("signals check");
        EXPECT_NE(out.find("wave open now: "), std::string::npos) << out;
        EXPECT_NE(out.find("belongs to a later wave"), std::string::npos) << out;
        checked = true;
    }
    EXPECT_TRUE(checked) << "two 15-minute boundaries within seconds";

    tradebot::test::write_file(
        dir_.path() / "config" / "tradebot.yaml",
        run_shell(
            "sed 's#url: .*#url: postgresql://nobody@127.0.0.1:1/none#' " +
            (dir_.path() / "config" / "tradebot.yaml").string()
        )
            .second
    );
    for (const char* cmd : {"positions", "orders", "signals check", "signals query"}) {
        std::tie(rc, out) = tradebot(cmd);
        EXPECT_EQ(rc, 1) << cmd << "\n" << out;
        EXPECT_NE(out.find("database"), std::string::npos) << cmd << "\n" << out;
    }
}

TEST_F(read_commands_test, test_mode_shows_the_paper_book_with_live_marks_and_says_where_the_open_orders_are) {
    const auto [src, sed] =
        run_shell("sed -i 's/  mode: production/  mode: test/' " + (dir_.path() / "config" / "tradebot.yaml").string());
    ASSERT_EQ(src, 0) << sed;
    auto bot = start_daemon("bot");
    ASSERT_TRUE(wait_ready(*bot)) << bot->output();
    insert_signals({"'binance', 'BTCUSDT', 'buy', 80, 80", "'bybit', 'ETHUSDT', 'sell', 80, 80"});
    for (int i = 0; i < 150 && sql("SELECT count(*) FROM positions WHERE state = 'protected'") != "2\n"; ++i) {
        bot->wait_exit(100ms);
    }
    ASSERT_EQ(sql("SELECT count(*) FROM positions WHERE state = 'protected' AND mode = 'test'"), "2\n")
        << bot->output();
    auto a = json_of("positions", 0);
    EXPECT_EQ(a.at("mode").as_string(), "test");
    ASSERT_EQ(a.at("positions").as_array().size(), 2U) << a;
    for (const auto& p : a.at("positions").as_array()) {
        EXPECT_TRUE(p.at("mark").is_string()) << p;  // the market data's mark (here the simulator's)
        EXPECT_TRUE(p.at("unrealized_pnl").is_string()) << p;
        EXPECT_TRUE(p.at("mismatch").as_array().empty()) << p;
        EXPECT_FALSE(p.as_object().contains("venue_qty")) << p;
    }
    auto [rc, out] = tradebot("positions");
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("paper: the venue is the book"), std::string::npos) << out;
    a = json_of("orders --open", 0);
    EXPECT_TRUE(a.at("open").as_array().empty()) << a;
    EXPECT_NE(std::string{a.at("open_note").as_string()}.find("paper venue"), std::string::npos) << a;
    EXPECT_EQ(a.at("orders").as_array().size(), 4U) << a;
    bot->send_signal(SIGTERM);
    ASSERT_TRUE(bot->wait_exit(10s).has_value());
}

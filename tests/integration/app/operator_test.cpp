// The operator's mutating commands as an operator runs them: the real tradebot binary against
// tradebot-sim (production mode on the simulator's account) and PostgreSQL, with and without a
// running daemon. What each printed, what it changed on the venues (the simulator's state) and in
// the database.
#include <csignal>
#include <sstream>
#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "session_fixture.hpp"

using namespace std::chrono_literals;
using tradebot::test::child_process;
using tradebot::test::run_shell;

namespace {

constexpr const char* token = "op-token-5f1c9a";

class operator_test : public tradebot::test::session_test {
protected:
    void configure() override {
        control_port_ = tradebot::test::free_port();
        write_production("control:\n  port: " + std::to_string(control_port_) + "\n  token: " + token + "\n");
        write_immediate_strategy();
    }

    // The simulator's state of one venue: engine.{accounts[].positions, open_orders, open_conditionals}.
    boost::json::object engine(int port) {
        const auto [rc, state] = sim_.control(port, "GET", "/sim/state", "");
        EXPECT_EQ(rc, 200) << state;
        return boost::json::parse(state).at("engine").as_object();
    }

    static std::size_t positions_of(const boost::json::object& e) {
        std::size_t n = 0;
        for (const auto& a : e.at("accounts").as_array()) {
            n += a.at("positions").as_array().size();
        }
        return n;
    }

    std::pair<int, std::string> binance_order(const std::string& params) const {
        return binance_signed("POST", "/fapi/v1/order", params);
    }

    // Opens a protected position on each of binance BTCUSDT and bybit ETHUSDT through the daemon.
    void open_two(child_process& bot) {
        insert_signals({"'binance', 'BTCUSDT', 'buy', 80, 80", "'bybit', 'ETHUSDT', 'sell', 80, 80"});
        for (int i = 0; i < 150; ++i) {
            if (sql("SELECT count(*) FROM positions WHERE state = 'protected'") == "2\n") {
                return;
            }
            bot.wait_exit(100ms);
        }
        FAIL() << "two positions were not protected\n" << bot.output();
    }

    unsigned short control_port_ = 0;
};

// The last line of `out` that is a JSON object: the command's --json answer.
boost::json::object answer_of(const std::string& out) {
    std::size_t end = out.size();
    while (end > 0) {
        const auto begin = out.rfind('\n', end - 1);
        const auto line = out.substr(begin == std::string::npos ? 0 : begin + 1,
                                     end - (begin == std::string::npos ? 0 : begin + 1));
        if (line.starts_with("{")) {
            return boost::json::parse(line).as_object();
        }
        if (begin == std::string::npos) {
            break;
        }
        end = begin;
    }
    ADD_FAILURE() << "no JSON answer in:\n" << out;
    return {};
}

}  // namespace

TEST_F(operator_test, close_all_without_a_daemon_leaves_nothing_of_ours_on_either_venue) {
    {
        auto bot = start_daemon("bot");
        ASSERT_TRUE(wait_ready(*bot)) << bot->output();
        open_two(*bot);
        ASSERT_FALSE(HasFailure());
        bot->send_signal(SIGTERM);
        ASSERT_TRUE(bot->wait_exit(10s).has_value());
    }
    ASSERT_EQ(positions_of(engine(sim_.binance_port())), 1U);
    ASSERT_EQ(engine(sim_.binance_port()).at("open_conditionals").as_array().size(), 1U);
    ASSERT_EQ(positions_of(engine(sim_.bybit_port())), 1U);

    // Destructive without --yes and without a terminal: refused, nothing done.
    auto [rc, out] = tradebot("close --all");
    EXPECT_EQ(rc, 3) << out;
    EXPECT_NE(out.find("stdin is not a terminal"), std::string::npos) << out;
    EXPECT_EQ(positions_of(engine(sim_.binance_port())), 1U);

    std::tie(rc, out) = tradebot("close --all --yes --json");
    ASSERT_EQ(rc, 0) << out;
    const auto a = answer_of(out);
    EXPECT_EQ(a.at("via").as_string(), "direct") << out;
    EXPECT_EQ(a.at("positions").as_array().size(), 2U) << out;
    for (const auto port : {sim_.binance_port(), sim_.bybit_port()}) {
        const auto e = engine(port);
        EXPECT_EQ(positions_of(e), 0U) << boost::json::serialize(e);
        EXPECT_TRUE(e.at("open_orders").as_array().empty()) << boost::json::serialize(e);
        EXPECT_TRUE(e.at("open_conditionals").as_array().empty()) << boost::json::serialize(e);
    }
    EXPECT_EQ(sql("SELECT exchange, state, close_reason, exit_price IS NOT NULL FROM positions ORDER BY exchange"),
              "binance|closed|manual_close|t\nbybit|closed|manual_close|t\n");
    EXPECT_EQ(sql("SELECT count(*) FROM events WHERE type = 'manual_close'"), "2\n");
    EXPECT_EQ(sql("SELECT message, data->>'via' FROM events WHERE type = 'operator_command'"), "close done|direct\n");
    EXPECT_EQ(out.find(token), std::string::npos);

    // Nothing left: the same command again closes nothing and says so.
    std::tie(rc, out) = tradebot("close BTCUSDT --yes");
    EXPECT_EQ(rc, 1) << out;
    EXPECT_NE(out.find("no open position of BTCUSDT"), std::string::npos) << out;
}

TEST_F(operator_test, commands_while_the_daemon_runs_go_through_its_endpoint_and_a_wrong_token_is_refused) {
    auto bot = start_daemon("bot");
    ASSERT_TRUE(wait_ready(*bot)) << bot->output();
    ASSERT_TRUE(bot->wait_output("msg=\"control endpoint listening\"", 1s)) << bot->output();
    open_two(*bot);
    ASSERT_FALSE(HasFailure());

    // The wrong token: refused by the daemon, nothing happens.
    auto [rc, out] = tradebot("close BTCUSDT --yes --json", "TRADEBOT_CONTROL_TOKEN=not-the-token");
    EXPECT_EQ(rc, 4) << out;
    EXPECT_NE(out.find("refused the control token"), std::string::npos) << out;
    EXPECT_EQ(out.find("not-the-token"), std::string::npos) << out;
    EXPECT_EQ(out.find(token), std::string::npos) << out;
    EXPECT_EQ(positions_of(engine(sim_.binance_port())), 1U);
    // The command never took the lock from the daemon, nor acted itself.
    EXPECT_FALSE(bot->wait_exit(10ms).has_value());

    std::tie(rc, out) = tradebot("protect --json");
    ASSERT_EQ(rc, 0) << out;
    auto a = answer_of(out);
    EXPECT_EQ(a.at("via").as_string(), "daemon");
    ASSERT_EQ(a.at("positions").as_array().size(), 2U) << out;
    for (const auto& p : a.at("positions").as_array()) {
        EXPECT_TRUE(p.at("stop_on_venue").as_bool()) << out;
    }

    std::tie(rc, out) = tradebot("close btcusdt --exchange binance --yes --json");
    ASSERT_EQ(rc, 0) << out << bot->output();
    a = answer_of(out);
    EXPECT_EQ(a.at("via").as_string(), "daemon");
    EXPECT_TRUE(a.at("positions").at(0).at("closed").as_bool()) << out;
    EXPECT_TRUE(bot->wait_output("msg=\"operator command done\" action=close via=daemon ok=true", 5s)) << bot->output();
    const auto binance = engine(sim_.binance_port());
    EXPECT_EQ(positions_of(binance), 0U) << boost::json::serialize(binance);
    EXPECT_TRUE(binance.at("open_conditionals").as_array().empty()) << boost::json::serialize(binance);
    // The other venue's position is untouched.
    EXPECT_EQ(positions_of(engine(sim_.bybit_port())), 1U);
    EXPECT_EQ(sql("SELECT exchange, state, coalesce(close_reason, '-') FROM positions ORDER BY exchange"),
              "binance|closed|manual_close\nbybit|protected|-\n");
    // The daemon writes its audit rows within a second.
    for (int i = 0; i < 30 && sql("SELECT count(*) FROM events WHERE type = 'operator_command'") != "2\n"; ++i) {
        bot->wait_exit(100ms);
    }
    EXPECT_EQ(sql("SELECT message, data->>'via' FROM events WHERE type = 'operator_command' ORDER BY id"),
              "protect done|daemon\nclose done|daemon\n");

    // shutdown: the daemon is signalled and waited for.
    std::tie(rc, out) = tradebot("shutdown --timeout 20 --json");
    EXPECT_EQ(rc, 0) << out;
    EXPECT_TRUE(answer_of(out).at("stopped").as_bool()) << out;
    const auto code = bot->wait_exit(1s);
    ASSERT_TRUE(code.has_value());
    EXPECT_EQ(*code, 0) << bot->output();
    EXPECT_NE(bot->output().find("msg=\"tradebot stopped\" clean=true"), std::string::npos);
    EXPECT_EQ(sql("SELECT count(*) FROM events WHERE type = 'operator_command' AND data->>'action' = 'shutdown'"), "1\n");
    EXPECT_EQ(bot->output().find(token), std::string::npos) << "the control token reached the log";
}

TEST_F(operator_test, orders_zombies_clean_cancels_a_stray_order_and_never_a_live_positions_stop) {
    auto bot = start_daemon("bot");
    ASSERT_TRUE(wait_ready(*bot)) << bot->output();
    insert_signals({"'binance', 'BTCUSDT', 'buy', 80, 80"});
    ASSERT_TRUE(bot->wait_output("msg=\"position protected\"", 10s)) << bot->output();
    // A resting order with a client id of ours on a symbol without a position: a zombie.
    const auto [orc, order] = binance_order(
        "symbol=ETHUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.05&price=1000&newClientOrderId=tbp-990-en-0");
    ASSERT_EQ(orc, 0) << order;
    // Someone else's order on another free symbol: never ours to cancel.
    const auto [xrc, other] = binance_order(
        "symbol=SOLUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=10&newClientOrderId=manual-1");
    ASSERT_EQ(xrc, 0) << other;

    auto [rc, out] = tradebot("orders zombies --json");
    ASSERT_EQ(rc, 0) << out;
    auto a = answer_of(out);
    EXPECT_EQ(a.at("via").as_string(), "daemon");
    ASSERT_EQ(a.at("zombies").as_array().size(), 1U) << out;
    EXPECT_EQ(a.at("zombies").at(0).at("client_id").as_string(), "tbp-990-en-0");
    EXPECT_FALSE(a.at("zombies").at(0).at("cancelled").as_bool());

    std::tie(rc, out) = tradebot("orders zombies --clean --yes --json");
    ASSERT_EQ(rc, 0) << out;
    a = answer_of(out);
    ASSERT_EQ(a.at("zombies").as_array().size(), 1U) << out;
    EXPECT_TRUE(a.at("zombies").at(0).at("cancelled").as_bool()) << out;
    const auto e = engine(sim_.binance_port());
    // The live position keeps its stop; the zombie is gone; the other order stays.
    ASSERT_EQ(e.at("open_conditionals").as_array().size(), 1U) << boost::json::serialize(e);
    EXPECT_EQ(e.at("open_conditionals").at(0).at("symbol").as_string(), "BTCUSDT");
    ASSERT_EQ(e.at("open_orders").as_array().size(), 1U) << boost::json::serialize(e);
    EXPECT_EQ(e.at("open_orders").at(0).at("client_id").as_string(), "manual-1");
    EXPECT_EQ(positions_of(e), 1U);

    std::tie(rc, out) = tradebot("orders duplicates --json");
    EXPECT_EQ(rc, 0) << out;
    EXPECT_TRUE(answer_of(out).at("duplicates").as_array().empty()) << out;
}

TEST_F(operator_test, sync_prints_the_difference_and_applies_it_only_with_apply) {
    // A position opened by hand, unknown to the database; no daemon runs.
    const auto [orc, order] =
        binance_order("symbol=ETHUSDT&side=BUY&type=MARKET&quantity=0.050&newOrderRespType=RESULT");
    ASSERT_EQ(orc, 0) << order;
    auto [rc, out] = tradebot("sync --json");
    ASSERT_EQ(rc, 0) << out;
    auto a = answer_of(out);
    EXPECT_EQ(a.at("via").as_string(), "direct");
    EXPECT_FALSE(a.at("in_sync").as_bool());
    ASSERT_EQ(a.at("differences").as_array().size(), 1U) << out;
    EXPECT_EQ(a.at("differences").at(0).at("kind").as_string(), "only_on_venue");
    EXPECT_EQ(a.at("differences").at(0).at("symbol").as_string(), "ETHUSDT");
    EXPECT_EQ(sql("SELECT count(*) FROM positions"), "0\n") << "a dry run changed the database";
    EXPECT_TRUE(engine(sim_.binance_port()).at("open_conditionals").as_array().empty());

    std::tie(rc, out) = tradebot("sync --apply --yes --json");
    ASSERT_EQ(rc, 0) << out;
    a = answer_of(out);
    EXPECT_TRUE(a.at("applied").as_bool());
    EXPECT_TRUE(a.at("remaining").as_array().empty()) << out;
    EXPECT_EQ(sql("SELECT symbol, side, state FROM positions"), "ETHUSDT|long|protected\n");
    EXPECT_EQ(engine(sim_.binance_port()).at("open_conditionals").as_array().size(), 1U);
    EXPECT_EQ(sql("SELECT data->>'action', data->>'ok' FROM events WHERE type = 'operator_command' ORDER BY id"),
              "sync|true\nsync|true\n");

    std::tie(rc, out) = tradebot("sync");
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("sync: in sync"), std::string::npos) << out;
}

TEST_F(operator_test, cleanup_deletes_only_old_rows_and_is_audited) {
    const auto [mrc, migrated] = tradebot("db migrate");
    ASSERT_EQ(mrc, 0) << migrated;
    sql("INSERT INTO events (ts, type, message) VALUES (now() - interval '40 days', 'old', 'x'), (now(), 'new', 'y')");
    auto [rc, out] = tradebot("cleanup --older-than 30");
    EXPECT_EQ(rc, 3) << out;
    EXPECT_EQ(sql("SELECT count(*) FROM events"), "2\n");
    std::tie(rc, out) = tradebot("cleanup --older-than 30 --yes --json");
    ASSERT_EQ(rc, 0) << out;
    EXPECT_EQ(answer_of(out).at("deleted").at("events").as_int64(), 1) << out;
    EXPECT_EQ(sql("SELECT type FROM events ORDER BY id"), "new\noperator_command\n");
}

TEST_F(operator_test, paper_positions_close_through_the_daemon_and_without_it) {
    // Test mode: the paper venue lives in the process; the rows are its truth.
    const auto [rc0, out0] = run_shell("sed -i 's/  mode: production/  mode: test/' " +
                                       (dir_.path() / "config" / "tradebot.yaml").string());
    ASSERT_EQ(rc0, 0) << out0;
    {
        auto bot = start_daemon("bot");
        ASSERT_TRUE(wait_ready(*bot)) << bot->output();
        open_two(*bot);
        ASSERT_FALSE(HasFailure());
        auto [rc, out] = tradebot("close BTCUSDT --yes --json");
        ASSERT_EQ(rc, 0) << out << bot->output();
        const auto a = answer_of(out);
        EXPECT_EQ(a.at("via").as_string(), "daemon");
        EXPECT_EQ(a.at("positions").as_array().size(), 1U) << out;
        EXPECT_EQ(sql("SELECT exchange, state, coalesce(close_reason, '-'), mode FROM positions ORDER BY exchange"),
                  "binance|closed|manual_close|test\nbybit|protected|-|test\n");
        bot->send_signal(SIGTERM);
        ASSERT_TRUE(bot->wait_exit(10s).has_value());
    }
    // The simulator's account was never touched in test mode.
    EXPECT_EQ(positions_of(engine(sim_.binance_port())), 0U);
    EXPECT_EQ(positions_of(engine(sim_.bybit_port())), 0U);
    // Without a daemon: the paper venue gets the bybit position back from its row and closes it.
    auto [rc, out] = tradebot("close --all --yes");
    ASSERT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("directly, under the instance lock"), std::string::npos) << out;
    EXPECT_NE(out.find("bybit ETHUSDT position"), std::string::npos) << out;
    EXPECT_NE(out.find("close: done"), std::string::npos) << out;
    EXPECT_EQ(sql("SELECT count(*) FROM positions WHERE state = 'closed' AND close_reason = 'manual_close'"), "2\n");
}

TEST_F(operator_test, orders_duplicates_cancel_keeps_the_most_protective_stop_and_protect_restores_a_lost_one) {
    std::string id;
    std::string looser;
    std::string kept;
    {
        auto bot = start_daemon("bot");
        ASSERT_TRUE(wait_ready(*bot)) << bot->output();
        insert_signals({"'binance', 'BTCUSDT', 'buy', 80, 80"});
        ASSERT_TRUE(bot->wait_output("msg=\"position protected\"", 10s)) << bot->output();
        const auto row = sql("SELECT id || ' ' || round(stop_price * 0.9, 1) || ' ' || stop_client_order_id FROM positions");
        std::istringstream fields{row};
        fields >> id >> looser >> kept;
        ASSERT_FALSE(kept.empty()) << row;
        // A second, looser stop of ours on the same position (a cancel that failed, a double send).
        const auto [src, placed] = binance_signed(
            "POST", "/fapi/v1/algoOrder",
            "algoType=CONDITIONAL&symbol=BTCUSDT&side=SELL&type=STOP_MARKET&closePosition=true&workingType=MARK_PRICE"
            "&triggerPrice=" + looser + "&clientAlgoId=tbp-" + id + "-sl-9");
        ASSERT_EQ(src, 0) << placed;
        ASSERT_EQ(engine(sim_.binance_port()).at("open_conditionals").as_array().size(), 2U);

        auto [rc, out] = tradebot("orders duplicates --json");
        ASSERT_EQ(rc, 0) << out;
        auto a = answer_of(out);
        ASSERT_EQ(a.at("duplicates").as_array().size(), 1U) << out;
        EXPECT_EQ(a.at("duplicates").at(0).at("client_id").as_string(), "tbp-" + id + "-sl-9");
        EXPECT_EQ(engine(sim_.binance_port()).at("open_conditionals").as_array().size(), 2U) << "a listing cancelled";

        std::tie(rc, out) = tradebot("orders duplicates --cancel --yes --json");
        ASSERT_EQ(rc, 0) << out << bot->output();
        a = answer_of(out);
        EXPECT_EQ(a.at("via").as_string(), "daemon");
        EXPECT_TRUE(a.at("duplicates").at(0).at("cancelled").as_bool()) << out;
        const auto e = engine(sim_.binance_port());
        ASSERT_EQ(e.at("open_conditionals").as_array().size(), 1U) << boost::json::serialize(e);
        EXPECT_EQ(e.at("open_conditionals").at(0).at("client_id").as_string(), kept);
        bot->send_signal(SIGTERM);
        ASSERT_TRUE(bot->wait_exit(10s).has_value());
    }
    // The stop is lost while no daemon runs; protect, run directly, places it again.
    const auto [crc, cancelled] = binance_signed("DELETE", "/fapi/v1/algoOrder", "clientAlgoId=" + kept);
    ASSERT_EQ(crc, 0) << cancelled;
    ASSERT_TRUE(engine(sim_.binance_port()).at("open_conditionals").as_array().empty());
    auto [rc, out] = tradebot("protect --json");
    ASSERT_EQ(rc, 0) << out;
    const auto a = answer_of(out);
    EXPECT_EQ(a.at("via").as_string(), "direct");
    ASSERT_EQ(a.at("positions").as_array().size(), 1U) << out;
    EXPECT_TRUE(a.at("positions").at(0).at("stop_on_venue").as_bool()) << out;
    const auto e = engine(sim_.binance_port());
    ASSERT_EQ(e.at("open_conditionals").as_array().size(), 1U) << boost::json::serialize(e);
    EXPECT_EQ(e.at("open_conditionals").at(0).at("symbol").as_string(), "BTCUSDT");
    EXPECT_EQ(sql("SELECT state FROM positions"), "protected\n");
    EXPECT_EQ(sql("SELECT count(*) FROM events WHERE type = 'duplicate_stop_cancelled'"), "1\n");
}

TEST_F(operator_test, the_control_endpoint_refuses_what_it_cannot_do_and_without_a_token_is_off) {
    {
        auto bot = start_daemon("bot");
        ASSERT_TRUE(wait_ready(*bot)) << bot->output();
        const auto base = "http://127.0.0.1:" + std::to_string(control_port_);
        const auto auth = std::string{" -H 'Authorization: Bearer "} + token + "'";
        const auto code = [&](const std::string& args) {
            return run_shell("curl -s -o /dev/null -w '%{http_code}' " + args).second;
        };
        EXPECT_EQ(code("-X POST -d '{\"action\":\"protect\"}' " + base + "/v1/command"), "401");
        EXPECT_EQ(code("-X POST -H 'Authorization: Bearer wrong' -d '{\"action\":\"protect\"}' " + base + "/v1/command"),
                  "401");
        EXPECT_EQ(code(auth + " " + base + "/v1/command"), "405");
        EXPECT_EQ(code("-X POST" + auth + " -d '{}' " + base + "/v1/other"), "404");
        EXPECT_EQ(code("-X POST" + auth + " -d 'not json' " + base + "/v1/command"), "400");
        const auto [rc, body] = run_shell("curl -s -X POST" + auth + " -d '{\"action\":\"explode\"}' " + base + "/v1/command");
        EXPECT_NE(body.find("unknown action 'explode'"), std::string::npos) << body;
        EXPECT_EQ(body.find(token), std::string::npos) << body;
        bot->send_signal(SIGTERM);
        ASSERT_TRUE(bot->wait_exit(10s).has_value());
    }
    // No token: the daemon serves no endpoint, and a command refuses to act beside it.
    const auto [src, sed] = run_shell("sed -i '/  token: /d' " + (dir_.path() / "config" / "tradebot.yaml").string());
    ASSERT_EQ(src, 0) << sed;
    auto bot = start_daemon("bot2");
    ASSERT_TRUE(wait_ready(*bot)) << bot->output();
    EXPECT_NE(bot->output().find("control endpoint off"), std::string::npos) << bot->output();
    const auto [rc, out] = tradebot("close --all --yes");
    EXPECT_EQ(rc, 4) << out;
    EXPECT_NE(out.find("its control endpoint is off"), std::string::npos) << out;
    EXPECT_EQ(sql("SELECT count(*) FROM events WHERE type = 'operator_command'"), "0\n");
}

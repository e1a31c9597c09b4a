// Runs only through run.sh, which gives it a PostgreSQL cluster of its own to stop and start.
// The daemon in production mode against tradebot-sim while its database is away (findings C2, C4
// and C6 of tests/integration/chaos, docs/RELIABILITY.md).
#include <csignal>
#include <cstdlib>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "integration/app/session_fixture.hpp"
#include "integration/app/webhook_receiver.hpp"
#include "tradebot/db/order_store.hpp"

namespace tradebot::test {
namespace {

using namespace std::chrono_literals;

class outage_test : public session_test {
protected:
    void SetUp() override {
        session_test::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        const std::string keys = "    api_key: " + std::string{sim_process::api_key} + "\n    api_secret: " +
                                 std::string{sim_process::api_secret} + "\n";
        write_exchanges(keys, keys);
        write_daemon_config();
        write_file(config_dir() / "strategies.yaml",
                   "signals:\n"
                   "  immediate: true\n"
                   "  filters:\n"
                   "    open_interest_enabled: false\n"
                   "    volume_enabled: false\n"
                   "    price_change_enabled: false\n"
                   "trading:\n"
                   "  reconcile_interval_seconds: 600\n");
    }

    // A lease far longer than the outages here: the daemon stays active through them (a lease
    // shorter than an outage stops trading by design, docs/ARCHITECTURE.md §4c). No periodic
    // pass within the test: what protects and records is the recovery, not the 120 s pass.
    // `extra` is appended to tradebot.yaml.
    void write_daemon_config(const std::string& extra = {}) const {
        write_main(pg_url_,
                   "ha:\n"
                   "  lease_duration_ms: 600000\n"
                   "  renew_interval_ms: 1000\n"
                   "logging:\n"
                   "  level: debug\n"
                   "  file: ''\n" +
                       extra);
    }

    void TearDown() override {
        if (pg_down_) {
            database(true);
        }
        session_test::TearDown();
    }

    // Stops (false) or starts (true) the test's own cluster.
    void database(bool up) {
        const char* command = std::getenv(up ? "TRADEBOT_TEST_PG_START" : "TRADEBOT_TEST_PG_STOP");
        ASSERT_NE(command, nullptr) << "run through tests/integration/own_pg_cluster.sh";
        ASSERT_EQ(std::system(command), 0) << command;
        pg_down_ = !up;
    }

    [[nodiscard]] std::string sql(const std::string& query) const {
        const auto [rc, out] = run_shell("psql -tA '" + pg_url_ + "' -c \"" + query + "\"");
        EXPECT_EQ(rc, 0) << out;
        return out;
    }

    // Polls `query` until it answers `want` (or the deadline).
    [[nodiscard]] std::string sql_until(const std::string& query, const std::string& want,
                                        std::chrono::seconds limit) const {
        std::string got;
        for (auto waited = 0ms; waited < limit; waited += 200ms) {
            got = run_shell("psql -tA '" + pg_url_ + "' -c \"" + query + "\"").second;
            if (got == want) {
                break;
            }
            ::usleep(200'000);
        }
        return got;
    }

    // The Binance account's positions and conditional orders on `symbol`, as the venue holds them.
    struct venue_view {
        int positions = 0;
        std::vector<std::string> stop_client_ids;
    };
    [[nodiscard]] venue_view venue(const std::string& symbol) const {
        const auto [rc, state] = sim_.control(sim_.binance_port(), "GET", "/sim/state", "");
        EXPECT_EQ(rc, 200) << state;
        venue_view v;
        const auto engine = boost::json::parse(state).at("engine").as_object();
        for (const auto& a : engine.at("accounts").as_array()) {
            for (const auto& p : a.at("positions").as_array()) {
                v.positions += p.at("symbol").as_string() == symbol ? 1 : 0;
            }
        }
        for (const auto& c : engine.at("open_conditionals").as_array()) {
            if (c.at("symbol").as_string() == symbol) {
                v.stop_client_ids.emplace_back(c.at("client_id").as_string());
            }
        }
        return v;
    }

    std::unique_ptr<child_process> open_btc() {
        auto bot = start("bot", "production");
        EXPECT_TRUE(wait_ready(*bot)) << bot->output();
        insert_signals({"'binance', 'BTCUSDT', 'buy', 80, 80"});
        return bot;
    }

    bool pg_down_ = false;
};

// C4: PostgreSQL goes down while the entry is on its way (the venue holds its answer, the daemon
// finds the fill by client id). The stop cannot be journaled first; it is placed anyway under a
// client id made without the database, and journaled when the database is back.
TEST_F(outage_test, an_entry_that_fills_while_the_database_is_down_gets_its_stop_at_once) {
    ASSERT_EQ(sim_.control(sim_.binance_port(), "POST", "/sim/fault", R"({"kind":"hang_after_accept","count":1})").first,
              200);
    auto bot = open_btc();
    ASSERT_TRUE(bot->wait_output("step=entry_journaled", 20s)) << bot->output();
    database(false);
    ASSERT_TRUE(bot->wait_output("sending a protective order without its row", 60s)) << bot->output();
    ASSERT_TRUE(bot->wait_output("msg=\"position protected\"", 30s)) << bot->output();
    const auto held = venue("BTCUSDT");
    EXPECT_EQ(held.positions, 1);
    ASSERT_EQ(held.stop_client_ids.size(), 1U) << "the position has its exchange-side stop while the database is down";
    const auto id = core::client_order_id::parse(held.stop_client_ids.front());
    ASSERT_TRUE(id.has_value()) << held.stop_client_ids.front();
    EXPECT_EQ(id->purpose, core::order_purpose::stop);
    EXPECT_GE(id->attempt, db::order_store::first_offline_attempt);
    EXPECT_EQ(bot->output().find("no stop could be placed"), std::string::npos) << bot->output();

    database(true);
    ASSERT_TRUE(bot->wait_output("order journaled after the database came back", 60s)) << bot->output();
    EXPECT_EQ(sql_until("SELECT o.status, o.position_id = p.id FROM " + schema_ + ".orders o, " + schema_ +
                            ".positions p WHERE o.client_order_id = '" + held.stop_client_ids.front() + "'",
                        "new|t\n", 20s),
              "new|t\n");
    EXPECT_EQ(sql_until("SELECT state, stop_price IS NOT NULL, qty > 0 FROM " + schema_ + ".positions", "protected|t|t\n",
                        20s),
              "protected|t|t\n");
    EXPECT_EQ(venue("BTCUSDT").stop_client_ids.size(), 1U) << "never a second stop";
}

// C6: the venue's stop fires while PostgreSQL is down. The close cannot be written then; it is
// kept and written when the database is back, instead of the row staying live without a position.
TEST_F(outage_test, a_close_the_venue_made_while_the_database_is_down_is_recorded_when_it_is_back) {
    auto bot = open_btc();
    ASSERT_TRUE(bot->wait_output("msg=\"position protected\"", 20s)) << bot->output();
    database(false);
    move_price("BTCUSDT", "-6");  // through the stop: the venue closes the position
    // The close, not the stop's fill (also kept_to_write_later=true, and reported first).
    ASSERT_TRUE(bot->wait_output("msg=\"cannot record the close\"", 30s)) << bot->output();
    EXPECT_EQ(venue("BTCUSDT").positions, 0);

    database(true);
    ASSERT_TRUE(bot->wait_output("close recorded after the database came back", 60s)) << bot->output();
    EXPECT_EQ(sql("SELECT state, close_reason, exit_price IS NOT NULL FROM " + schema_ + ".positions"),
              "closed|closed_on_venue|t\n");
    // The stop's fill, reported while the database was down, reaches the trades table too: the
    // entry's and the stop's, once each.
    EXPECT_EQ(sql_until("SELECT string_agg(t.side, ',' ORDER BY t.id) FROM " + schema_ + ".trades t, " + schema_ +
                            ".positions p WHERE t.position_id = p.id",
                        "buy,sell\n", 20s),
              "buy,sell\n")
        << bot->output();
}

// Issue 17 "Alerts": the database itself down. With a webhook configured, an outage longer than
// alerts.webhook.outage_grace_seconds is posted once, and the database's return is posted as its
// resolution, with how long it lasted.
TEST_F(outage_test, a_database_outage_longer_than_the_grace_is_posted_and_so_is_its_end) {
    webhook_receiver receiver;
    ASSERT_NE(receiver.port(), 0);
    write_daemon_config("alerts:\n"
                        "  webhook:\n"
                        "    url: http://127.0.0.1:" +
                        std::to_string(receiver.port()) +
                        "/api/webhooks/5/db-outage-token\n"
                        "    format: discord\n"
                        "    outage_grace_seconds: 2\n");
    auto bot = start("bot", "production");
    ASSERT_TRUE(wait_ready(*bot)) << bot->output();
    ASSERT_TRUE(receiver.wait_accepted("INFO startup: started", 10s)) << bot->output();

    database(false);
    // The lease renewal (every second) is the first to find the server gone.
    ASSERT_TRUE(receiver.wait_accepted("] WARNING database_down: database down for ", 30s)) << bot->output();
    const auto announced = receiver.accepted().size();
    ::usleep(3'000'000);  // well past the grace again: an outage is announced once, not per grace
    EXPECT_EQ(receiver.accepted().size(), announced) << bot->output();

    database(true);
    ASSERT_TRUE(receiver.wait_accepted("] RESOLVED database_down: database is back after ", 60s)) << bot->output();
    bot->send_signal(SIGTERM);
    ASSERT_TRUE(bot->wait_exit(15s).has_value()) << bot->output();

    std::size_t down = 0;
    std::size_t back = 0;
    for (const auto& body : receiver.accepted()) {
        const std::string text{boost::json::parse(body).as_object().at("content").as_string()};
        down += text.find("WARNING database_down: database down for ") != std::string::npos ? 1 : 0;
        back += text.find("RESOLVED database_down: database is back after ") != std::string::npos ? 1 : 0;
        EXPECT_EQ(text.find("venue_down"), std::string::npos) << text << ": the venues were never down";
    }
    EXPECT_EQ(down, 1U) << "one outage: one alert";
    EXPECT_EQ(back, 1U) << "and one resolution";
    EXPECT_EQ(bot->output().find("db-outage-token"), std::string::npos) << "the webhook URL is a secret";
}

// C2: a crash of the server lost the position's row and its journal rows (committed
// asynchronously) while the daemon kept the position in its book. Here the loss is made by hand
// (the rows deleted, then the server restarted, which cuts the daemon's sessions): after the
// restart the daemon reloads its book, adopts the venue position under a new row, keeps its one
// stop and journals the entry and the stop of ours the venue knows.
TEST_F(outage_test, a_position_whose_rows_were_lost_is_adopted_again_after_the_database_restarts) {
    auto bot = open_btc();
    ASSERT_TRUE(bot->wait_output("msg=\"position protected\"", 20s)) << bot->output();
    const auto lost = sql("SELECT id FROM " + schema_ + ".positions");
    ASSERT_FALSE(lost.empty());
    const auto lost_id = lost.substr(0, lost.find('\n'));
    const auto stops = venue("BTCUSDT").stop_client_ids;
    ASSERT_EQ(stops.size(), 1U);
    (void)sql("UPDATE " + schema_ + ".signals SET position_id = NULL; DELETE FROM " + schema_ + ".trades; DELETE FROM " +
        schema_ + ".orders; DELETE FROM " + schema_ + ".positions");
    database(false);
    database(true);
    ASSERT_TRUE(bot->wait_output("book reloaded after a database outage", 60s)) << bot->output();
    ASSERT_TRUE(bot->wait_output("adopted a position found on the venue", 30s)) << bot->output();
    EXPECT_EQ(sql_until("SELECT count(*) FROM " + schema_ + ".positions WHERE state = 'protected' AND id <> " + lost_id,
                        "1\n", 30s),
              "1\n");
    EXPECT_EQ(sql_until("SELECT count(*) FROM " + schema_ + ".orders WHERE client_order_id IN ('tbp-" + lost_id +
                            "-en-0', '" + stops.front() + "')",
                        "2\n", 30s),
              "2\n")
        << bot->output();
    const auto after = venue("BTCUSDT");
    EXPECT_EQ(after.positions, 1);
    ASSERT_EQ(after.stop_client_ids.size(), 1U);
    EXPECT_EQ(after.stop_client_ids.front(), stops.front()) << "the live stop is kept, no second one";
}

}  // namespace
}  // namespace tradebot::test

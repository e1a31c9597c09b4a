// Issue 17 "Alerts": the real daemon against tradebot-sim and PostgreSQL posts its critical events
// to a local webhook receiver in Discord's and Telegram's formats, and retries a post the
// receiver refused. It says when it started, and when a problem it reported is over (a position
// safe again, the kill switch cleared, a venue stream or the database back after an outage).
#include <csignal>
#include <cstdlib>
#include <filesystem>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "session_fixture.hpp"
#include "webhook_receiver.hpp"

using namespace std::chrono_literals;
using tradebot::test::run_shell;

namespace {

const std::string alerts_control_token = "alerts-test-control-token";

class alerts_test : public tradebot::test::session_test {
protected:
    // `webhook`: the alerts.webhook block after "url: ".
    void write_config(const std::string& webhook) {
        const auto keys = std::string{"    api_key: "} + tradebot::test::sim_process::api_key + "\n    api_secret: " +
                          tradebot::test::sim_process::api_secret + "\n";
        write_exchanges(keys, keys);
        control_port_ = tradebot::test::free_port();
        write_main(pg_url_, "control:\n  port: " + std::to_string(control_port_) + "\n  token: " + alerts_control_token +
                                "\nrisk:\n  kill_switch_file: " + kill_file().string() +
                                "\nalerts:\n  webhook:\n    url: " + webhook);
        write_immediate_strategy();
    }

    static std::string local(const tradebot::test::webhook_receiver& r) {
        return "http://127.0.0.1:" + std::to_string(r.port());
    }

    [[nodiscard]] std::filesystem::path kill_file() const { return dir_.path() / "kill"; }

    std::pair<int, std::string> cancel_binance_stop(const std::string& client_id) const {
        return binance_signed("DELETE", "/fapi/v1/algoOrder", "clientAlgoId=" + client_id);
    }

    // The `content` of each accepted Discord body.
    static std::vector<std::string> contents(const tradebot::test::webhook_receiver& r) {
        std::vector<std::string> out;
        for (const auto& body : r.accepted()) {
            out.emplace_back(boost::json::parse(body).as_object().at("content").as_string());
        }
        return out;
    }

    static std::size_t count_with(const std::vector<std::string>& texts, const std::string& needle) {
        std::size_t n = 0;
        for (const auto& t : texts) {
            n += t.find(needle) != std::string::npos ? 1 : 0;
        }
        return n;
    }

    unsigned short control_port_ = 0;
};

TEST_F(alerts_test, a_discord_webhook_hears_of_a_lost_stop_a_failed_stop_the_kill_switch_and_shutdown) {
    // The second post (the first is the startup alert) is refused with a 500: that alert must still
    // arrive, once, after a retry.
    tradebot::test::webhook_receiver receiver{{200, 500}};
    ASSERT_NE(receiver.port(), 0);
    write_config(local(receiver) + "/api/webhooks/123/discord-token\n    format: discord\n");
    auto bot = start("bot", "production");
    ASSERT_TRUE(wait_ready(*bot)) << bot->output();
    ASSERT_TRUE(receiver.wait_accepted("INFO startup: started (version ", 10s)) << bot->output();

    insert_signals({"'binance', 'BTCUSDT', 'buy', 80, 80"});
    ASSERT_TRUE(bot->wait_output("msg=\"position protected\"", 15s)) << bot->output();
    auto id = sql("SELECT id FROM positions");
    id = id.substr(0, id.find('\n'));
    auto stop_id = sql("SELECT stop_client_order_id FROM positions");
    stop_id = stop_id.substr(0, stop_id.find('\n'));
    ASSERT_FALSE(stop_id.empty());

    // 1. The stop vanishes from the venue; the reconcile pass (asked for by `protect`) places it again.
    ASSERT_EQ(cancel_binance_stop(stop_id).first, 0);
    auto [rc, out] = tradebot("protect --json");
    ASSERT_EQ(rc, 0) << out << bot->output();
    ASSERT_TRUE(receiver.wait_accepted("unprotected_position", 10s)) << bot->output();

    // 2. It vanishes again, and the price falls through it before anyone notices: no stop can be
    //    placed below a crossed one, so the position is closed at market.
    const auto lost = stop_id;
    for (int i = 0; i < 50 && stop_id == lost; ++i) {  // the restored stop's row is written after the event
        stop_id = sql("SELECT stop_client_order_id FROM positions");
        stop_id = stop_id.substr(0, stop_id.find('\n'));
        bot->wait_exit(100ms);
    }
    ASSERT_NE(stop_id, lost);
    ASSERT_EQ(cancel_binance_stop(stop_id).first, 0);
    move_price("BTCUSDT", "-5");
    std::tie(rc, out) = tradebot("protect --json");
    ASSERT_TRUE(receiver.wait_accepted("stop_failed", 10s)) << out << bot->output();
    EXPECT_EQ(sql("SELECT symbol || ' ' || state || ' ' || coalesce(close_reason, '-') FROM positions ORDER BY id"),
              "BTCUSDT closed stop_crossed\n")
        << bot->output();

    // The close at market ends the risk the stop_failed alert reported.
    ASSERT_TRUE(receiver.wait_accepted("RESOLVED stop_failed", 10s)) << bot->output();

    // 3. The kill switch refuses the next signal; taking the file away is reported too.
    tradebot::test::write_file(kill_file(), "");
    insert_signals({"'bybit', 'ETHUSDT', 'sell', 80, 80"});
    ASSERT_TRUE(receiver.wait_accepted("kill_switch", 10s)) << bot->output();
    std::filesystem::remove(kill_file());
    ASSERT_TRUE(receiver.wait_accepted("RESOLVED kill_switch", 10s)) << bot->output();

    // 4. Shutdown.
    bot->send_signal(SIGTERM);
    ASSERT_TRUE(bot->wait_exit(15s).has_value()) << bot->output();
    EXPECT_NE(bot->output().find("msg=\"tradebot stopped\" clean=true"), std::string::npos) << bot->output();

    const auto texts = contents(receiver);
    ASSERT_EQ(texts.size(), 7U) << bot->output();
    const std::string label = "[tradebot production@";
    EXPECT_EQ(count_with(texts, label), 7U);
    EXPECT_EQ(count_with(texts, "] INFO startup: started (version "), 1U);
    EXPECT_NE(texts.front().find("): reconciled, taking signals"), std::string::npos) << "startup is the first word";
    EXPECT_EQ(count_with(texts, "] CRITICAL unprotected_position: binance BTCUSDT (position " + id +
                                    ") had no stop on the venue; a stop was placed again at "),
              1U)
        << texts[0];
    EXPECT_EQ(count_with(texts, "] CRITICAL stop_failed: binance BTCUSDT (position " + id +
                                    "): stop missing on the venue and its price crossed, closing at market"),
              1U);
    EXPECT_EQ(count_with(texts, "] RESOLVED stop_failed: binance BTCUSDT (position " + id + ") is closed ("), 1U);
    EXPECT_EQ(count_with(texts, "): no longer at risk"), 1U);
    EXPECT_EQ(count_with(texts, "] WARNING kill_switch: new entries refused: kill switch " + kill_file().string()), 1U);
    EXPECT_EQ(count_with(texts, "] RESOLVED kill_switch: kill switch " + kill_file().string() +
                                    " cleared: new entries are allowed again"),
              1U);
    EXPECT_EQ(count_with(texts, "] WARNING shutdown: shutdown requested (SIGTERM)"), 1U);
    EXPECT_TRUE(texts.back().find("shutdown") != std::string::npos) << "shutdown is the last word";

    // The refused post and its retry carried the same alert; every post went to the URL's path.
    const auto all = receiver.requests();
    ASSERT_EQ(all.size(), 8U);
    EXPECT_EQ(all[1].answered, 500U);
    EXPECT_EQ(all[1].body, all[2].body);
    for (const auto& r : all) {
        EXPECT_EQ(r.target, "/api/webhooks/123/discord-token");
    }
    EXPECT_NE(bot->output().find("msg=\"alert not accepted\" kind=unprotected_position attempt=1 status=500"),
              std::string::npos)
        << bot->output();
    // The alerts' metrics: scraped while the daemon ran? It has stopped; the log says what was sent.
    EXPECT_EQ(bot->output().find("discord-token"), std::string::npos) << "the webhook URL is a secret";
    EXPECT_EQ(sql("SELECT count(*) FROM events WHERE type = 'stop_failed'"), "1\n");
}

TEST_F(alerts_test, a_telegram_webhook_gets_send_message_bodies_and_the_rate_limit_coalesces) {
    tradebot::test::webhook_receiver receiver;
    ASSERT_NE(receiver.port(), 0);
    write_config(local(receiver) +
                 "/botTOKEN123/sendMessage\n    format: telegram\n    telegram_chat_id: \"-100777\"\n"
                 "    per_kind_interval_seconds: 5\n");
    tradebot::test::write_file(kill_file(), "");
    auto bot = start("bot", "production");
    ASSERT_TRUE(wait_ready(*bot)) << bot->output();
    // Three refusals at once: the first goes out, the two others come as one summary after 5 s.
    insert_signals({"'binance', 'BTCUSDT', 'buy', 80, 80", "'binance', 'ETHUSDT', 'buy', 80, 80",
                    "'bybit', 'SOLUSDT', 'buy', 80, 80"});
    ASSERT_TRUE(receiver.wait_accepted("kill_switch", 10s)) << bot->output();
    ASSERT_TRUE(receiver.wait_accepted("1 more kill_switch alert suppressed by the rate limit", 15s))
        << bot->output();
    bot->send_signal(SIGTERM);
    ASSERT_TRUE(bot->wait_exit(15s).has_value()) << bot->output();

    const auto all = receiver.requests();
    ASSERT_EQ(all.size(), 4U) << bot->output() << "startup, kill_switch, its summary, shutdown";
    for (const auto& r : all) {
        EXPECT_EQ(r.target, "/botTOKEN123/sendMessage");
        const auto body = boost::json::parse(r.body).as_object();
        EXPECT_EQ(body.at("chat_id").as_string(), "-100777");
        EXPECT_NE(std::string{body.at("text").as_string()}.find("[tradebot production@"), std::string::npos);
    }
    EXPECT_NE(all.back().body.find("shutdown"), std::string::npos);
    EXPECT_EQ(bot->output().find("TOKEN123"), std::string::npos) << "the webhook URL is a secret";
}

TEST_F(alerts_test, the_webhook_is_posted_over_tls_with_the_certificate_verified) {
    // The simulator's TLS port stands in for an https:// webhook: it is no webhook and answers the
    // post with a client error, which is enough to show the request went through a verified TLS
    // session (the client is the one the venues use, with the system trust store).
    write_config("https://127.0.0.1:" + std::to_string(sim_.binance_port()) +
                 "/api/webhooks/1/tls-token\n    format: discord\n");
    {
        // Its self-signed certificate is not trusted: the handshake is refused.
        auto bot = start("untrusted", "production");
        ASSERT_TRUE(wait_ready(*bot)) << bot->output();
        EXPECT_TRUE(bot->wait_output("msg=\"alert not delivered\" kind=startup attempt=1 error=", 10s))
            << bot->output();
        bot->send_signal(SIGTERM);
        ASSERT_TRUE(bot->wait_exit(15s).has_value()) << bot->output();
        EXPECT_EQ(bot->output().find("msg=\"alert not accepted\""), std::string::npos) << bot->output();
    }
    // Trusted through OpenSSL's default paths (SSL_CERT_FILE), as a public CA is for discord.com.
    ::setenv("SSL_CERT_FILE", sim_.cert().c_str(), 1);
    auto bot = start("trusted", "production");
    ::unsetenv("SSL_CERT_FILE");
    ASSERT_TRUE(wait_ready(*bot)) << bot->output();
    bot->send_signal(SIGTERM);
    ASSERT_TRUE(bot->wait_exit(15s).has_value()) << bot->output();
    EXPECT_NE(bot->output().find("msg=\"alert not accepted\" kind=shutdown attempt=1 status=4"), std::string::npos)
        << bot->output();
    EXPECT_NE(bot->output().find("msg=\"alert given up\" kind=shutdown attempts=1 retryable=false"), std::string::npos)
        << bot->output();
    EXPECT_EQ(bot->output().find("tls-token"), std::string::npos) << "the webhook URL is a secret";
}

TEST_F(alerts_test, a_venue_rest_outage_longer_than_the_grace_is_reported_and_so_is_its_end) {
    tradebot::test::webhook_receiver receiver;
    ASSERT_NE(receiver.port(), 0);
    write_config(local(receiver) + "/api/webhooks/9/outage-token\n    format: discord\n    outage_grace_seconds: 1\n");
    auto bot = start("bot", "production");
    ASSERT_TRUE(wait_ready(*bot)) << bot->output();
    ASSERT_TRUE(receiver.wait_accepted("INFO startup: started", 10s)) << bot->output();
    // Every Binance REST request fails (HTTP 503) until the fault is cleared: the daemon's
    // periodic mark read says the REST API is down, for longer than the 1 s grace.
    const auto [frc, fault] =
        sim_.control(sim_.binance_port(), "POST", "/sim/fault", R"({"kind":"http_5xx","count":1000000})");
    ASSERT_EQ(frc, 200) << fault;
    ASSERT_TRUE(receiver.wait_accepted("] WARNING venue_down: binance REST API down for ", 20s)) << bot->output();
    const auto [crc, cleared] = sim_.control(sim_.binance_port(), "POST", "/sim/fault", R"({"kind":"clear"})");
    ASSERT_EQ(crc, 200) << cleared;
    ASSERT_TRUE(receiver.wait_accepted("] RESOLVED venue_down: binance REST API is back after ", 20s)) << bot->output();
    bot->send_signal(SIGTERM);
    ASSERT_TRUE(bot->wait_exit(15s).has_value()) << bot->output();

    const auto texts = contents(receiver);
    EXPECT_EQ(count_with(texts, "venue_down: binance REST API"), 2U) << "one outage: one alert, one resolution";
    EXPECT_EQ(count_with(texts, "bybit"), 0U) << "the other venue was never down";
    EXPECT_EQ(count_with(texts, "database_down"), 0U);
    EXPECT_NE(texts.back().find("shutdown"), std::string::npos);
    EXPECT_EQ(bot->output().find("outage-token"), std::string::npos) << "the webhook URL is a secret";
}

}  // namespace

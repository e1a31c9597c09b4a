// The Grafana dashboard (docker/grafana/dashboards) must show what a real daemon exports: a paper
// session on tradebot-sim that goes through every path the dashboard charts (a restart that
// restores a stop, a REST error, trailing, a stop-out, a stream drop) is scraped, and
// scripts/check-metric-names.sh finds each name the dashboard and the alert rules
// (docker/prometheus/alerts.yml) use in that scrape: a rule on a metric the daemon does not export
// could never fire.
#include <csignal>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "session_fixture.hpp"

using namespace std::chrono_literals;
using tradebot::test::run_shell;

namespace {

class dashboard_metrics_test : public tradebot::test::session_test {
protected:
    // Polls /metrics until it holds `needle`.
    bool wait_metric(const std::string& needle, std::chrono::milliseconds timeout) const {
        for (auto waited = 0ms; waited < timeout; waited += 100ms) {
            const auto [rc, out] = get("/metrics");
            if (rc == 0 && out.find(needle) != std::string::npos) {
                return true;
            }
            std::this_thread::sleep_for(100ms);
        }
        return false;
    }
};

TEST_F(dashboard_metrics_test, every_metric_the_dashboard_and_the_alerts_name_is_in_a_real_scrape) {
    write_exchanges();
    write_main(pg_url_, "logging:\n  file: ''\n");
    write_immediate_strategy();

    // First run: a Bybit paper position, then a restart that finds its stop gone (paper state is in memory).
    {
        auto first = start("first", "test");
        ASSERT_TRUE(wait_ready(*first)) << first->output();
        insert_signals({"'bybit', 'ETHUSDT', 'buy', 80, 80"});
        ASSERT_TRUE(first->wait_output("msg=\"position protected\"", 10s)) << first->output();
        first->send_signal(SIGTERM);
        ASSERT_TRUE(first->wait_exit(10s).has_value());
    }
    // One 503 on the next Binance request: a venue error the second run retries through.
    const auto [frc, fault] = sim_.control(sim_.binance_port(), "POST", "/sim/fault", R"({"kind":"http_5xx","count":1})");
    ASSERT_EQ(frc, 200) << fault;
    auto bot = start("bot", "test");
    ASSERT_TRUE(wait_ready(*bot)) << bot->output();
    ASSERT_TRUE(wait_metric("tradebot_stops_restored_total{exchange=\"bybit\"} 1", 10s)) << bot->output();
    ASSERT_TRUE(wait_metric("tradebot_exchange_errors_total{", 5s)) << bot->output();

    // Second run: a Binance position that trails (+2.5 % passes the 1.5 % activation) and stops out.
    const auto mark = bot->output().size();
    insert_signals({"'binance', 'BTCUSDT', 'buy', 80, 80"});
    ASSERT_TRUE(wait_count(*bot, "msg=\"position protected\"", mark, 1, 10s)) << bot->output();
    move_price("BTCUSDT", "2.5");
    ASSERT_TRUE(wait_metric("tradebot_stop_moves_total{", 10s)) << bot->output();
    move_price("BTCUSDT", "-2");
    ASSERT_TRUE(wait_metric("tradebot_exits_total{", 10s)) << bot->output();
    const auto [drc, dropped] = sim_.control(sim_.binance_port(), "POST", "/sim/fault", R"({"kind":"drop_streams"})");
    ASSERT_EQ(drc, 200) << dropped;
    ASSERT_TRUE(wait_metric("tradebot_exchange_stream_reconnects_total{", 10s)) << bot->output();

    const auto scrape = dir_.path() / "metrics.txt";
    const auto [src, saved] = run_shell("curl -sf -o " + scrape.string() + " http://127.0.0.1:" + std::to_string(port_) + "/metrics");
    ASSERT_EQ(src, 0) << saved;
    const auto source = tradebot::test::source_dir();
    const auto [rc, out] = run_shell((source / "scripts/check-metric-names.sh").string() + " " + scrape.string() + " " +
                                     (source / "docker/grafana/dashboards/tradebot.json").string() + " " +
                                     (source / "docker/prometheus/alerts.yml").string());
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("all "), std::string::npos) << out;
    // Both positions were protected and are closed: none is counted as without a stop.
    const auto text = tradebot::test::read_file(scrape);
    EXPECT_NE(text.find("tradebot_positions_unprotected{exchange=\"binance\"} 0"), std::string::npos) << text;

    // The image's health check (docker/healthcheck.sh) against the same daemon.
    const auto health = (source / "docker/healthcheck.sh").string() + " " + std::to_string(port_);
    EXPECT_EQ(run_shell(health + " /health").first, 0);
    const auto [nrc, not_found] = run_shell(health + " /no-such-path");
    EXPECT_EQ(nrc, 1) << not_found;
    EXPECT_NE(not_found.find("404"), std::string::npos) << not_found;

    // The check can fail: a name the daemon does not export is reported.
    tradebot::test::write_file(dir_.path() / "bogus.json", R"x({"expr":"rate(tradebot_no_such_metric_total[5m])"})x");
    const auto [brc, bad] = run_shell((source / "scripts/check-metric-names.sh").string() + " " + scrape.string() + " " +
                                      (dir_.path() / "bogus.json").string());
    EXPECT_EQ(brc, 1) << bad;
    EXPECT_NE(bad.find("missing: tradebot_no_such_metric_total"), std::string::npos) << bad;
}

}  // namespace

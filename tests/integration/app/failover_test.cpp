// Two tradebot processes on one PostgreSQL schema and one simulator account (issue 19, "High
// availability"): one holds the instance lease and trades, the other stands by with warm market
// streams. Killing the active one during a burst hands the account to the standby within 10 s;
// no signal is traded twice and every position on the venue has its stop.
#include <algorithm>
#include <array>
#include <cctype>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <boost/json.hpp>

#include "session_fixture.hpp"
#include "tcp_proxy.hpp"
#include "tradebot/core/decimal.hpp"

namespace tradebot::test {
namespace {

using namespace std::chrono_literals;

class failover_test : public session_test {
protected:
    struct instance {
        std::string name;
        unsigned short port = 0;
        std::unique_ptr<child_process> process;
    };

    void SetUp() override {
        session_test::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        const std::string keys = "    api_key: " + std::string{sim_process::api_key} +
                                 "\n    api_secret: " + std::string{sim_process::api_secret} + "\n";
        write_exchanges(keys, keys);
        write_immediate_strategy();
    }

    // Its own config directory (own pid file, HTTP port and log), the shared schema and venues.
    instance start_instance(const std::string& name, const std::string& ha = {}, const std::string& url = {}) {
        const auto dir = dir_.path() / name;
        std::filesystem::create_directories(dir);
        for (const char* file : {"exchanges.yaml", "strategies.yaml"}) {
            std::filesystem::copy_file(config_dir() / file, dir / file,
                                       std::filesystem::copy_options::overwrite_existing);
        }
        instance i{name, free_port(), nullptr};
        write_file(dir / "tradebot.yaml",
                   "app:\n"
                   "  pid_file: " + (dir / "tradebot.pid").string() + "\n"
                   "  shutdown_deadline_seconds: 5\n"
                   "database:\n"
                   "  url: " + (url.empty() ? pg_url_ : url) + "\n"
                   "  schema: " + schema_ + "\n"
                   "  poll_interval_ms: 200\n"
                   "http:\n"
                   "  port: " + std::to_string(i.port) + "\n"
                   "logging:\n"
                   "  file: ''\n" + ha);
        i.process = std::make_unique<child_process>(
            built_binary("src/bin/tradebot"), std::vector<std::string>{"--mode", "production", "--config", dir.string()},
            dir_.path() / (name + ".log"));
        return i;
    }

    static std::pair<int, std::string> get_at(unsigned short port, const std::string& path) {
        return run_shell("curl -s -m 2 -w '\\n%{http_code}' http://127.0.0.1:" + std::to_string(port) + path);
    }

    static bool ready(const instance& i) {
        const auto [rc, out] = get_at(i.port, "/ready");
        return rc == 0 && out.ends_with("\n200");
    }

    // "active", "standby", or "" while /status does not answer.
    static std::string role(const instance& i) {
        const auto [rc, out] = get_at(i.port, "/status");
        if (rc != 0 || !out.ends_with("\n200")) {
            return {};
        }
        const auto body = boost::json::parse(out.substr(0, out.rfind('\n'))).as_object();
        const auto* r = body.if_contains("role");
        return r != nullptr && r->is_string() ? std::string{r->as_string()} : std::string{};
    }

    static bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds limit) {
        const auto until = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < until) {
            if (done()) {
                return true;
            }
            std::this_thread::sleep_for(50ms);
        }
        return done();
    }

    [[nodiscard]] std::string psql(const std::string& query) const {
        const auto [rc, out] = run_shell("psql -tA '" + pg_url_ + "' -c \"" + query + "\"");
        return rc == 0 ? out : "psql failed: " + out;
    }

    [[nodiscard]] int undecided() const {
        const auto out = psql("SELECT count(*) FROM " + schema_ + ".signals WHERE status = 'new'");
        return out.empty() || !std::isdigit(static_cast<unsigned char>(out[0])) ? -1 : std::stoi(out);
    }

    // Venue side: symbol -> size of each open position; symbols with a stop of ours.
    struct venue_book {
        std::map<std::string, std::vector<std::string>> sizes;
        std::set<std::string> stopped;
        std::string raw;
    };
    [[nodiscard]] venue_book venue_state(int port) const {
        venue_book b;
        const auto [status, text] = sim_.control(port, "GET", "/sim/state", "");
        b.raw = text;
        if (status != 200) {
            return b;
        }
        const auto engine = boost::json::parse(text).at("engine").as_object();
        for (const auto& a : engine.at("accounts").as_array()) {
            for (const auto& p : a.at("positions").as_array()) {
                const auto symbol = std::string{p.at("symbol").as_string()};
                b.sizes[symbol].emplace_back(p.at("size").as_string());
                const auto* stop = p.as_object().if_contains("trading_stop");
                if (stop != nullptr && stop->at("stop_loss").as_string() != "0") {
                    b.stopped.insert(symbol);
                }
            }
        }
        for (const auto& c : engine.at("open_conditionals").as_array()) {
            b.stopped.insert(std::string{c.at("symbol").as_string()});
        }
        return b;
    }

    // Nothing traded twice and nothing left unprotected, on both venues: one live row per
    // (venue, symbol), one venue position of the same size, and a stop on the venue for it.
    void expect_one_protected_position_per_symbol(const std::set<std::string>& binance,
                                                  const std::set<std::string>& bybit, const std::string& logs) const {
        const std::map<std::string, std::pair<int, const std::set<std::string>*>> venues{
            {"binance", {sim_.binance_port(), &binance}}, {"bybit", {sim_.bybit_port(), &bybit}}};
        for (const auto& [venue, what] : venues) {
            const auto book = venue_state(what.first);
            // Whatever the venue holds is ours and under a stop, signalled or adopted.
            for (const auto& [symbol, sizes] : book.sizes) {
                EXPECT_TRUE(book.stopped.contains(symbol)) << venue << " " << symbol << " unprotected\n" << book.raw;
            }
            for (const auto& symbol : *what.second) {
                const auto rows = psql("SELECT count(*) || '|' || coalesce(max(qty)::text, '') FROM " + schema_ +
                                       ".positions WHERE exchange = '" + venue + "' AND symbol = '" + symbol +
                                       "' AND state NOT IN ('closed', 'failed')");
                const auto sizes = book.sizes.find(symbol);
                ASSERT_NE(sizes, book.sizes.end()) << venue << " " << symbol << " has no position\n" << book.raw << logs;
                ASSERT_EQ(sizes->second.size(), 1U) << venue << " " << symbol << "\n" << book.raw;
                const auto venue_size = core::decimal::from_string(sizes->second.front()).abs();
                EXPECT_EQ(rows.substr(0, 2), "1|") << venue << " " << symbol << ": " << rows << logs;
                const auto row_qty = rows.substr(2, rows.size() - 3);
                EXPECT_EQ(venue_size, core::decimal::from_string(row_qty))
                    << venue << " " << symbol << ": traded twice? venue " << sizes->second.front() << ", row " << rows;
                EXPECT_TRUE(book.stopped.contains(symbol)) << venue << " " << symbol << " unprotected\n" << book.raw;
            }
        }
    }
};

TEST_F(failover_test, a_lone_instance_is_active_at_once_and_a_second_one_stands_by_not_ready) {
    auto a = start_instance("a");
    ASSERT_TRUE(wait_for([&] { return ready(a); }, 20s)) << a.process->output();
    EXPECT_EQ(role(a), "active") << a.process->output();
    auto b = start_instance("b");
    ASSERT_TRUE(wait_for([&] { return role(b) == "standby"; }, 20s)) << b.process->output();
    ASSERT_TRUE(b.process->wait_output("standby: market stream warm", 10s)) << b.process->output();
    const auto [rc, body] = get_at(b.port, "/ready");
    EXPECT_TRUE(body.ends_with("\n503")) << body;
    const auto [mrc, metrics] = get_at(b.port, "/metrics");
    EXPECT_NE(metrics.find("tradebot_instance_active 0"), std::string::npos) << metrics;
    const auto [arc, ametrics] = get_at(a.port, "/metrics");
    EXPECT_NE(ametrics.find("tradebot_instance_active 1"), std::string::npos) << ametrics;
    EXPECT_EQ(psql("SELECT fencing_token FROM " + schema_ + ".instance_lease WHERE name = 'production'"), "1\n");

    // A clean stop hands the lease on at once: the standby does not wait out the duration.
    a.process->send_signal(SIGTERM);
    const auto stopped = std::chrono::steady_clock::now();
    ASSERT_EQ(a.process->wait_exit(15s), std::optional<int>{0}) << a.process->output();
    EXPECT_NE(a.process->output().find("instance lease released"), std::string::npos) << a.process->output();
    ASSERT_TRUE(wait_for([&] { return ready(b); }, 15s)) << b.process->output();
    EXPECT_LT(std::chrono::steady_clock::now() - stopped, 5s);
    EXPECT_EQ(role(b), "active");
    EXPECT_EQ(psql("SELECT fencing_token FROM " + schema_ + ".instance_lease WHERE name = 'production'"), "2\n");
}

TEST_F(failover_test, the_standby_takes_over_within_10_s_when_the_active_is_killed_during_a_burst) {
    auto a = start_instance("a");
    ASSERT_TRUE(wait_for([&] { return ready(a); }, 20s)) << a.process->output();
    auto b = start_instance("b");
    ASSERT_TRUE(wait_for([&] { return role(b) == "standby"; }, 20s)) << b.process->output();

    insert_signals({"'binance', 'BTCUSDT', 'buy', 80, 80", "'bybit', 'BTCUSDT', 'buy', 80, 80",
                    "'binance', 'ETHUSDT', 'sell', 80, 80", "'bybit', 'ETHUSDT', 'sell', 80, 80",
                    "'binance', 'SOLUSDT', 'buy', 80, 80", "'bybit', 'SOLUSDT', 'buy', 80, 80"});
    // Killed in the middle: some signals decided, some in flight, some not yet read.
    ASSERT_TRUE(wait_for([&] { return undecided() >= 0 && undecided() <= 4; }, 20s)) << a.process->output();
    a.process->send_signal(SIGKILL);
    const auto killed = std::chrono::steady_clock::now();
    ASSERT_TRUE(a.process->wait_exit(5s).has_value());

    ASSERT_TRUE(wait_for([&] { return ready(b); }, 10s)) << b.process->output();
    const auto takeover = std::chrono::steady_clock::now() - killed;
    EXPECT_LT(takeover, 10s);
    EXPECT_EQ(role(b), "active");
    std::cout << "takeover after kill -9: "
              << std::chrono::duration_cast<std::chrono::milliseconds>(takeover).count() << " ms\n";

    // The rest of the burst arrives after the take-over.
    insert_signals({"'binance', 'XRPUSDT', 'buy', 80, 80", "'bybit', 'XRPUSDT', 'buy', 80, 80",
                    "'binance', 'DOGEUSDT', 'sell', 80, 80", "'bybit', 'DOGEUSDT', 'sell', 80, 80"});
    ASSERT_TRUE(wait_for([&] { return undecided() == 0; }, 40s))
        << psql("SELECT string_agg(status || ':' || coalesce(status_reason, ''), ',' ORDER BY id) FROM " + schema_ +
                ".signals")
        << b.process->output();
    // Every signal was decided once: taken (the ones the dead instance decided, the ones it left
    // claimed and the reconciliation found an entry for, the new ones) or, for an entry it had
    // journaled but never sent, failed by the orphaned-claim pass; none is left, none traded twice.
    const auto outcomes = psql("SELECT string_agg(exchange || ':' || symbol || ':' || status || ':' || "
                               "coalesce(status_reason, ''), ',' ORDER BY id) FROM " + schema_ + ".signals");
    EXPECT_EQ(psql("SELECT count(*) FROM " + schema_ + ".signals WHERE status NOT IN ('taken', 'failed')"), "0\n")
        << outcomes << b.process->output();
    EXPECT_GE(std::stoi(psql("SELECT count(*) FROM " + schema_ + ".signals WHERE status = 'taken'")), 8) << outcomes;
    std::set<std::string> binance;
    std::set<std::string> bybit;
    std::istringstream taken{psql("SELECT exchange || ' ' || symbol FROM " + schema_ + ".signals WHERE status = 'taken'")};
    for (std::string venue, symbol; taken >> venue >> symbol;) {
        (venue == "binance" ? binance : bybit).insert(symbol);
    }
    const auto expected = std::to_string(binance.size() + bybit.size()) + "\n";
    ASSERT_TRUE(wait_for(
        [&] {
            return psql("SELECT count(*) FROM " + schema_ + ".positions WHERE state = 'protected'") == expected &&
                   psql("SELECT count(*) FROM " + schema_ +
                        ".positions WHERE state NOT IN ('protected', 'closed', 'failed')") == "0\n";
        },
        20s))
        << psql("SELECT string_agg(exchange || ':' || symbol || ':' || state, ',' ORDER BY id) FROM " + schema_ +
                ".positions")
        << outcomes << b.process->output();
    expect_one_protected_position_per_symbol(binance, bybit, a.process->output() + b.process->output());
    EXPECT_EQ(psql("SELECT fencing_token FROM " + schema_ + ".instance_lease WHERE name = 'production'"), "2\n");
}

// A process that stops answering (SIGSTOP: a long pause, or a host cut off from the database)
// loses its lease; when it runs again it finds its deadline passed and stops trading by itself,
// and the database would refuse its writes anyway.
TEST_F(failover_test, an_active_that_could_not_renew_in_time_stops_trading_when_it_runs_again) {
    auto a = start_instance("a");
    ASSERT_TRUE(wait_for([&] { return ready(a); }, 20s)) << a.process->output();
    auto b = start_instance("b");
    ASSERT_TRUE(wait_for([&] { return role(b) == "standby"; }, 20s)) << b.process->output();
    a.process->send_signal(SIGSTOP);
    ASSERT_TRUE(wait_for([&] { return ready(b); }, 10s)) << b.process->output();
    insert_signals({"'binance', 'BTCUSDT', 'buy', 80, 80"});
    ASSERT_TRUE(b.process->wait_output("msg=\"position protected\"", 15s)) << b.process->output();
    a.process->send_signal(SIGCONT);
    ASSERT_EQ(a.process->wait_exit(15s), std::optional<int>{75}) << a.process->output();
    EXPECT_NE(a.process->output().find("instance lease lost: this instance stops trading"), std::string::npos)
        << a.process->output();
    EXPECT_EQ(role(b), "active");
    expect_one_protected_position_per_symbol({"BTCUSDT"}, {}, a.process->output() + b.process->output());
}

// A real partition: the active process reaches PostgreSQL through a proxy that stops passing any
// byte (no reset, no FIN: its statements just wait). It cannot renew, so it stops trading by itself
// when its lease is due, before the database lets the standby take over; the standby trades.
TEST_F(failover_test, an_active_partitioned_from_the_database_stops_trading_and_the_standby_takes_over) {
    // postgresql://user@127.0.0.1:PORT/db -> the same URL through the proxy.
    const auto host_at = pg_url_.find('@');
    const auto colon = pg_url_.find(':', host_at);
    const auto slash = pg_url_.find('/', colon);
    ASSERT_TRUE(host_at != std::string::npos && colon != std::string::npos && slash != std::string::npos) << pg_url_;
    tcp_proxy proxy{static_cast<unsigned short>(std::stoi(pg_url_.substr(colon + 1, slash - colon - 1)))};
    const auto proxied = pg_url_.substr(0, colon + 1) + std::to_string(proxy.port()) + pg_url_.substr(slash);

    auto a = start_instance("a", {}, proxied);
    ASSERT_TRUE(wait_for([&] { return ready(a); }, 20s)) << a.process->output();
    auto b = start_instance("b");
    ASSERT_TRUE(wait_for([&] { return role(b) == "standby"; }, 20s)) << b.process->output();

    proxy.partition();
    const auto cut = std::chrono::steady_clock::now();
    ASSERT_TRUE(a.process->wait_output("msg=\"instance lease lost: this instance stops trading\"", 10s))
        << a.process->output();
    const auto stopped_after = std::chrono::steady_clock::now() - cut;
    EXPECT_NE(a.process->output().find("reason=expired"), std::string::npos) << a.process->output();
    // It stopped trading before its lease could run out in the database (5 s after its last renewal).
    EXPECT_LT(stopped_after, 5s);
    EXPECT_FALSE(ready(a));
    ASSERT_TRUE(wait_for([&] { return ready(b); }, 10s)) << b.process->output();
    EXPECT_LT(std::chrono::steady_clock::now() - cut, 10s);
    std::cout << "partition: active stopped after "
              << std::chrono::duration_cast<std::chrono::milliseconds>(stopped_after).count()
              << " ms, standby trading after "
              << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - cut).count()
              << " ms\n";

    insert_signals({"'binance', 'BTCUSDT', 'buy', 80, 80", "'bybit', 'ETHUSDT', 'sell', 80, 80"});
    ASSERT_TRUE(wait_for([&] { return undecided() == 0; }, 20s)) << b.process->output();
    EXPECT_EQ(psql("SELECT string_agg(status, ',') FROM " + schema_ + ".signals"), "taken,taken\n");
    ASSERT_TRUE(wait_for(
        [&] { return psql("SELECT count(*) FROM " + schema_ + ".positions WHERE state = 'protected'") == "2\n"; },
        20s))
        << b.process->output();
    expect_one_protected_position_per_symbol({"BTCUSDT"}, {"ETHUSDT"}, a.process->output() + b.process->output());
    // The cut-off process drains what it can and exits without waiting on its dead connections.
    EXPECT_EQ(a.process->wait_exit(20s), std::optional<int>{75}) << a.process->output();
}

// scripts/failover-bench.sh: TRADEBOT_FAILOVER_ROUNDS takeovers by kill -9 of whichever instance
// is active, timed from the kill to the standby's /ready 200 (lease expiry, its next look, the
// start-up reconciliation). Skipped unless the variable is set.
TEST_F(failover_test, bench_takeovers_after_kill_9) {
    const char* rounds_text = std::getenv("TRADEBOT_FAILOVER_ROUNDS");
    if (rounds_text == nullptr) {
        GTEST_SKIP() << "set TRADEBOT_FAILOVER_ROUNDS (scripts/failover-bench.sh)";
    }
    const int rounds = std::max(1, std::atoi(rounds_text));
    // TRADEBOT_FAILOVER_LEASE_MS: another ha.lease_duration_ms, renewed every fifth of it.
    std::string ha;
    if (const char* lease = std::getenv("TRADEBOT_FAILOVER_LEASE_MS")) {
        const int ms = std::atoi(lease);
        ha = "ha:\n  lease_duration_ms: " + std::to_string(ms) + "\n  renew_interval_ms: " + std::to_string(ms / 5) + "\n";
    }
    std::array<instance, 2> pair{start_instance("a", ha), instance{}};
    ASSERT_TRUE(wait_for([&] { return ready(pair[0]); }, 20s)) << pair[0].process->output();
    pair[1] = start_instance("b", ha);
    ASSERT_TRUE(wait_for([&] { return role(pair[1]) == "standby"; }, 20s)) << pair[1].process->output();
    std::vector<long> ms;
    std::size_t active = 0;
    for (int round = 0; round < rounds; ++round) {
        auto& victim = pair[active];
        auto& heir = pair[1 - active];
        victim.process->send_signal(SIGKILL);
        const auto killed = std::chrono::steady_clock::now();
        ASSERT_TRUE(victim.process->wait_exit(5s).has_value());
        ASSERT_TRUE(wait_for([&] { return ready(heir); }, 20s)) << heir.process->output();
        ms.push_back(static_cast<long>(
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - killed).count()));
        std::cout << "takeover " << round + 1 << ": " << ms.back() << " ms\n" << std::flush;
        victim = start_instance(victim.name + std::to_string(round), ha);
        ASSERT_TRUE(wait_for([&] { return role(victim) == "standby"; }, 20s)) << victim.process->output();
        active = 1 - active;
    }
    auto sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    const auto p50 = sorted[(sorted.size() - 1) / 2];
    std::cout << "failover takeovers=" << sorted.size() << " p50_ms=" << p50 << " max_ms=" << sorted.back()
              << " min_ms=" << sorted.front() << "\n";
    EXPECT_LT(sorted.back(), 10'000);
}

}  // namespace
}  // namespace tradebot::test

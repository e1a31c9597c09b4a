#pragma once

// A whole trading session as an operator runs it: tradebot-sim, a real PostgreSQL schema of its
// own, a config directory and the tradebot binary, for tests that look at everything a session
// leaves behind (logs, /metrics, database rows, command output).
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "tradebot_test/env.hpp"
#include "tradebot_test/process.hpp"
#include "tradebot_test/sim_process.hpp"

namespace tradebot::test {

class session_test : public ::testing::Test {
protected:
    void SetUp() override {
        TRADEBOT_REQUIRE_PG(url);
        pg_url_ = url;
        schema_ = "tb_session_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++);
        port_ = free_port();
        std::string why;
        ASSERT_TRUE(sim_.started(&why)) << why;
        configure();
    }

    // The test's own setup once the session is up (the simulator started, a schema named): write
    // the config files here. Not called when the test is skipped or the session could not start.
    virtual void configure() {}

    void TearDown() override {
        if (!schema_.empty() && !pg_url_.empty()) {
            run_shell("psql -q '" + pg_url_ + "' -c 'DROP SCHEMA IF EXISTS " + schema_ + " CASCADE'");
        }
    }

    [[nodiscard]] std::filesystem::path config_dir() const { return dir_.path() / "config"; }
    [[nodiscard]] std::string bin() const { return built_binary("src/bin/tradebot").string(); }

    // exchanges.yaml for both venues on the simulator; `extra[i]` is appended to venue i's block
    // (binance, bybit), e.g. "    api_key: ...\n".
    void write_exchanges(const std::string& binance_extra = {}, const std::string& bybit_extra = {}) const {
        auto venue = [this](const char* name, const std::string& rest, const std::string& ws, const char* pub,
                            const char* market, const char* priv, const std::string& extra) {
            return std::string{"  "} + name + ":\n    endpoint: custom\n    rest_url: " + rest + "\n    ws_public_url: " +
                   ws + pub + "\n    ws_market_url: " + ws + market + "\n    ws_private_url: " + ws + priv +
                   "\n    ca_file: " + sim_.cert().string() + "\n" + extra;
        };
        write_file(config_dir() / "exchanges.yaml",
                   "exchanges:\n" +
                       venue("binance", sim_.binance_url(), sim_.binance_ws_url(), "/public", "/market", "/private",
                             binance_extra) +
                       venue("bybit", sim_.bybit_url(), sim_.bybit_ws_url(), "/v5/public/linear", "/v5/public/linear",
                             "/v5/private", bybit_extra));
    }

    // tradebot.yaml; `database_url` replaces the test URL (e.g. an encrypted one), `extra` is
    // appended, `app_extra` goes into the app: block (e.g. "  mode: production\n").
    void write_main(const std::string& database_url, const std::string& extra = {},
                    const std::string& app_extra = {}) const {
        write_file(config_dir() / "tradebot.yaml",
                   "app:\n" + app_extra +
                   "  pid_file: " + (dir_.path() / "tradebot.pid").string() + "\n"
                   "  shutdown_deadline_seconds: 5\n"
                   "database:\n"
                   "  url: " + database_url + "\n"
                   "  schema: " + schema_ + "\n"
                   "  poll_interval_ms: 200\n"
                   "http:\n"
                   "  port: " + std::to_string(port_) + "\n" + extra);
    }

    // An operator's production setup on the simulator's account: both venues with its keys, the
    // mode in tradebot.yaml (commands run without --mode read it there; a test may sed it to
    // test), the log on stderr only; `extra` is appended to tradebot.yaml.
    void write_production(const std::string& extra = {}) const {
        const auto keys = std::string{"    api_key: "} + sim_process::api_key + "\n    api_secret: " +
                          sim_process::api_secret + "\n";
        write_exchanges(keys, keys);
        write_main(pg_url_, "logging:\n  file: ''\n" + extra, "  mode: production\n");
    }

    // Signals acted on as they arrive, without the filters that need market statistics; `extra`
    // is appended to strategies.yaml.
    void write_immediate_strategy(const std::string& extra = {}) const {
        write_file(config_dir() / "strategies.yaml",
                   "signals:\n"
                   "  immediate: true\n"
                   "  filters:\n"
                   "    open_interest_enabled: false\n"
                   "    volume_enabled: false\n"
                   "    price_change_enabled: false\n" + extra);
    }

    std::unique_ptr<child_process> start(const std::string& name, const std::string& mode) {
        return std::make_unique<child_process>(
            built_binary("src/bin/tradebot"),
            std::vector<std::string>{"--mode", mode, "--config", config_dir().string()}, dir_.path() / (name + ".log"));
    }

    // The daemon with the mode its tradebot.yaml names.
    std::unique_ptr<child_process> start_daemon(const std::string& name) {
        return std::make_unique<child_process>(built_binary("src/bin/tradebot"),
                                               std::vector<std::string>{"--config", config_dir().string()},
                                               dir_.path() / (name + ".log"));
    }

    // `tradebot <args> --config DIR`, stdin not a terminal (no confirmation prompt); stdout and
    // stderr together. `env` is put before the command (e.g. "TRADEBOT_CONTROL_TOKEN=x").
    [[nodiscard]] std::pair<int, std::string> tradebot(const std::string& args, const std::string& env = {}) const {
        return run_shell(env + (env.empty() ? "" : " ") + bin() + " " + args + " --config " + config_dir().string() +
                         " </dev/null");
    }

    // The command's --json answer: its one stdout line (the log on stderr kept apart).
    [[nodiscard]] boost::json::object json_of(const std::string& args, int expected_rc,
                                              const std::string& env = {}) const {
        const auto [rc, out] = run_shell("(" + env + (env.empty() ? "" : " ") + bin() + " " + args + " --json --config " +
                                         config_dir().string() + " </dev/null 2>/dev/null)");
        EXPECT_EQ(rc, expected_rc) << args << "\n" << out;
        boost::system::error_code ec;
        auto v = boost::json::parse(out, ec);
        EXPECT_FALSE(ec) << args << ": not one JSON object:\n" << out;
        return !ec && v.is_object() ? v.as_object() : boost::json::object{};
    }

    void migrate() const {
        const auto [rc, out] = tradebot("db migrate");
        ASSERT_EQ(rc, 0) << out;
    }

    // One statement in the session's schema; its rows as psql -tA prints them.
    std::string sql(const std::string& query) const {
        const auto [rc, out] =
            run_shell("PGOPTIONS='-c search_path=" + schema_ + "' psql -qtA '" + pg_url_ + "' -c \"" + query + "\"");
        EXPECT_EQ(rc, 0) << out;
        return out;
    }

    // A signed Binance REST request on the simulator's account, as any client sends it.
    [[nodiscard]] std::pair<int, std::string> binance_signed(const std::string& method, const std::string& path,
                                                             const std::string& params) const {
        const std::string query = params + "&timestamp=$(date +%s%3N)";
        return run_shell("q=\"" + query + "\"; sig=$(printf '%s' \"$q\" | openssl dgst -sha256 -hmac " +
                         std::string{sim_process::api_secret} + " | sed 's/^.* //'); curl -sf --cacert " +
                         sim_.cert().string() + " -H 'X-MBX-APIKEY: " + sim_process::api_key + "' -X " + method +
                         " \"" + sim_.binance_url() + path + "?$q&signature=$sig\"");
    }

    // A signed Bybit V5 POST with a JSON body on the simulator's account: the signature is
    // HMAC-SHA256 over timestamp + key + recv_window + body.
    [[nodiscard]] std::pair<int, std::string> bybit_post(const std::string& path, const std::string& body) const {
        return run_shell("t=$(date +%s%3N); b='" + body + "'; sig=$(printf '%s' \"${t}" + sim_process::api_key +
                         "5000$b\" | openssl dgst -sha256 -hmac " + std::string{sim_process::api_secret} +
                         " | sed 's/^.* //'); curl -sf --cacert " + sim_.cert().string() +
                         " -H 'Content-Type: application/json' -H 'X-BAPI-API-KEY: " + sim_process::api_key +
                         "' -H \"X-BAPI-TIMESTAMP: $t\" -H 'X-BAPI-RECV-WINDOW: 5000' -H \"X-BAPI-SIGN: $sig\" -d \"$b\" " +
                         sim_.bybit_url() + path);
    }

    // {exit code, body + "\n" + HTTP status}
    [[nodiscard]] std::pair<int, std::string> get(const std::string& path) const {
        return run_shell("curl -s -w '\\n%{http_code}' http://127.0.0.1:" + std::to_string(port_) + path);
    }

    bool wait_ready(child_process& p) const {
        using namespace std::chrono_literals;
        for (int i = 0; i < 300; ++i) {
            const auto [rc, out] = get("/ready");
            if (rc == 0 && out.ends_with("\n200")) {
                return true;
            }
            if (p.wait_exit(20ms)) {
                return false;
            }
        }
        return false;
    }

    // Waits until `needle` occurs `count` times in the output after byte `from`.
    static bool wait_count(child_process& p, const std::string& needle, std::size_t from, int count,
                           std::chrono::milliseconds timeout) {
        using namespace std::chrono_literals;
        for (auto waited = 0ms; waited < timeout; waited += 100ms) {
            const auto out = p.output();
            int n = 0;
            for (auto at = out.find(needle, from); at != std::string::npos; at = out.find(needle, at + 1)) {
                ++n;
            }
            if (n >= count) {
                return true;
            }
            if (p.wait_exit(100ms)) {
                return false;
            }
        }
        return false;
    }

    // Signal rows "exchange, symbol, side, score_week, score_month" in the current 15-minute candle.
    void insert_signals(const std::vector<std::string>& rows) const {
        std::string values;
        for (const auto& r : rows) {
            values += (values.empty() ? "(" : ", (") + r +
                      ", date_trunc('hour', now()) + floor(extract(minute from now()) / 15) * interval '15 min')";
        }
        const auto [rc, out] = run_shell("psql -q '" + pg_url_ + "' -c \"INSERT INTO " + schema_ +
                                         ".signals (exchange, symbol, side, score_week, score_month, candle_time) "
                                         "VALUES " + values + "\"");
        ASSERT_EQ(rc, 0) << out;
    }

    void move_price(const std::string& symbol, const std::string& pct) const {
        const auto [rc, out] = sim_.control(sim_.binance_port(), "POST", "/sim/price",
                                            R"({"symbol":")" + symbol + R"(","move_pct":")" + pct + R"("})");
        ASSERT_EQ(rc, 200) << out;
    }

    sim_process sim_;
    temp_dir dir_;
    std::string pg_url_;
    std::string schema_;
    unsigned short port_ = 0;
    static inline int counter_ = 0;
};

}  // namespace tradebot::test

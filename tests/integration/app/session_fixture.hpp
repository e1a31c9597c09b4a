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
    }

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

    // tradebot.yaml; `database_url` replaces the test URL (e.g. an encrypted one), `extra` is appended.
    void write_main(const std::string& database_url, const std::string& extra = {}) const {
        write_file(config_dir() / "tradebot.yaml",
                   "app:\n"
                   "  pid_file: " + (dir_.path() / "tradebot.pid").string() + "\n"
                   "  shutdown_deadline_seconds: 5\n"
                   "database:\n"
                   "  url: " + database_url + "\n"
                   "  schema: " + schema_ + "\n"
                   "  poll_interval_ms: 200\n"
                   "http:\n"
                   "  port: " + std::to_string(port_) + "\n" + extra);
    }

    // Signals acted on as they arrive, without the filters that need market statistics.
    void write_immediate_strategy() const {
        write_file(config_dir() / "strategies.yaml",
                   "signals:\n"
                   "  immediate: true\n"
                   "  filters:\n"
                   "    open_interest_enabled: false\n"
                   "    volume_enabled: false\n"
                   "    price_change_enabled: false\n");
    }

    std::unique_ptr<child_process> start(const std::string& name, const std::string& mode) {
        return std::make_unique<child_process>(
            built_binary("src/bin/tradebot"),
            std::vector<std::string>{"--mode", mode, "--config", config_dir().string()}, dir_.path() / (name + ".log"));
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
